/**
 * No request runs forever: a total deadline covers the whole call (attempts, retry waits and
 * background polling), and a stream that brings bytes but no answer (keep-alive comments, empty
 * deltas) is stopped after a bounded number of them. Either ends with a message naming the cause
 * and what to change, the text that arrived kept. The limits are small here so the tests are fast.
 */
import * as assert from 'node:assert/strict';
import type { ReasoningClient } from '../../src/core/node/client';
import { runToCompletion, type Answer } from '../../src/core/node/answer';
import type { ReasoningRequest } from '../../src/core/common/types';
import type { Simulator } from '../simulator/simulator';
import { request, simulatorSuite } from './support-core/harness';

/** Far longer than any limit below: an answer still running by then would run forever. */
const GIVE_UP_MS = 5000;

/** The answer, or a failure naming what kept running; the request is cancelled either way. */
async function answerWithin(client: ReasoningClient, req: ReasoningRequest): Promise<Answer & { tookMs: number }> {
  const controller = new AbortController();
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`the request was still running after ${GIVE_UP_MS} ms`));
    }, GIVE_UP_MS);
  });
  try {
    const answer = await Promise.race([runToCompletion(client, req, { signal: controller.signal }), gaveUp]);
    return { ...answer, tookMs: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

describe('client: a total deadline per request', function () {
  const DEADLINE_MS = 400;
  let sim: Simulator;
  let client: ReasoningClient;
  simulatorSuite((s, c) => { sim = s; client = c; }, () => ({ requestDeadlineMs: DEADLINE_MS }));

  for (const id of ['o3-mini', 'o3-pro']) {
    for (const endless of ['keep-alive', 'empty-deltas'] as const) {
      it(`${id}: endless ${endless === 'keep-alive' ? 'keep-alive comments' : 'empty deltas'} end at the deadline, naming it and its setting, the text kept`, async () => {
        sim.script({ text: 'Thinking out loud', endless, chunkDelayMs: 10 });
        const answer = await answerWithin(client, request(id));
        assert.equal(answer.error?.kind, 'timeout', answer.error?.toLogString());
        assert.match(answer.error.userMessage, /stopped the request after 400 ms, the longest one request may take.*raise reasoner\.requestDeadlineMinutes/);
        assert.ok(answer.error.actions.includes('openSettings'), `actions ${answer.error.actions.join(',')}`);
        assert.equal(answer.text, 'Thinking out loud');
        assert.ok(answer.tookMs >= DEADLINE_MS && answer.tookMs < DEADLINE_MS + 1000, `ended after ${answer.tookMs.toFixed(0)} ms`);
        const close = await sim.waitForClose(0);
        assert.equal(close.completed, false, 'the client hung up');
      });
    }
  }

  it('o3-pro in background mode: polling an endless in_progress ends at the deadline, and the job is cancelled at the gateway', async () => {
    sim.script({ text: 'never', endless: 'in-progress' });
    const answer = await answerWithin(client, request('o3-pro', { background: true }));
    assert.equal(answer.error?.kind, 'timeout', answer.error?.toLogString());
    assert.match(answer.error.userMessage, /stopped the request after 400 ms/);
    // How many polls fit in 400 ms depends on the machine's load; that the job was polled, then given up, does not.
    assert.ok(sim.requests.filter((r) => r.route === 'poll').length >= 1, 'it polled meanwhile');
    await client.dispose(); // waits for the cancel call
    assert.equal(sim.requests.filter((r) => r.route === 'cancel').length, 1, 'the gateway was told to stop the job');
  });

  it('the deadline covers waits between retries', async () => {
    sim.script({ status: 429, headers: { 'retry-after-ms': '250' }, times: 10 });
    const answer = await answerWithin(client, request('o3-mini'));
    assert.equal(answer.error?.kind, 'timeout', answer.error?.toLogString());
    assert.match(answer.error.userMessage, /stopped the request after 400 ms/);
    assert.equal(sim.requests.length, 2, 'the second wait was cut short');
  });
});

describe('client: a deadline does not touch answers that end in time', function () {
  // Roomier than the suite above: each answer takes about 60% of the deadline, so a loaded machine
  // that slows the events still ends each one in time, while the two together outlast one deadline.
  const DEADLINE_MS = 1500;
  let sim: Simulator;
  let client: ReasoningClient;
  simulatorSuite((s, c) => { sim = s; client = c; }, () => ({ requestDeadlineMs: DEADLINE_MS }));

  it('an answer that ends before the deadline is not touched, and the next request has the whole deadline again', async () => {
    // Seven events 130 ms apart each (about 900 ms): together the two take longer than one deadline.
    sim.script({ text: 'Slow but steady.', chunkDelayMs: 130 }, { text: 'Again, slowly.', chunkDelayMs: 130 });
    let took = 0;
    for (const expected of ['Slow but steady.', 'Again, slowly.']) {
      const answer = await answerWithin(client, request('o3-mini'));
      assert.equal(answer.error, undefined, answer.error?.toLogString());
      assert.equal(answer.text, expected);
      took += answer.tookMs;
    }
    assert.ok(took > DEADLINE_MS, `the two took ${took.toFixed(0)} ms`);
  });
});

describe('client: bytes without any answer', function () {
  const LIMIT = 64 * 1024;
  let sim: Simulator;
  let client: ReasoningClient;
  simulatorSuite((s, c) => { sim = s; client = c; }, () => ({ maxBytesWithoutProgress: LIMIT }));

  for (const id of ['o3-mini', 'o3-pro']) {
    for (const endless of ['keep-alive', 'empty-deltas'] as const) {
      it(`${id}: a stream of ${endless === 'keep-alive' ? 'keep-alive comments' : 'empty deltas'} is stopped after 64 KiB of them, the text kept`, async () => {
        sim.script({ text: 'Started well', endless });
        const answer = await answerWithin(client, request(id));
        assert.equal(answer.error?.kind, 'protocol', answer.error?.toLogString());
        assert.match(answer.error.userMessage, /sent more than 64 KiB without any answer.*Try again/);
        assert.ok(answer.error.actions.includes('checkConnection'), `actions ${answer.error.actions.join(',')}`);
        assert.equal(answer.text, 'Started well');
        const close = await sim.waitForClose(0);
        assert.equal(close.completed, false, 'the client hung up');
      });
    }
  }

  it('o3-pro: a long answer, which the closing events repeat whole, is not mistaken for one without progress', async () => {
    const text = 'A long answer. '.repeat(20_000);
    sim.script({ text, deltaSize: 4096, reasoning: 'Thought.' });
    const answer = await answerWithin(client, request('o3-pro', { reasoningSummary: true }));
    assert.equal(answer.error, undefined, answer.error?.toLogString());
    assert.equal(answer.text, text);
  });
});
