/**
 * The chat completions API's answers -> events: SSE chunks (`choices[0].delta`, a `usage`
 * chunk, `[DONE]`) and a non-streamed completion give the same events.
 */

import type { FinishReason, StreamEvent } from '../common/types';
import { inBandError } from './httpErrors';
import { ChatCallPieces, chatCall, MAX_TOOL_CALLS, offeredCallEvent, tooManyToolCalls } from './toolCalls';
import { endedEarly, isRecord, JsonEventTranslator, str, unreadable, type Json, type TranslatorContext } from './translator';
import { chatUsage } from './usage';

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

export class ChatTranslator extends JsonEventTranslator {
  private finish: FinishReason | undefined;
  private usage: unknown;
  private meta: unknown;
  protected readonly calls = new ChatCallPieces();

  constructor(ctx: TranslatorContext) {
    super(ctx, 'chunk');
  }

  protected doneMarker(): StreamEvent[] {
    return this.terminal();
  }

  protected message(json: Json): StreamEvent[] {
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
