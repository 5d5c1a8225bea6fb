/**
 * The two APIs' answers -> one stream of typed events ({@link StreamEvent}).
 *
 * Streamed (SSE messages) and non-streamed (one JSON document) answers give the same
 * events: `reasoning`/`text` deltas, then `usage` (once, when known), then exactly one
 * terminal `finish` or `error`. Unknown event types and extra fields are ignored.
 */

import { ApiError, type ApiErrorKind } from '../common/errors';
import type { SseMessage } from './sse';
import type { FinishReason, ModelApi, StreamEvent, Usage } from '../common/types';
import {
  ChatCallPieces, chatCall, functionCall, functionCallItems, MAX_TOOL_CALLS, offeredCallEvent, tooManyToolCalls, ToolCallTally,
  type ToolCallContext,
} from './toolCalls';

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

// ---------------------------------------------------------------------------
// Usage

function costFields(meta: unknown): { costUsd?: number; credits?: number } {
  const usage = isRecord(meta) && isRecord(meta.usage) ? meta.usage : undefined;
  if (!usage) return {};
  const out: { costUsd?: number; credits?: number } = {};
  const usd = num(usage.usd_spent);
  const credits = num(usage.credits_used);
  if (usd !== undefined) out.costUsd = usd;
  if (credits !== undefined) out.credits = credits;
  return out;
}

