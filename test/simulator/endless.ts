/**
 * Answers that never end: after the scripted text, a stream that goes on with keep-alive
 * comments or empty deltas until the client goes away. (Polls that answer `in_progress`
 * forever are the simulator's job table's; see `endless: "in-progress"`.)
 */

import type { ResolvedAnswer, SseEvent } from './answers';
import type { SimScript } from './types';

function sse(data: unknown, event?: string): string {
  return `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
}

/** The stream of an `endless` script on either API: its head, its text, then filler forever. */
export function* endlessStream(route: 'chat' | 'responses', answer: ResolvedAnswer, endless: NonNullable<SimScript['endless']>, id: string, created: number): Iterable<SseEvent> {
  const chunk = (delta: object): SseEvent => ({
    text: sse({ id, object: 'chat.completion.chunk', created, model: answer.snapshot, choices: [{ index: 0, delta, logprobs: null, finish_reason: null }] }),
    hasText: 'content' in delta && (delta as { content: string }).content !== '',
  });
  let sequence = 0;
  const event = (type: string, fields: object, hasText = false): SseEvent => ({ text: sse({ type, sequence_number: sequence++, ...fields }, type), hasText });
  const textDelta = (delta: string): SseEvent => route === 'chat'
    ? chunk({ content: delta })
    : event('response.output_text.delta', { item_id: `msg_${id}`, output_index: 0, content_index: 0, delta, logprobs: [] }, delta !== '');
  if (route === 'chat') yield chunk({ role: 'assistant', content: '' });
  else {
    const response = { id, object: 'response', created_at: created, status: 'in_progress', model: answer.snapshot, output: [] };
    yield event('response.created', { response });
    yield event('response.in_progress', { response });
  }
  for (const piece of answer.text()) yield textDelta(piece);
  const filler: SseEvent = endless === 'keep-alive' ? { text: ': keep-alive\n\n', hasText: false } : textDelta('');
  for (;;) yield filler;
}
