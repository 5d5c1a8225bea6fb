import type * as vscode from 'vscode';
import type { Conversation } from '../core/common/conversation';
import type { CodeContext, ReasoningEffort, Usage } from '../core/common/types';
import type { InlineThreads } from './inline/inlineThreads';
import type { Logger } from './log';
import type { Notifier } from './notify';
import type { Proposals } from './refactor/proposals';
import type { ReasonerRequestRunner } from './requestRunner';
import type { ApiKeyStore } from './secrets';

/** One question and answer of an inline thread, as handed to the chat by "Open in Chat". */
export interface ExchangeExport {
  readonly question: string;
  readonly context: readonly CodeContext[];
  readonly answer: string;
  readonly modelId: string | undefined;
  readonly effort: ReasoningEffort;
  readonly status: 'running' | 'done' | 'incomplete' | 'cancelled' | 'error';
  readonly usage?: Usage;
  readonly elapsedMs: number;
}

/** What other entry points may ask of the chat sidebar. */
export interface ChatBridge {
  /** Sends a prompt as a new turn of the active conversation; resolves to the answer or undefined. */
  sendPrompt(text: string, context: readonly CodeContext[], modelId?: string): Promise<string | undefined>;
  /** Shows a copy of a conversation (an inline thread's) as a new chat; resolves to the copy's id. */
  openConversation(conversation: Conversation): Promise<string | undefined>;
}

/** What activate() builds once and hands to every command and view. */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly keys: ApiKeyStore;
  readonly log: Logger;
  readonly logChannel: vscode.LogOutputChannel;
  readonly notifier: Notifier;
  readonly runner: ReasonerRequestRunner;
  readonly inline: InlineThreads;
  readonly proposals: Proposals;
  chat?: ChatBridge;
}
