import * as assert from 'node:assert/strict';
import { SseDecoder, type SseMessage } from '../../src/core/node/sse';
import { chatCompletionEvents, createTranslator, responseEvents } from '../../src/core/node/stream';
import type { ModelApi, StreamEvent } from '../../src/core/common/types';
import { chatStream, resolveAnswer, responsesStream } from '../simulator/answers';
import type { SimScript } from '../simulator/types';

const TEXT = 'Ça marche: 日本語 🦊 — ok.';

function body(api: ModelApi, script: SimScript): Buffer {
  const request = api === 'chat'
    ? { model: 'o3-mini', messages: [{ role: 'user', content: 'q' }], stream: true, stream_options: { include_usage: true } }
    : { model: 'openai/o3-pro', input: [{ role: 'user', content: 'q' }], stream: true, reasoning: { effort: 'low', summary: 'auto' } };
  const answer = resolveAnswer({ deltaSize: 5, ...script }, request);
  const events = api === 'chat' ? chatStream(answer, script, request, 'chatcmpl-1', 1) : responsesStream(answer, script, request, 'resp_0001', 1);
  return Buffer.from([...events].map((e) => e.text).join(''), 'utf8');
}

/** Run bytes through the decoder and translator in the given pieces. */
function translate(api: ModelApi, pieces: Uint8Array[]): StreamEvent[] {
  const translator = createTranslator(api);
  const out: StreamEvent[] = [];
  let pending: SseMessage[] = [];
  const decoder = new SseDecoder((m) => pending.push(m));
  const flush = (atEnd: boolean): void => {
    for (const m of pending) out.push(...translator.push(m, atEnd));
    pending = [];
  };
  for (const piece of pieces) {
    decoder.push(piece);
    flush(false);
  }
  decoder.end();
  flush(true);
  out.push(...translator.end());
  return out;
}

function summary(events: StreamEvent[]): { text: string; reasoning: string; terminal: string } {
  const last = events[events.length - 1];
  return {
    text: events.map((e) => (e.type === 'text' ? e.delta : '')).join(''),
    reasoning: events.map((e) => (e.type === 'reasoning' ? e.delta : '')).join(''),
    terminal: last.type === 'finish' ? `finish:${last.reason}` : last.type === 'error' ? `error:${last.error.kind}` : last.type,
  };
}

