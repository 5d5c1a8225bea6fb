/**
 * What the two APIs' translators ({@link ./chatTranslator}, {@link ./responsesTranslator}) share:
 * the translator's shape, the request context kept on errors, and the errors of a body that
 * ended early or could not be read.
 */

import { ApiError } from '../common/errors';
import type { StreamEvent } from '../common/types';
import type { SseMessage } from './sse';
import type { ToolCallContext } from './toolCalls';

export type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The request id and model label (kept on errors), and the tools the request offered. */
export type TranslatorContext = ToolCallContext;

/** SSE messages of one API -> events. Stateful: one per response. */
export interface StreamTranslator {
  /** Events for one SSE message. `atEnd`: dispatched while flushing the end of the body. */
  push(message: SseMessage, atEnd?: boolean): StreamEvent[];
  /** The body ended: the terminal events if none came yet. */
  end(): StreamEvent[];
  /** A terminal event was produced; later messages are ignored. */
  readonly done: boolean;
  /** Characters of tool calls read but not yet handed on (they count toward the answer cap). */
  readonly heldChars: number;
  /** The response id the server gave (chatcmpl-…/resp_…), if any. */
  readonly responseId: string | undefined;
}

export function parseData(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The SSE side both translators share: nothing after the end, blank data skipped, `[DONE]`,
 * and data that is not JSON (an error, unless it is the torn tail of the body).
 */
export abstract class JsonEventTranslator implements StreamTranslator {
  done = false;
  responseId: string | undefined;
  protected abstract readonly calls: { readonly heldChars: number };

  constructor(protected readonly ctx: TranslatorContext, private readonly pieceName: string) {}

  get heldChars(): number {
    return this.calls.heldChars;
  }

  push(message: SseMessage, atEnd = false): StreamEvent[] {
    if (this.done) return [];
    const data = message.data.trim();
    if (data === '') return [];
    if (data === '[DONE]') return this.doneMarker();
    const json = parseData(data);
    if (!isRecord(json)) {
      if (atEnd) return [];
      this.done = true;
      return [{ type: 'error', error: unreadable(`a stream ${this.pieceName} was not JSON: ${data.slice(0, 80)}`, this.ctx) }];
    }
    return this.message(json, message.event);
  }

  abstract end(): StreamEvent[];
  /** `data: [DONE]` arrived. */
  protected abstract doneMarker(): StreamEvent[];
  /** One JSON message (`event`: the SSE event name, if any). */
  protected abstract message(json: Json, event: string | undefined): StreamEvent[];
}

export function endedEarly(ctx: TranslatorContext): ApiError {
  return new ApiError({
    kind: 'network',
    detail: 'the connection closed before the answer was complete',
    requestId: ctx.requestId,
    model: ctx.model,
  });
}

export function unreadable(what: string, ctx: TranslatorContext): ApiError {
  return new ApiError({ kind: 'protocol', detail: what, requestId: ctx.requestId, model: ctx.model });
}
