/**
 * The shapes every layer agrees on: what a request is, and what comes back.
 * Entry points (inline threads, chat, palette prompts, the VS Code Chat provider)
 * build a {@link ReasoningRequest} and consume {@link StreamEvent}s; nothing else
 * about the two gateway APIs leaks out of src/core.
 */

import type { ModelApi } from './models';

export type { ModelApi };

export type ReasoningEffort = 'low' | 'medium' | 'high';
/** The efforts every picker offers and every check of a message or setting accepts, least first. */
export const REASONING_EFFORTS: readonly ReasoningEffort[] = ['low', 'medium', 'high'];
/** The effort when none is set, or the one set is not one of {@link REASONING_EFFORTS}. */
export const DEFAULT_REASONING_EFFORT: ReasoningEffort = 'medium';

export function isReasoningEffort(value: unknown): value is ReasoningEffort {
  return (REASONING_EFFORTS as readonly unknown[]).includes(value);
}

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
  /** Set on a definition the code uses (gathered from the language providers): the symbol it defines. */
  readonly symbol?: string;
}

/** An image attached to a user turn (only sent to models whose catalog entry has `imageInput`). */
export interface ImageInput {
  /** An https URL or a `data:image/...;base64,` URL. */
  readonly url: string;
  readonly detail?: 'low' | 'high' | 'auto';
}

/** A function the model may call (VS Code's language-model tools): JSON Schema for its input. */
export interface ToolSpec {
  readonly name: string;
  readonly description: string;
  readonly parameters?: object;
}

/** A call the model made: `arguments` is the JSON text it wrote. */
export interface ToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

/** What a tool call gave back, sent with the next user turn. */
export interface ToolResult {
  readonly callId: string;
  readonly text: string;
}

export interface Turn {
  readonly role: 'user' | 'assistant';
  readonly text: string;
  readonly context?: readonly CodeContext[];
  readonly images?: readonly ImageInput[];
  /** Assistant turns: the tools the model called. */
  readonly toolCalls?: readonly ToolCall[];
  /** User turns: the results of the previous turn's calls, sent before the text. */
  readonly toolResults?: readonly ToolResult[];
}

/**
 * One request to a reasoning model, independent of the API that serves it.
 * `model` comes from `resolveModel()` in models.ts (built-in table + `reasoner.models`).
 */
export interface ReasoningRequest {
  readonly model: import('./models').ModelInfo;
  /** Sent as a `developer` message (chat) or the `instructions` field (responses). */
  readonly instructions?: string;
  /** The whole conversation so far, oldest first; the last turn is the user's new message. */
  readonly turns: readonly Turn[];
  readonly effort: ReasoningEffort;
  /** Includes reasoning tokens; absent/null leaves the model's own limit. */
  readonly maxOutputTokens?: number | null;
  readonly stream: boolean;
  /** Ask for reasoning summaries where the model provides them (capabilities.reasoningSummary). */
  readonly reasoningSummary: boolean;
  /** Responses API only, where capabilities.background: start in background mode and poll. */
  readonly background?: boolean;
  /** Functions the model may call; their calls come back as `toolCall` events. */
  readonly tools?: readonly ToolSpec[];
  /** `required`: the model must call one of `tools`. */
  readonly toolChoice?: 'auto' | 'required';
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
  /** A complete tool call (its arguments whole), before the finish. */
  | { readonly type: 'toolCall'; readonly call: ToolCall }
  | { readonly type: 'usage'; readonly usage: Usage }
  /** Progress while nothing else arrives (background polling, retries, waiting on o3-pro). */
  | { readonly type: 'progress'; readonly elapsedMs: number; readonly status: string }
  /**
   * The gateway runs the request as a background job with this id (polled from now on);
   * without an id, the request left background mode (the gateway cannot poll) and streams.
   */
  | { readonly type: 'background'; readonly responseId?: string }
  | { readonly type: 'finish'; readonly reason: FinishReason }
  | { readonly type: 'error'; readonly error: import('./errors').ApiError };
