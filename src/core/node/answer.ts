/**
 * A call's events collected into one {@link Answer}, folded by the one reducer
 * ({@link applyStreamEvent}) so the collected answer cannot disagree with the chat or
 * the inline threads, plus the notice for answers stopped at the token limit.
 */

import { emptyAnswerMessage, truncatedAnswerMessage } from '../common/answerNotices';
import type { ApiError } from '../common/errors';
import type { FinishReason, ReasoningRequest, StreamEvent, Usage } from '../common/types';
import { applyStreamEvent, type AnswerParts } from '../common/turnReducer';
import type { ReasoningClient } from './client';

export interface Answer {
  readonly text: string;
  readonly reasoning: string;
  readonly usage?: Usage;
  readonly finish?: FinishReason;
  readonly error?: ApiError;
  readonly requestId?: string;
  /** Something the user should know about a finished answer (empty because of the token budget, cut off). */
  readonly notice?: string;
  readonly elapsedMs: number;
}

export interface CollectOptions {
  /** Called for every event as it arrives (streaming UIs). */
  readonly onEvent?: (event: StreamEvent) => void;
  /** Used in the notice for answers that hit the token limit. */
  readonly maxOutputTokens?: number | null;
  readonly effort?: ReasoningRequest['effort'];
}

/** Drain an event stream into an {@link Answer}. Never throws for API problems. */
export async function collectAnswer(events: AsyncIterable<StreamEvent>, opts: CollectOptions | ((event: StreamEvent) => void) = {}): Promise<Answer> {
  const options: CollectOptions = typeof opts === 'function' ? { onEvent: opts } : opts;
  const started = Date.now();
  const parts: AnswerParts = { text: '', reasoning: '' };
  let error: ApiError | undefined;
  for await (const event of events) {
    options.onEvent?.(event);
    applyStreamEvent(parts, event);
    if (event.type === 'error') error = event.error;
  }
  const { text, reasoning, usage, finish, requestId } = parts;
  const notice = error
    ? undefined
    : emptyAnswerMessage(finish, text, { maxOutputTokens: options.maxOutputTokens, effort: options.effort, reasoningTokens: usage?.reasoningTokens })
      ?? truncatedAnswerMessage(finish, text);
  return {
    text,
    reasoning,
    ...(usage ? { usage } : {}),
    ...(finish ? { finish } : {}),
    ...(error ? { error } : {}),
    ...(requestId ? { requestId } : {}),
    ...(notice ? { notice } : {}),
    elapsedMs: Date.now() - started,
  };
}

/** `client.stream(request)` drained into an {@link Answer}. */
export function runToCompletion(
  client: Pick<ReasoningClient, 'stream'>,
  request: ReasoningRequest,
  opts: { signal?: AbortSignal; onEvent?: (event: StreamEvent) => void } = {},
): Promise<Answer> {
  return collectAnswer(client.stream(request, opts.signal), {
    onEvent: opts.onEvent, maxOutputTokens: request.maxOutputTokens, effort: request.effort,
  });
}
