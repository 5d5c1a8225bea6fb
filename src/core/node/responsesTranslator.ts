/**
 * The responses API's answers -> events: typed SSE events (`response.output_text.delta`,
 * `response.completed`, …) and a finished response object (non-streamed or polled in the
 * background) give the same events.
 */

import type { FinishReason, StreamEvent } from '../common/types';
import { inBandError } from './httpErrors';
import { functionCall, functionCallItems, MAX_TOOL_CALLS, offeredCallEvent, tooManyToolCalls, ToolCallTally } from './toolCalls';
import { endedEarly, isRecord, JsonEventTranslator, str, unreadable, type Json, type TranslatorContext } from './translator';
import { responsesUsage } from './usage';

export class ResponsesTranslator extends JsonEventTranslator {
  private sawText = false;
  private sawReasoning = false;
  private readonly sawCalls = new Set<string>();
  protected readonly calls = new ToolCallTally();

  constructor(ctx: TranslatorContext) {
    super(ctx, 'event');
  }

  /** Not normally sent on this API; trusted as the end of the answer. */
  protected doneMarker(): StreamEvent[] {
    this.done = true;
    return [{ type: 'finish', reason: 'stop' }];
  }

  protected message(json: Json, event: string | undefined): StreamEvent[] {
    const type = str(json.type) ?? event ?? '';
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
