// Its own module: a surface that hands work to the chat (Compare Models, background jobs) names
// only this, not the services that hold every surface (that closed an import cycle with compare).
import type { Conversation } from '../core/common/conversation';
import type { CodeContext } from '../core/common/types';

/** What other entry points may ask of the chat sidebar. */
export interface ChatBridge {
  /** Sends a prompt as a new turn of the active conversation; resolves to the answer or undefined. */
  sendPrompt(text: string, context: readonly CodeContext[], modelId?: string): Promise<string | undefined>;
  /** Shows a copy of a conversation (an inline thread's) as a new chat; resolves to the copy's id. */
  openConversation(conversation: Conversation): Promise<string | undefined>;
  /** Shows a conversation of the history; false when it is gone. */
  showConversation(id: string): Promise<boolean>;
}