describe('core/sse + stream: bytes to events', () => {
  for (const api of ['chat', 'responses'] as const) {
    it(`${api}: the same events whatever byte the stream is split at (inside multi-byte characters too)`, () => {
      const bytes = body(api, { text: TEXT, reasoning: ['Première idée 🧠', 'Zweite'] });
      const whole = translate(api, [bytes]);
      const expected = summary(whole);
      assert.equal(expected.text, TEXT);
      assert.equal(expected.reasoning, api === 'responses' ? 'Première idée 🧠\n\nZweite' : '');
      assert.equal(expected.terminal, 'finish:stop');
      // the body really has multi-byte characters to cut through
      assert.ok(bytes.length > Buffer.from(bytes.toString('latin1'), 'latin1').toString('utf8').length);
      for (let cut = 1; cut < bytes.length; cut++) {
        const events = translate(api, [bytes.subarray(0, cut), bytes.subarray(cut)]);
        assert.deepEqual(summary(events), expected, `split at byte ${cut}`);
      }
      const oneByOne = translate(api, [...bytes].map((b) => Uint8Array.of(b)));
      assert.deepEqual(summary(oneByOne), expected, 'one byte per chunk');
      assert.deepEqual(oneByOne.filter((e) => e.type === 'usage'), whole.filter((e) => e.type === 'usage'));
    });
  }

  it('chat: usage does not add reasoning tokens twice, cost comes from meta.usage', () => {
    const events = translate('chat', [body('chat', { text: 'x', usage: { input: 16, output: 300, reasoning: 256, cached: 3 }, cost: { usd: 0.5, credits: 1000 } })]);
    const usage = events.find((e) => e.type === 'usage');
    assert.deepEqual(usage, { type: 'usage', usage: { inputTokens: 16, outputTokens: 300, reasoningTokens: 256, cachedInputTokens: 3, costUsd: 0.5, credits: 1000 } });
    assert.deepEqual(events.slice(-2).map((e) => e.type), ['usage', 'finish']);
  });

  it('tolerates [DONE] on both APIs, and a chat stream without it', () => {
    assert.equal(summary(translate('chat', [body('chat', { text: 'a', done: true })])).terminal, 'finish:stop');
    assert.equal(summary(translate('chat', [body('chat', { text: 'a', done: false })])).terminal, 'finish:stop');
    const withDone = translate('responses', [body('responses', { text: 'a', done: true })]);
    assert.equal(summary(withDone).terminal, 'finish:stop');
    assert.equal(withDone.filter((e) => e.type === 'finish').length, 1);
    // [DONE] alone ends a responses stream too
    const raw = 'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"hi"}\n\ndata: [DONE]\n\n';
    assert.deepEqual(summary(translate('responses', [Buffer.from(raw)])), { text: 'hi', reasoning: '', terminal: 'finish:stop' });
  });

  it('ignores unknown event types, comments and extra fields', () => {
    for (const api of ['chat', 'responses'] as const) {
      const bytes = body(api, { text: TEXT, unknownEvents: true });
      assert.ok(bytes.toString().includes(api === 'chat' ? 'obfuscation' : 'response.future_feature.delta'));
      assert.equal(summary(translate(api, [bytes])).text, TEXT);
      assert.equal(summary(translate(api, [bytes])).terminal, 'finish:stop');
    }
  });

  it('responses: an error event ends the stream as an error carrying the message', () => {
    const events = translate('responses', [body('responses', { text: 'abcdefghijkl', errorEvent: { message: 'Upstream overloaded', code: 'server_is_overloaded', afterDeltas: 1 } })]);
    const s = summary(events);
    assert.equal(s.text, 'abcde');
    assert.equal(s.terminal, 'error:server');
    const last = events[events.length - 1];
    assert.ok(last.type === 'error' && last.error.serverMessage === 'Upstream overloaded' && last.error.code === 'server_is_overloaded');
  });

  it('responses: response.failed is an error; response.incomplete finishes incomplete:<reason>', () => {
    const failed = translate('responses', [body('responses', { text: 'x', failed: { message: 'The model crashed', code: 'server_error' } })]);
    const last = failed[failed.length - 1];
    assert.ok(last.type === 'error' && last.error.serverMessage === 'The model crashed');
    const incomplete = translate('responses', [body('responses', { text: '', incomplete: 'max_output_tokens' })]);
    assert.equal(summary(incomplete).terminal, 'finish:incomplete:max_output_tokens');
  });

  it('a stream that stops before its end is a network error, keeping what was delivered', () => {
    const bytes = body('chat', { text: 'abcdefghij' });
    const cut = bytes.indexOf('"finish_reason":"stop"');
    const events = translate('chat', [bytes.subarray(0, cut - 120)]);
    const s = summary(events);
    assert.equal(s.terminal, 'error:network');
    assert.ok('abcdefghij'.startsWith(s.text) && s.text.length > 0);
    assert.equal(summary(translate('responses', [body('responses', { text: 'abc' }).subarray(0, 900)])).terminal, 'error:network');
  });

  it('non-streamed answers give the same events as streamed ones', () => {
    const chat = chatCompletionEvents({
      id: 'c', object: 'chat.completion', model: 'o3-mini-2025-01-31',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi', refusal: null }, finish_reason: 'length' }],
      usage: { prompt_tokens: 1, completion_tokens: 9, total_tokens: 10, completion_tokens_details: { reasoning_tokens: 8 } },
    });
    assert.deepEqual(chat.map((e) => e.type), ['text', 'usage', 'finish']);
    assert.deepEqual(chat[2], { type: 'finish', reason: 'length' });
    const response = responseEvents({
      id: 'resp_1', status: 'completed', output: [
        { type: 'reasoning', summary: [{ type: 'summary_text', text: 'S1' }, { type: 'summary_text', text: 'S2' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'A' }, { type: 'output_text', text: 'B' }] },
      ],
      usage: { input_tokens: 3, output_tokens: 40, output_tokens_details: { reasoning_tokens: 30 } },
      meta: { usage: { usd_spent: 0.1, credits_used: 200 } },
    });
    assert.deepEqual(response, [
      { type: 'reasoning', delta: 'S1\n\nS2' },
      { type: 'text', delta: 'AB' },
      { type: 'usage', usage: { inputTokens: 3, outputTokens: 40, reasoningTokens: 30, costUsd: 0.1, credits: 200 } },
      { type: 'finish', reason: 'stop' },
    ]);
  });
});
