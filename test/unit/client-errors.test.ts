import * as assert from 'node:assert/strict';
import { runToCompletion } from '../../src/core/node/answer';
import { ReasoningClient } from '../../src/core/node/client';
import type { ApiErrorKind } from '../../src/core/common/errors';
import { start, type SimErrorShape, type Simulator } from '../simulator/simulator';
import { instantSleep, makeClient, request, simulatorSuite } from './support-core/harness';
import { assertRecordedBodiesValid } from './support-core/openapi';

const TABLE: { status: number; kind: ApiErrorKind; retried: boolean; action: string; says: RegExp }[] = [
  { status: 400, kind: 'bad-request', retried: false, action: 'openLog', says: /refused the request/ },
  { status: 401, kind: 'auth', retried: false, action: 'setApiKey', says: /rejected your API key.*Set API Key/ },
  { status: 403, kind: 'credits', retried: false, action: 'openBilling', says: /lack of credits.*not a problem with your key/ },
  { status: 404, kind: 'not-found', retried: false, action: 'openSettings', says: /reasoner\.baseUrl and the model id/ },
  { status: 429, kind: 'rate-limit', retried: true, action: 'retry', says: /rate limiting/ },
  { status: 500, kind: 'server', retried: true, action: 'retry', says: /upstream model failed/ },
  { status: 502, kind: 'server', retried: true, action: 'retry', says: /upstream model failed/ },
  { status: 503, kind: 'server', retried: true, action: 'retry', says: /upstream model failed/ },
  { status: 504, kind: 'gateway-timeout', retried: false, action: 'lowerEffort', says: /timed out at the gateway.*lower reasoning effort/ },
];

const SHAPES: SimErrorShape[] = ['openai', 'gateway', 'title', 'html', 'empty'];

describe('client: every error of the contract table, in every body shape', function () {
  let sim: Simulator;
  let client: ReasoningClient;

  simulatorSuite((s, c) => { sim = s; client = c; }, () => ({ retry: { maxRetries: 2 }, sleep: instantSleep().sleep }));

  for (const row of TABLE) {
    for (const shape of SHAPES) {
      it(`${row.status} as ${shape}: ${row.kind}${row.retried ? ', retried twice' : ', not retried'}`, async () => {
        const message = `Server message for ${row.status} in ${shape}`;
        sim.script({ status: row.status, errorShape: shape, message, times: 10 });
        const answer = await runToCompletion(client, request(row.status % 2 ? 'o3-pro' : 'o3', { stream: shape !== 'title' }));
        const error = answer.error;
        assert.ok(error, 'an error');
        assert.equal(error.kind, row.kind);
        assert.equal(error.status, row.status);
        assert.match(error.userMessage, row.says);
        assert.ok(error.actions.includes(row.action as never), `actions ${error.actions.join(',')}`);
        assert.equal(sim.requests.length, row.retried ? 3 : 1, 'attempts');
        assert.match(error.requestId ?? '', /^sim-req-\d+$/, 'request id kept');
        assert.equal(answer.finish, undefined);
        switch (shape) {
          case 'openai':
          case 'gateway':
            assert.equal(error.serverMessage, message);
            assert.ok(error.userMessage.includes(message), 'the user sees the server message');
            break;
          case 'title':
            assert.match(error.serverMessage ?? '', new RegExp(`: ${message}$`));
            assert.ok(error.userMessage.includes(message));
            break;
          case 'html':
            assert.match(error.serverMessage ?? '', new RegExp(`^the proxy returned an HTML page: ${row.status} `));
            assert.doesNotMatch(error.userMessage, /<html|<title/);
            break;
          case 'empty':
            assert.equal(error.serverMessage, undefined);
            assert.match(error.userMessage, new RegExp(`HTTP ${row.status}`));
            break;
        }
      });
    }
  }

  it('takes the request id from a gateway body when there is no x-request-id header', async () => {
    sim.script({ status: 403, errorShape: 'gateway', noRequestId: true, message: 'No credits' });
    const answer = await runToCompletion(client, request('o1'));
    assert.match(answer.error?.requestId ?? '', /^sim-req-\d+$/, 'only the body carries it');
  });

  it('a 500 that wraps an upstream 4xx shows the wrapped message', async () => {
    sim.script({ status: 500, message: "Upstream returned 400: Unsupported value: 'reasoning_effort'", times: 5 });
    const answer = await runToCompletion(client, request('o1'));
    assert.match(answer.error?.userMessage ?? '', /Upstream returned 400: Unsupported value: 'reasoning_effort'/);
    assert.match(answer.error?.userMessage ?? '', /tried 3 times/);
  });
});

