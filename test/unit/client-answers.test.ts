import * as assert from 'node:assert/strict';
import { collectAnswer, runToCompletion } from '../../src/core/node/answer';
import { ReasoningClient } from '../../src/core/node/client';
import { parseUserModels } from '../../src/core/common/models';
import type { Turn } from '../../src/core/common/types';
import { start, type Simulator } from '../simulator/simulator';
import { assertOneTerminalAtEnd, drain, instantSleep, makeClient, model, request, simulatorSuite, TEST_KEY } from './support-core/harness';
import { validatorForModel } from './support-core/openapi';

const FORBIDDEN = ['max_tokens', 'temperature', 'top_p', 'presence_penalty', 'frequency_penalty', 'logprobs', 'top_logprobs'];

const HISTORY: Turn[] = [
  { role: 'user', text: 'What does f do?', context: [{ fileName: 'f.py', languageId: 'python', code: 'def f(x):\n    return x * 2', startLine: 1, endLine: 2 }] },
  { role: 'assistant', text: 'It doubles x.' },
  { role: 'user', text: 'And for strings?' },
];

const SCRIPT = {
  text: 'For strings it repeats them: "ab" → "abab" 🦊.',
  reasoning: ['Looking at the multiplication.', 'Strings support * too.'],
  usage: { input: 21, output: 300, reasoning: 256, cached: 4 },
  cost: { usd: 0.0123, credits: 24600 },
};

type Json = Record<string, unknown>;