/** Chat usage: `completion_tokens` already includes `reasoning_tokens` (not added twice). */
export function chatUsage(usage: unknown, meta?: unknown): Usage | undefined {
  if (!isRecord(usage)) return undefined;
  const details = isRecord(usage.completion_tokens_details) ? usage.completion_tokens_details : {};
  const prompt = isRecord(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  const cached = num(prompt.cached_tokens);
  return {
    inputTokens: num(usage.prompt_tokens) ?? 0,
    outputTokens: num(usage.completion_tokens) ?? 0,
    reasoningTokens: num(details.reasoning_tokens) ?? 0,
    ...(cached !== undefined ? { cachedInputTokens: cached } : {}),
    ...costFields(meta),
  };
}

/** Responses usage: `output_tokens` already includes `reasoning_tokens`. */
export function responsesUsage(usage: unknown, meta?: unknown): Usage | undefined {
  if (!isRecord(usage)) return undefined;
  const details = isRecord(usage.output_tokens_details) ? usage.output_tokens_details : {};
  const input = isRecord(usage.input_tokens_details) ? usage.input_tokens_details : {};
  const cached = num(input.cached_tokens);
  return {
    inputTokens: num(usage.input_tokens) ?? 0,
    outputTokens: num(usage.output_tokens) ?? 0,
    reasoningTokens: num(details.reasoning_tokens) ?? 0,
    ...(cached !== undefined ? { cachedInputTokens: cached } : {}),
    ...costFields(meta),
  };
}

// ---------------------------------------------------------------------------
// Finish reasons and in-band errors

export function chatFinishReason(reason: string): FinishReason {
  switch (reason) {
    case 'stop':
    case 'tool_calls':
    case 'function_call':
      return 'stop';
    case 'length':
      return 'length';
    case 'content_filter':
      return 'content_filter';
    default:
      return `incomplete:${reason}`;
  }
}

function kindForErrorCode(code: string | undefined, fallback: ApiErrorKind): ApiErrorKind {
  switch (code) {
    case 'rate_limit_exceeded':
    case 'rate_limit_error':
      return 'rate-limit';
    case 'insufficient_quota':
      return 'credits';
    case 'invalid_api_key':
    case 'authentication_error':
      return 'auth';
    case 'context_length_exceeded':
    case 'invalid_request_error':
    case 'invalid_prompt':
      return 'bad-request';
    case 'server_error':
    case 'server_is_overloaded':
    case 'api_error':
      return 'server';
    default:
      return fallback;
  }
}

/** An error carried inside a 200 answer (`error` event, `response.failed`, `{error:{…}}` chunk). */
export function inBandError(error: unknown, fallbackMessage: string, ctx: TranslatorContext = {}): ApiError {
  const record = isRecord(error) ? (isRecord(error.error) ? error.error : error) : {};
  const code = str(record.code) ?? str(record.type);
  const status = num(record.status) ?? num(record.statusCode);
  const message = str(record.message) ?? (typeof error === 'string' ? error : undefined) ?? fallbackMessage;
  return new ApiError({
    kind: kindForErrorCode(code, 'server'),
    serverMessage: message,
    code,
    param: str(record.param),
    requestId: ctx.requestId,
    model: ctx.model,
    ...(status !== undefined ? { detail: `in-band status ${status}` } : {}),
  });
}

function endedEarly(ctx: TranslatorContext): ApiError {
  return new ApiError({
    kind: 'network',
    detail: 'the connection closed before the answer was complete',
    requestId: ctx.requestId,
    model: ctx.model,
  });
}

function unreadable(what: string, ctx: TranslatorContext): ApiError {
  return new ApiError({ kind: 'protocol', detail: what, requestId: ctx.requestId, model: ctx.model });
}

// ---------------------------------------------------------------------------
// Streamed answers

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

export function createTranslator(api: ModelApi, ctx: TranslatorContext = {}): StreamTranslator {
  return api === 'chat' ? new ChatTranslator(ctx) : new ResponsesTranslator(ctx);
}

function parseData(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}

class ChatTranslator implements StreamTranslator {
  done = false;
  responseId: string | undefined;
  private finish: FinishReason | undefined;
  private usage: unknown;
  private meta: unknown;
  private readonly calls = new ChatCallPieces();

  constructor(private readonly ctx: TranslatorContext) {}

  get heldChars(): number {
    return this.calls.heldChars;
  }

  push(message: SseMessage, atEnd = false): StreamEvent[] {
    if (this.done) return [];
    const data = message.data.trim();
    if (data === '') return [];
    if (data === '[DONE]') return this.terminal();
    const json = parseData(data);
    if (!isRecord(json)) {
      if (atEnd) return [];
      this.done = true;
      return [{ type: 'error', error: unreadable(`a stream chunk was not JSON: ${data.slice(0, 80)}`, this.ctx) }];
    }
    if (json.error !== undefined && json.error !== null) {
      this.done = true;
      return [{ type: 'error', error: inBandError(json.error, 'The stream reported an error.', this.ctx) }];
    }
    this.responseId ??= str(json.id);
    if (json.meta !== undefined) this.meta = json.meta;
    if (isRecord(json.usage)) this.usage = json.usage;
    const events: StreamEvent[] = [];
    const choices = Array.isArray(json.choices) ? json.choices : [];
    for (const choice of choices) {
      if (!isRecord(choice) || (choice.index !== undefined && choice.index !== 0)) continue;
      const delta = isRecord(choice.delta) ? choice.delta : {};
      const reasoning = str(delta.reasoning_content) ?? str(delta.reasoning);
      if (reasoning) events.push({ type: 'reasoning', delta: reasoning });
      const text = str(delta.content) ?? str(delta.refusal);
      if (text) events.push({ type: 'text', delta: text });
      if (Array.isArray(delta.tool_calls) && !this.calls.add(delta.tool_calls)) {
        this.done = true;
        return [...events, { type: 'error', error: tooManyToolCalls(this.ctx) }];
      }
      if (typeof choice.finish_reason === 'string') this.finish = chatFinishReason(choice.finish_reason);
    }
    return events;
  }

  end(): StreamEvent[] {
    if (this.done) return [];
    if (this.finish !== undefined) return this.terminal(); // tolerate a missing [DONE]
    this.done = true;
    return [{ type: 'error', error: endedEarly(this.ctx) }];
  }

  private terminal(): StreamEvent[] {
    this.done = true;
    const events = this.calls.take(this.ctx);
    const usage = chatUsage(this.usage, this.meta);
    if (usage) events.push({ type: 'usage', usage });
    events.push({ type: 'finish', reason: this.finish ?? 'stop' });
    return events;
  }
}

class ResponsesTranslator implements StreamTranslator {
  done = false;
  responseId: string | undefined;
  private sawText = false;
  private sawReasoning = false;
  private readonly sawCalls = new Set<string>();
  private readonly calls = new ToolCallTally();

  constructor(private readonly ctx: TranslatorContext) {}

  get heldChars(): number {
    return this.calls.heldChars;
  }

  push(message: SseMessage, atEnd = false): StreamEvent[] {
    if (this.done) return [];
    const data = message.data.trim();
    if (data === '') return [];
    if (data === '[DONE]') {
      // Not normally sent on this API; trust it as the end of the answer.
      this.done = true;
      return [{ type: 'finish', reason: 'stop' }];
    }
    const json = parseData(data);
    if (!isRecord(json)) {
      if (atEnd) return [];
      this.done = true;
      return [{ type: 'error', error: unreadable(`a stream event was not JSON: ${data.slice(0, 80)}`, this.ctx) }];
    }
    const type = str(json.type) ?? message.event ?? '';
    switch (type) {
      case 'response.created':
      case 'response.in_progress':
      case 'response.queued':
        if (isRecord(json.response)) this.responseId ??= str(json.response.id);
        return [];
      case 'response.reasoning_summary_part.added':
        return this.sawReasoning ? this.reasoning('\n\n') : [];
      case 'response.reasoning_summary_text.delta':
        return this.reasoning(str(json.delta) ?? '');
      case 'response.output_text.delta':
      case 'response.refusal.delta':
        return this.text(str(json.delta) ?? '');
      case 'response.function_call_arguments.delta':
        return this.calls.hold(str(json.item_id) ?? '', (str(json.delta) ?? '').length) ? [] : this.tooManyCalls();
      case 'response.output_item.done':
        return this.call(json.item);
      case 'response.completed':
      case 'response.incomplete':
      case 'response.cancelled':
        return this.finishWith(json.response);
      case 'response.failed': {
        this.done = true;
        const response = isRecord(json.response) ? json.response : {};
        this.responseId ??= str(response.id);
        const events: StreamEvent[] = [];
        const usage = responsesUsage(response.usage, response.meta);
        if (usage) events.push({ type: 'usage', usage });
        events.push({ type: 'error', error: inBandError(response.error, 'The model failed to answer.', this.ctx) });
        return events;
      }
      case 'error':
        this.done = true;
        return [{ type: 'error', error: inBandError(json, 'The stream reported an error.', this.ctx) }];
      default:
        return []; // unknown or uninteresting event types
    }
  }

  end(): StreamEvent[] {
    if (this.done) return [];
    this.done = true;
    return [{ type: 'error', error: endedEarly(this.ctx) }];
  }

  private text(delta: string): StreamEvent[] {
    if (delta === '') return [];
    this.sawText = true;
    return [{ type: 'text', delta }];
  }

  private reasoning(delta: string): StreamEvent[] {
    if (delta === '') return [];
    this.sawReasoning = true;
    return [{ type: 'reasoning', delta }];
  }

  /** A finished `function_call` item: one tool call, told once, if its tool was offered. */
  private call(item: unknown): StreamEvent[] {
    const call = functionCall(item);
    if (!call || this.sawCalls.has(call.id)) return [];
    this.sawCalls.add(call.id);
    const key = isRecord(item) ? str(item.id) ?? call.id : call.id;
    const counted = this.calls.hold(key, 0);
    this.calls.release(key);
    return counted ? offeredCallEvent(call, this.ctx) : this.tooManyCalls();
  }

  private tooManyCalls(): StreamEvent[] {
    this.done = true;
    return [{ type: 'error', error: tooManyToolCalls(this.ctx) }];
  }

  private finishWith(response: unknown): StreamEvent[] {
    this.done = true;
    const record = isRecord(response) ? response : {};
    this.responseId ??= str(record.id);
    // If the deltas were not streamed (some proxies), take the text from the final response.
    const events: StreamEvent[] = [];
    const collected = collectResponseOutput(record);
    if (!this.sawReasoning && collected.reasoning) events.push(...this.reasoning(collected.reasoning));
    if (!this.sawText && collected.text) events.push(...this.text(collected.text));
    for (const item of functionCallItems(record.output)) {
      events.push(...this.call(item));
      if (events.at(-1)?.type === 'error') return events;
    }
    const usage = responsesUsage(record.usage, record.meta);
    if (usage) events.push({ type: 'usage', usage });
    events.push({ type: 'finish', reason: responsesFinishReason(record) });
    return events;
  }
}

export function responsesFinishReason(response: Json): FinishReason {
  const status = str(response.status);
  if (status === 'cancelled') return 'cancelled';
  if (status === 'incomplete') {
    const details = isRecord(response.incomplete_details) ? response.incomplete_details : {};
    return `incomplete:${str(details.reason) ?? 'unknown'}`;
  }
  return 'stop';
}

/** Joins `output_text` (and refusal) parts of message items, and `summary_text` parts of reasoning items. */
export function collectResponseOutput(response: Json): { text: string; reasoning: string } {
  const texts: string[] = [];
  const summaries: string[] = [];
  const output = Array.isArray(response.output) ? response.output : [];
  for (const item of output) {
    if (!isRecord(item)) continue;
    if (item.type === 'message' && Array.isArray(item.content)) {
      for (const part of item.content) {
        if (!isRecord(part)) continue;
        if (part.type === 'output_text' && typeof part.text === 'string') texts.push(part.text);
        else if (part.type === 'refusal' && typeof part.refusal === 'string') texts.push(part.refusal);
      }
    } else if (item.type === 'reasoning' && Array.isArray(item.summary)) {
      for (const part of item.summary) {
        if (isRecord(part) && typeof part.text === 'string' && part.text !== '') summaries.push(part.text);
      }
    }
  }
  let text = texts.join('');
  if (text === '' && typeof response.output_text === 'string') text = response.output_text;
  return { text, reasoning: summaries.join('\n\n') };
}

// ---------------------------------------------------------------------------
// Non-streamed answers: the same events

/** Events for a non-streamed chat completion. */
export function chatCompletionEvents(json: unknown, ctx: TranslatorContext = {}): StreamEvent[] {
  if (!isRecord(json)) return [{ type: 'error', error: unreadable('the answer was not a JSON object', ctx) }];
  if (json.error !== undefined && json.error !== null) {
    return [{ type: 'error', error: inBandError(json.error, 'The answer reported an error.', ctx) }];
  }
  const choices = Array.isArray(json.choices) ? json.choices : [];
  const choice = choices.find((c) => isRecord(c) && (c.index === undefined || c.index === 0));
  if (!isRecord(choice)) return [{ type: 'error', error: unreadable('the answer had no choices', ctx) }];
  const message = isRecord(choice.message) ? choice.message : {};
  const events: StreamEvent[] = [];
  const reasoning = str(message.reasoning_content);
  if (reasoning) events.push({ type: 'reasoning', delta: reasoning });
  const text = str(message.content) || str(message.refusal) || '';
  if (text) events.push({ type: 'text', delta: text });
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  if (calls.length > MAX_TOOL_CALLS) return [...events, { type: 'error', error: tooManyToolCalls(ctx) }];
  calls.forEach((piece, index) => {
    const fn = isRecord(piece) && isRecord(piece.function) ? piece.function : {};
    const call = isRecord(piece) ? chatCall({ id: str(piece.id) ?? '', name: str(fn.name) ?? '', arguments: str(fn.arguments) ?? '' }, index) : undefined;
    if (call) events.push(...offeredCallEvent(call, ctx));
  });
  const usage = chatUsage(json.usage, json.meta);
  if (usage) events.push({ type: 'usage', usage });
  events.push({ type: 'finish', reason: typeof choice.finish_reason === 'string' ? chatFinishReason(choice.finish_reason) : 'stop' });
  return events;
}

/** Status of a responses object (`queued`, `in_progress`, `completed`, …). */
export function responseStatus(json: unknown): string | undefined {
  return isRecord(json) ? str(json.status) : undefined;
}

/** Events for a finished (non-streamed or polled) response object. */
export function responseEvents(json: unknown, ctx: TranslatorContext = {}): StreamEvent[] {
  if (!isRecord(json)) return [{ type: 'error', error: unreadable('the answer was not a JSON object', ctx) }];
  const status = str(json.status);
  const events: StreamEvent[] = [];
  const usage = responsesUsage(json.usage, json.meta);
  if (status === 'failed' || (json.error !== undefined && json.error !== null && status !== 'completed' && status !== 'incomplete')) {
    if (usage) events.push({ type: 'usage', usage });
    events.push({ type: 'error', error: inBandError(json.error, 'The model failed to answer.', ctx) });
    return events;
  }
  const collected = collectResponseOutput(json);
  if (collected.reasoning) events.push({ type: 'reasoning', delta: collected.reasoning });
  if (collected.text) events.push({ type: 'text', delta: collected.text });
  const items = functionCallItems(json.output);
  if (items.length > MAX_TOOL_CALLS) return [...events, { type: 'error', error: tooManyToolCalls(ctx) }];
  for (const item of items) {
    const call = functionCall(item);
    if (call) events.push(...offeredCallEvent(call, ctx));
  }
  if (usage) events.push({ type: 'usage', usage });
  events.push({ type: 'finish', reason: responsesFinishReason(json) });
  return events;
}