describe('client: retries', function () {
  let sim: Simulator;

  before(async () => {
    sim = await start();
  });
  after(async () => {
    await sim.close();
  });
  beforeEach(() => sim.reset());
  afterEach(() => assertRecordedBodiesValid(sim.requests));

  async function run(scripts: Parameters<Simulator['script']>, retry: Partial<{ maxRetries: number; baseDelayMs: number; maxDelayMs: number; maxTotalWaitMs: number }> = {}) {
    const recorded = instantSleep();
    const { client } = makeClient(sim, { retry: { baseDelayMs: 1000, maxDelayMs: 30_000, ...retry }, sleep: recorded.sleep, random: () => 0 });
    sim.script(...scripts);
    try {
      const answer = await runToCompletion(client, request('o3-mini'));
      return { answer, delays: recorded.delays };
    } finally {
      await client.dispose();
    }
  }

  it('honours Retry-After in seconds', async () => {
    const { answer, delays } = await run([{ status: 429, headers: { 'retry-after': '2' } }, { text: 'ok' }]);
    assert.equal(answer.text, 'ok');
    assert.deepEqual(delays, [2000]);
    assert.equal(sim.requests.length, 2);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const date = new Date(Date.now() + 5000).toUTCString();
    const { answer, delays } = await run([{ status: 503, headers: { 'retry-after': date } }, { text: 'ok' }]);
    assert.equal(answer.text, 'ok');
    assert.equal(delays.length, 1);
    assert.ok(delays[0] > 3000 && delays[0] <= 5000, `waited ${delays[0]} ms for ${date}`);
  });

  it('honours retry-after-ms, and caps long hints at 60 s', async () => {
    const a = await run([{ status: 429, headers: { 'retry-after-ms': '150', 'retry-after': '9' } }, { text: 'ok' }]);
    assert.deepEqual(a.delays, [150]);
    sim.reset();
    const b = await run([{ status: 429, headers: { 'retry-after': '3600' } }, { text: 'ok' }]);
    assert.deepEqual(b.delays, [60_000]);
  });

  it('really waits for retry-after-ms before the next attempt', async () => {
    const { client } = makeClient(sim);
    sim.script({ status: 429, headers: { 'retry-after-ms': '200' } }, { text: 'ok' });
    const answer = await runToCompletion(client, request('o3-mini'));
    await client.dispose();
    assert.equal(answer.text, 'ok');
    const gap = sim.requests[1].receivedAt - sim.requests[0].receivedAt;
    assert.ok(gap >= 190, `second attempt after ${gap} ms`);
  });

  it('backs off exponentially without a hint, and a 429 storm ends after the bound', async () => {
    const { answer, delays } = await run([{ status: 429, times: 100 }]);
    assert.equal(answer.error?.kind, 'rate-limit');
    assert.equal(sim.requests.length, 4, 'first attempt + 3 retries');
    assert.deepEqual(delays, [500, 1000, 2000], 'base 1000 ms doubling, jitter at its minimum (x0.5)');
    assert.match(answer.error?.userMessage ?? '', /after 4 attempts/);
    assert.equal(answer.error?.attempts, 4);
  });

  it('stops retrying when the total wait would pass its bound', async () => {
    const { answer, delays } = await run([{ status: 429, headers: { 'retry-after': '20' }, times: 10 }], { maxTotalWaitMs: 45_000 });
    assert.equal(answer.error?.kind, 'rate-limit');
    assert.deepEqual(delays, [20_000, 20_000]);
    assert.equal(sim.requests.length, 3);
  });

  it('retries 500, 502 and 503, then succeeds', async () => {
    const { answer } = await run([{ status: 500 }, { status: 502, errorShape: 'html' }, { status: 503, errorShape: 'empty' }, { text: 'finally' }]);
    assert.equal(answer.text, 'finally');
    assert.equal(answer.error, undefined);
    assert.equal(sim.requests.length, 4);
  });

  for (const status of [400, 401, 403, 404, 504]) {
    it(`never retries ${status}`, async () => {
      const { answer, delays } = await run([{ status, times: 5 }]);
      assert.equal(answer.error?.status, status);
      assert.equal(sim.requests.length, 1);
      assert.deepEqual(delays, []);
    });
  }

  it('retries a connection reset before any byte arrived', async () => {
    const { answer } = await run([{ fault: 'reset-before-headers' }, { text: 'second try' }]);
    assert.equal(answer.text, 'second try');
    assert.equal(sim.requests.length, 2);
  });

  it('never replays a request once bytes of the answer were delivered', async () => {
    const { answer, delays } = await run([{ text: 'partial answer that breaks', deltaSize: 8, fault: 'reset' }, { text: 'must not be used' }]);
    assert.equal(answer.error?.kind, 'network');
    assert.equal(answer.text, 'partial ');
    assert.equal(sim.requests.length, 1);
    assert.deepEqual(delays, []);
  });

  it('can be cancelled while waiting to retry, and says what it waits for meanwhile', async () => {
    const { client } = makeClient(sim, { progressIntervalMs: 50 });
    sim.script({ status: 429, headers: { 'retry-after': '30' } }, { text: 'never' });
    const controller = new AbortController();
    const statuses: string[] = [];
    const answer = await runToCompletion(client, request('o3-mini'), {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'progress') {
          statuses.push(event.status);
          if (statuses.length === 2) {
            controller.abort();
          }
        }
      },
    });
    await client.dispose();
    assert.equal(answer.error?.kind, 'cancelled');
    assert.equal(sim.requests.length, 1, 'ended at the abort, without waiting the 30 s for the retry (the test would time out first)');
    assert.match(statuses[0], /Rate limited \(HTTP 429\); retrying in 30 s \(retry 1 of 3\)/);
  });
});