describe('client: the four models against the simulator', function () {
  let sim: Simulator;
  let client: ReasoningClient;

  simulatorSuite((s, c) => { sim = s; client = c; });

  for (const id of ['o1', 'o3', 'o3-mini', 'o3-pro']) {
    for (const stream of [true, false]) {
      it(`${id}, ${stream ? 'streamed' : 'not streamed'}: sends the contract's request and reads the scripted answer`, async () => {
        const info = model(id);
        sim.script(SCRIPT);
        const req = request(info, { instructions: 'Answer briefly.', turns: HISTORY, effort: 'high', maxOutputTokens: 2000, stream, reasoningSummary: true });
        const events = await drain(client.stream(req));
        assertOneTerminalAtEnd(events);
        const collected = await collectAnswer((async function* () {
          yield* events;
        })());

        // What reached the gateway
        assert.equal(sim.requests.length, 1);
        const received = sim.requests[0];
        assert.equal(received.method, 'POST');
        assert.equal(received.headers.authorization, `Bearer ${TEST_KEY}`);
        assert.match(received.headers['content-type'], /^application\/json/);
        const body = received.body as Json;
        assert.equal(body.model, info.model);
        for (const field of FORBIDDEN) assert.equal(field in body, false, `${field} not sent`);
        if (info.api === 'chat') {
          assert.equal(received.path, '/v1/chat/completions');
          const messages = body.messages as Json[];
          assert.deepEqual(messages.map((m) => m.role), ['developer', 'user', 'assistant', 'user']);
          assert.equal(messages[0].content, 'Answer briefly.');
          assert.equal(body.max_completion_tokens, 2000);
          assert.equal(body.reasoning_effort, 'high');
          if (stream) {
            assert.equal(body.stream, true);
            assert.deepEqual(body.stream_options, { include_usage: true });
          } else {
            assert.equal('stream' in body, false);
            assert.equal('stream_options' in body, false);
          }
          assert.equal('instructions' in body, false);
          assert.equal('max_output_tokens' in body, false);
        } else {
          assert.equal(received.path, '/v1/responses');
          assert.equal(body.instructions, 'Answer briefly.');
          assert.deepEqual((body.input as Json[]).map((m) => m.role), ['user', 'assistant', 'user']);
          assert.equal(body.max_output_tokens, 2000);
          assert.deepEqual(body.reasoning, { effort: 'high', summary: 'auto' });
          assert.equal(body.stream === true, stream);
          assert.equal('messages' in body, false);
          assert.equal('max_completion_tokens' in body, false);
          assert.equal('store' in body, false);
          assert.equal('background' in body, false);
        }
        const check = validatorForModel(info.model, info.api).validate(body);
        assert.ok(check.valid, `OpenAPI: ${check.errors}`);

        // What came out
        assert.equal(collected.error, undefined, collected.error?.userMessage);
        assert.equal(collected.text, SCRIPT.text);
        assert.equal(collected.reasoning, info.capabilities.reasoningSummary ? 'Looking at the multiplication.\n\nStrings support * too.' : '');
        assert.deepEqual(collected.usage, { inputTokens: 21, outputTokens: 300, reasoningTokens: 256, cachedInputTokens: 4, costUsd: 0.0123, credits: 24600 });
        assert.equal(collected.finish, 'stop');
        assert.match(collected.requestId ?? '', /^sim-req-\d+$/);
        assert.deepEqual(events.filter((e) => e.type === 'usage').length, 1);
        const kinds = events.map((e) => e.type).filter((t) => t !== 'progress');
        assert.equal(kinds[0], 'request');
        assert.deepEqual(kinds.slice(-2), ['usage', 'finish']);
      });
    }
  }

  it('o3 on the responses API as a user model, validated against o3-RESPONSES.json', async () => {
    const { models } = parseUserModels([{ id: 'o3-responses', model: 'openai/o3-2025-04-16', api: 'responses', capabilities: { imageInput: true, reasoningSummary: true } }]);
    sim.script({ text: 'via responses' });
    const answer = await runToCompletion(client, request(models[0], { instructions: 'x', reasoningSummary: true }));
    assert.equal(answer.text, 'via responses');
    assert.equal(sim.requests[0].path, '/v1/responses');
    const check = validatorForModel('openai/o3-2025-04-16', 'responses').validate(sim.requests[0].body);
    assert.ok(check.valid, check.errors);
  });

  it('answers with an echo naming the model and the last user message when nothing is scripted', async () => {
    const answer = await runToCompletion(client, request('o3-mini', { turns: [{ role: 'user', text: 'hello simulator' }] }));
    assert.match(answer.text, /o3-mini/);
    assert.match(answer.text, /hello simulator/);
  });

  it('reuses one kept-alive connection for consecutive requests, also after an error answer', async () => {
    sim.script({ text: 'one' }, { status: 400, message: 'bad' }, { text: 'three' });
    // undici frees a connection for the next request on setImmediate after a response ends;
    // a short pause between calls (seconds in real use) lets it do so.
    const pause = () => new Promise((resolve) => setTimeout(resolve, 20));
    await runToCompletion(client, request('o3-mini'));
    await pause();
    await runToCompletion(client, request('o3-mini'));
    await pause();
    await runToCompletion(client, request('o3-mini', { stream: false }));
    const ports = new Set(sim.requests.map((r) => r.remotePort));
    assert.equal(ports.size, 1, `one connection, got ports ${[...ports].join(',')}`);
  });

  it('streams chunked one byte at a time over HTTP', async () => {
    sim.script({ text: 'Grüße 🦊 日本', chunkSize: 1 });
    const answer = await runToCompletion(client, request('o3-pro', { reasoningSummary: true }));
    assert.equal(answer.text, 'Grüße 🦊 日本');
    assert.equal(answer.finish, 'stop');
  });

  it('streams split at chosen byte offsets with delays between chunks', async () => {
    sim.script({ text: 'split here and there', splitAt: [3, 10, 11, 200, 201, 202], chunkDelayMs: 5 });
    const answer = await runToCompletion(client, request('o3'));
    assert.equal(answer.text, 'split here and there');
  });

  it('ignores unknown events and tolerates [DONE] on the responses API over HTTP', async () => {
    sim.script({ text: 'robust', unknownEvents: true, done: true }, { text: 'robust too', unknownEvents: true });
    assert.equal((await runToCompletion(client, request('o3-pro'))).text, 'robust');
    assert.equal((await runToCompletion(client, request('o1'))).text, 'robust too');
  });

  it('reports a responses error event with the partial text and the server message', async () => {
    sim.script({ text: 'abcdefghijklmnop', deltaSize: 4, errorEvent: { message: 'Upstream overloaded, try later', code: 'server_is_overloaded', afterDeltas: 2 } });
    const answer = await runToCompletion(client, request('o3-pro'));
    assert.equal(answer.text, 'abcdefgh');
    assert.equal(answer.error?.kind, 'server');
    assert.match(answer.error?.userMessage ?? '', /Upstream overloaded, try later/);
    assert.equal(answer.finish, undefined);
    assert.equal(sim.requests.length, 1, 'never replayed once text was delivered');
  });

  it('reports response.failed as an error with the server message', async () => {
    sim.script({ text: 'x', failed: { message: 'Model crashed', code: 'server_error' } });
    const answer = await runToCompletion(client, request('o3-pro', { stream: false }));
    assert.equal(answer.error?.kind, 'server');
    assert.equal(answer.error?.serverMessage, 'Model crashed');
  });

  it('incomplete with max_output_tokens and no text: finish incomplete:max_output_tokens and a notice with the fix', async () => {
    for (const stream of [true, false]) {
      sim.script({ text: '', incomplete: 'max_output_tokens', usage: { input: 10, output: 500, reasoning: 500 } });
      const answer = await runToCompletion(client, request('o3-pro', { maxOutputTokens: 500, effort: 'high', stream }));
      assert.equal(answer.finish, 'incomplete:max_output_tokens');
      assert.equal(answer.text, '');
      assert.match(answer.notice ?? '', /budget of 500 on reasoning.*reasoner\.maxOutputTokens.*effort/);
    }
  });

  it('chat finish length with no text: the budget-went-to-reasoning notice; with text: cut-off notice', async () => {
    sim.script({ text: '', finish: 'length' }, { text: 'half an answ', finish: 'length' });
    const empty = await runToCompletion(client, request('o3-mini', { maxOutputTokens: 100 }));
    assert.equal(empty.finish, 'length');
    assert.match(empty.notice ?? '', /whole output budget of 100 on reasoning/);
    const cut = await runToCompletion(client, request('o3-mini', { stream: false }));
    assert.equal(cut.text, 'half an answ');
    assert.match(cut.notice ?? '', /cut off/);
  });

  it('content_filter finish is passed through', async () => {
    sim.script({ text: 'no', finish: 'content_filter' });
    assert.equal((await runToCompletion(client, request('o1'))).finish, 'content_filter');
  });

  it('a 400 naming stream: the same request again once without streaming, remembered for the model', async () => {
    sim.script({ refuseStream: true, text: 'Non-streamed answer' }, { text: 'second' });
    const answer = await runToCompletion(client, request('o1', { instructions: 'keep' }));
    assert.equal(answer.error, undefined, answer.error?.userMessage);
    assert.equal(answer.text, 'Non-streamed answer');
    assert.equal(sim.requests.length, 2);
    const [first, second] = sim.requests.map((r) => r.body as Json);
    assert.equal(first.stream, true);
    assert.equal('stream' in second, false);
    assert.equal('stream_options' in second, false);
    assert.deepEqual({ ...first, stream: undefined, stream_options: undefined }, { ...second, stream: undefined, stream_options: undefined }, 'otherwise the same request');
    const again = await runToCompletion(client, request('o1'));
    assert.equal(again.text, 'second');
    assert.equal(sim.requests.length, 3);
    assert.equal('stream' in (sim.requests[2].body as Json), false, 'remembered: no second refusal');
  });

  it('other 400s are not resent', async () => {
    sim.script({ status: 400, message: "Invalid value: 'reasoning_effort'", param: 'reasoning_effort' });
    const answer = await runToCompletion(client, request('o1'));
    assert.equal(answer.error?.kind, 'bad-request');
    assert.equal(sim.requests.length, 1);
  });

  it('emits progress at least every interval while waiting for the first byte, with growing elapsed time', async () => {
    const { client: fast } = makeClient(sim, { progressIntervalMs: 100 });
    sim.script({ text: 'late', firstByteDelayMs: 550 });
    const events = await drain(fast.stream(request('o3-pro')));
    await fast.dispose();
    const firstText = events.findIndex((e) => e.type === 'text');
    const progress = events.slice(0, firstText).filter((e): e is Extract<typeof e, { type: 'progress' }> => e.type === 'progress');
    assert.ok(progress.length >= 2, `progress events before the first byte: ${progress.length}`);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i].elapsedMs >= progress[i - 1].elapsedMs);
    assert.match(progress[0].status, /o3-pro/);
  });

  it('refuses an invalid base URL, a missing key, and images for a text-only model without sending anything', async () => {
    const bad = new ReasoningClient({ baseUrl: 'http://example.com/v1', apiKey: () => TEST_KEY });
    const a = await runToCompletion(bad, request('o1'));
    assert.equal(a.error?.kind, 'config');
    assert.match(a.error?.userMessage ?? '', /plain http/);
    await bad.dispose();
    const { client: keyless } = makeClient(sim, { apiKey: async () => '  ' });
    const b = await runToCompletion(keyless, request('o1'));
    assert.equal(b.error?.kind, 'no-key');
    assert.ok(b.error?.actions.includes('setApiKey'));
    const c = await runToCompletion(client, request('o3-mini', { turns: [{ role: 'user', text: 'x', images: [{ url: 'https://example.com/i.png' }] }] }));
    assert.equal(c.error?.kind, 'config');
    await keyless.dispose();
    assert.equal(sim.requests.length, 0);
  });

  it('a failing key provider ends as no-key with its reason', async () => {
    const { client: locked } = makeClient(sim, { apiKey: async () => { throw new Error('keychain locked'); } });
    const answer = await runToCompletion(locked, request('o1'));
    await locked.dispose();
    assert.equal(answer.error?.kind, 'no-key');
    assert.match(answer.error?.userMessage ?? '', /keychain locked/);
    assert.equal(sim.requests.length, 0);
  });

  it('a refused connection is a network error after the bounded retries', async () => {
    const closed = await start();
    const baseUrl = closed.baseUrl;
    await closed.close();
    const recorded = instantSleep();
    const { client: lost } = makeClient(sim, { baseUrl, sleep: recorded.sleep });
    const answer = await runToCompletion(lost, request('o1'));
    await lost.dispose();
    assert.equal(answer.error?.kind, 'network');
    assert.match(answer.error?.userMessage ?? '', /connection refused/);
    assert.equal(recorded.delays.length, 3, 'retried before any byte arrived');
  });

  it('uses a per-call key over the provider', async () => {
    const { client: other } = makeClient(sim, { apiKey: undefined });
    await drain(other.stream(request('o1'), undefined, 'sk-per-call-key'));
    assert.equal(sim.requests[0].headers.authorization, 'Bearer sk-per-call-key');
    await other.dispose();
  });

  it('never follows a redirect: the key stays with the configured base URL', async () => {
    const elsewhere = await start();
    try {
      sim.script({ status: 307, headers: { location: `${elsewhere.baseUrl}/chat/completions` } });
      const answer = await runToCompletion(client, request('o1'));
      assert.equal(answer.error?.kind, 'config');
      assert.match(answer.error?.userMessage ?? '', /does not follow redirects/);
      assert.equal(elsewhere.requests.length, 0);
      assert.equal(sim.requests.length, 1);
    } finally {
      await elsewhere.close();
    }
  });
});
