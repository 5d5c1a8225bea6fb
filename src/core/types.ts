/**
 * The shapes every layer agrees on: what a request is, and what comes back.
 * Entry points (inline threads, chat, palette prompts, the VS Code Chat provider)
 * build a {@link ReasoningRequest} and consume {@link StreamEvent}s; nothing else
 * about the two gateway APIs leaks out of src/core.
 */

export type ReasoningEffort = 'low' | 'medium' | 'high';
export const REASONING_EFFORTS: readonly ReasoningEffort[] = ['low', 'medium', 'high'];

export type ModelApi = 'chat' | 'responses';

/** Code the user attached to a turn: sent as a fenced block with its file name and language. */
export interface CodeContext {
  readonly fileName: string;
  readonly languageId: string;
  readonly code: string;
  /** 1-based, inclusive; absent when the whole file is attached. */
  readonly startLine?: number;
  readonly endLine?: number;
  /** Lines around the selection, to give the model its surroundings. */
  readonly before?: string;
  readonly after?: string;
}

export interface Turn {
  readonly role: 'user' | 'assistant';
  readonly text: string;
  readonly context?: readonly CodeContext[];
}

export interface Usage {
  readonly inputTokens: number;
  /** Includes reasoning tokens (the gateway counts them as output). */
  readonly outputTokens: number;
  readonly reasoningTokens: number;
  readonly cachedInputTokens?: number;
  /** The gateway's own cost figure (`meta.usage`), when it sends one. */
  readonly costUsd?: number;
  readonly credits?: number;
}

/** `incomplete:<reason>` carries the responses API's `incomplete_details.reason`. */
export type FinishReason = 'stop' | 'length' | 'content_filter' | 'cancelled' | `incomplete:${string}`;

export type StreamEvent =
  | { readonly type: 'request'; readonly requestId?: string; readonly api: ModelApi; readonly url: string }
  | { readonly type: 'text'; readonly delta: string }
  | { readonly type: 'reasoning'; readonly delta: string }
  | { readonly type: 'usage'; readonly usage: Usage }
  /** Progress while nothing else arrives (background polling, retries, waiting on o3-pro). */
  | { readonly type: 'progress'; readonly elapsedMs: number; readonly status: string }
  | { readonly type: 'finish'; readonly reason: FinishReason }
  | { readonly type: 'error'; readonly error: import('./errors').ApiError };
