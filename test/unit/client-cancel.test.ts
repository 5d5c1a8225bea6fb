import * as assert from 'node:assert/strict';
import { runToCompletion, type Answer } from '../../src/core/node/answer';
import { ReasoningClient } from '../../src/core/node/client';
import type { StreamEvent } from '../../src/core/common/types';
import type { SimScript, Simulator } from '../simulator/simulator';
import { makeClient, request, simulatorSuite } from './support-core/harness';

/** The cancel bound the issue demands. */
const CANCEL_BOUND_MS = 100;
/**
 * A cancel takes 1–3 ms alone and 7–15 ms in a full unit run here, but once in a full run on this 2-core machine
 * the first one ended past the bound (the cause was not seen). A stall of the test process is not the client's, so a
 * timed cancel gets two more tries; a client that waits on the server after the abort fails all three.
 */
const TRIES_AFTER_A_STALL = 2;

describe('client: cancellation, stalls and resets', function () {
  let sim: Simulator;
  let client: ReasoningClient;

  simulatorSuite((s, c) => { sim = s; client = c; });

  /** Start a call, abort when `when(event)` says so (or when `trigger` resolves), measure abort -> end. */
  async function cancelDuring(modelId: string, script: SimScript, when: { event?: (e: StreamEvent) => boolean; trigger?: () => Promise<void> }): Promise<{ answer: Answer; tookMs: number }> {
    sim.script(script);
    const controller = new AbortController();
    let abortedAt = 0;
    const abort = (): void => {
      if (abortedAt) return;
      abortedAt = performance.now();
      controller.abort();
    };
    const done = runToCompletion(client, request(modelId), {
      signal: controller.signal,
      onEvent: (event) => {
        if (when.event?.(event)) abort();
      },
    });
    if (when.trigger) {
      await when.trigger();
      abort();
    }
    const answer = await done;
    const tookMs = performance.now() - abortedAt;
    assert.ok(abortedAt > 0, 'the abort happened');
    return { answer, tookMs };
  }

  async function assertClosedByClient(index = 0): Promise<void> {
    const close = await sim.waitForClose(index, 2000);
    assert.equal(close.completed, false, 'the response was cut off by the client, not finished');
  }

  it('cancelled while connecting (no response headers yet)', async function () {
    this.retries(TRIES_AFTER_A_STALL);
    const { answer, tookMs } = await cancelDuring('o3-mini', { headersDelayMs: 30_000, text: 'never' }, { trigger: () => sim.waitForRequests(1) });
    assert.equal(answer.error?.kind, 'cancelled');
    assert.ok(tookMs < CANCEL_BOUND_MS, `ended ${tookMs.toFixed(1)} ms after the abort`);
    await assertClosedByClient();
  });

  it('cancelled while waiting 30 s for the first byte', async function () {
    this.retries(TRIES_AFTER_A_STALL);
    const { answer, tookMs } = await cancelDuring('o3-pro', { firstByteDelayMs: 30_000, text: 'never' }, { event: (e) => e.type === 'request' });
    assert.equal(answer.error?.kind, 'cancelled');
    assert.equal(answer.text, '');
    assert.ok(tookMs < CANCEL_BOUND_MS, `ended ${tookMs.toFixed(1)} ms after the abort`);
    await assertClosedByClient();
  });

  it('cancelled mid-stream keeps the text so far', async function () {
    this.retries(TRIES_AFTER_A_STALL);
    const { answer, tookMs } = await cancelDuring('o3', { text: 'a long answer '.repeat(50), deltaSize: 10, chunkDelayMs: 40 }, { event: (e) => e.type === 'text' });
    assert.equal(answer.error?.kind, 'cancelled');
    assert.ok(answer.text.length > 0 && answer.text.length < 700, `partial text: ${answer.text.length} chars`);
    assert.equal(answer.finish, undefined);
    assert.ok(tookMs < CANCEL_BOUND_MS, `ended ${tookMs.toFixed(1)} ms after the abort`);
    await assertClosedByClient();
  });

  it('cancelled before it starts: nothing is sent', async () => {
    const controller = new AbortController();
    controller.abort();
    const answer = await runToCompletion(client, request('o1'), { signal: controller.signal });
    assert.equal(answer.error?.kind, 'cancelled');
    assert.equal(sim.requests.length, 0);
  });

  it('breaking out of the event loop closes the connection too', async () => {
    sim.script({ text: 'x'.repeat(600), deltaSize: 10, chunkDelayMs: 30 });
    for await (const event of client.stream(request('o1'))) {
      if (event.type === 'text') break;
    }
    await assertClosedByClient();
  });

  it('dispose() cancels running calls', async () => {
    sim.script({ firstByteDelayMs: 30_000 });
    const pending = runToCompletion(client, request('o1'));
    await sim.waitForRequests(1);
    await client.dispose();
    const answer = await pending;
    assert.equal(answer.error?.kind, 'cancelled');
    await assertClosedByClient();
  });

  it('a stall mid-stream ends as timeout after the configured body timeout, keeping the partial text', async () => {
    const { client: impatient } = makeClient(sim, { timeoutSeconds: 0.3 });
    sim.script({ text: 'first words then silence', deltaSize: 12, fault: 'stall' });
    const answer = await runToCompletion(impatient, request('o3-mini'));
    await impatient.dispose();
    assert.equal(answer.error?.kind, 'timeout');
    assert.equal(answer.text, 'first words ');
    assert.match(answer.error?.userMessage ?? '', /300 ms between bytes/);
    assert.equal(sim.requests.length, 1, 'not replayed');
    await assertClosedByClient();
  });

  it('no response headers within the timeout ends as timeout, not retried', async () => {
    const { client: impatient } = makeClient(sim, { timeoutSeconds: 0.3 });
    sim.script({ headersDelayMs: 5000 });
    const answer = await runToCompletion(impatient, request('o3-mini'));
    await impatient.dispose();
    assert.equal(answer.error?.kind, 'timeout');
    assert.equal(sim.requests.length, 1);
  });

  it('a reset mid-stream ends as network error with the partial text delivered', async () => {
    sim.script({ text: 'the beginning, and then nothing', deltaSize: 15, fault: 'reset' });
    const answer = await runToCompletion(client, request('o3-pro'));
    assert.equal(answer.error?.kind, 'network');
    assert.equal(answer.text, 'the beginning, ');
    assert.ok(answer.error?.actions.includes('retry'));
    assert.equal(sim.requests.length, 1);
  });

  it('a stream the server ends cleanly before the end of the answer is a network error too', async () => {
    sim.script({ text: 'cut short here', deltaSize: 4, fault: 'close' });
    const answer = await runToCompletion(client, request('o1'));
    assert.equal(answer.error?.kind, 'network');
    assert.equal(answer.text, 'cut ');
    assert.match(answer.error?.userMessage ?? '', /closed before the answer was complete/);
  });
});
