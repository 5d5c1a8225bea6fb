/**
 * What the chat page is told: every change of the chat's state becomes the
 * host message that shows it, streamed text goes out for the conversation on
 * screen, and notices, focus and drafts are sent on request. The page keeps
 * no state of its own, so this is the only way anything reaches it.
 */
import type { Conversation } from '../../core/common/conversation';
import type { NoticeLevel } from '../../core/common/pageMessages';
import type { ChatPageData, HostMessage, WebviewMessage } from '../../core/common/protocol';
import { Disposable } from '../lifecycle';
import type { WebviewHost } from '../webview/webviewHost';
import type { ChatChange, ChatModel } from './chatModel';
import type { TurnStream } from './turnRunner';

export type ChatWebviewHost = WebviewHost<HostMessage, WebviewMessage>;

export class ChatPage extends Disposable implements TurnStream {
  /** Raised at every change of the chat's state: names the state a page was created with. */
  private revision = 0;

  constructor(private readonly host: ChatWebviewHost, private readonly model: ChatModel) {
    super();
    this.register(model.onDidChange((change) => {
      this.revision++;
      this.show(change);
    }));
  }

  /** What a new page is created with: the state as it is now; undefined while the history is still opening (the page then waits for it). */
  pageData(): ChatPageData | undefined {
    if (!this.model.getActiveConversation()) return undefined;
    return { revision: this.revision, state: this.model.snapshot() };
  }

  /**
   * The page said it is ready, showing the embedded state of revision `shown` (if any): it gets
   * the whole state first unless that is still the state (streamed text changes no revision, so a
   * running answer always sends it), then whatever waited.
   */
  sendState(shown?: number): void {
    const upToDate = shown === this.revision && this.model.runs().length === 0;
    this.host.pageReady(upToDate ? [] : [{ type: 'state', state: this.model.snapshot() }]);
  }

  delta(conversation: Conversation, turnId: string, text: string, reasoning: string): void {
    if (this.isShown(conversation)) void this.host.post({ type: 'turnDelta', conversationId: conversation.id, turnId, text, reasoning });
  }

  progress(conversation: Conversation, turnId: string, status: string): void {
    if (this.isShown(conversation)) void this.host.post({ type: 'turnProgress', conversationId: conversation.id, turnId, status });
  }

  notice(level: NoticeLevel, message: string): void {
    void this.host.post({ type: 'notice', level, message });
  }

  /** Resolves to whether the page received it (it waits for a page that is still loading). */
  focusComposer(): Promise<boolean> {
    return this.host.post({ type: 'focusComposer' });
  }

  /** Puts text back in the composer: a prompt that could not be sent is never lost. */
  setDraft(text: string): void {
    void this.host.post({ type: 'setDraft', text });
  }

  private isShown(conversation: Conversation): boolean {
    return conversation === this.model.getActiveConversation();
  }

  private show(change: ChatChange): void {
    const model = this.model;
    switch (change.kind) {
      case 'list':
        void this.host.post({ type: 'conversations', conversations: model.getConversations() });
        return;
      case 'active': {
        const active = model.getActiveConversation();
        if (active) void this.host.post({ type: 'conversation', conversation: active, running: model.isRunning(active.id) });
        return;
      }
      case 'composer':
        void this.host.post({ type: 'models', models: model.modelOptions(), composer: model.getComposer() });
        return;
      case 'contexts':
        void this.host.post({ type: 'contexts', contexts: model.getContexts() });
        return;
      case 'images':
        void this.host.post({ type: 'images', images: model.getImages() });
        return;
      case 'running':
        void this.host.post({ type: 'running', conversationId: change.conversationId, running: change.running });
        return;
      case 'turnAdded':
        if (this.isShown(change.conversation)) void this.host.post({ type: 'turnAdded', conversationId: change.conversation.id, turn: change.turn });
        return;
      case 'turnUpdated':
        if (this.isShown(change.conversation)) void this.host.post({ type: 'turnUpdated', conversationId: change.conversation.id, turn: change.turn });
        return;
    }
  }
}
