import * as assert from 'node:assert/strict';
import type { ReasoningClient } from '../../src/core/node/client';
import type { StreamEvent } from '../../src/core/common/types';
import { start, type SimScript, type Simulator } from '../simulator/simulator';
import { makeClient, request } from './support-core/harness';
import { liveBytes } from './support-core/memory';

/** A mix of what a busy gateway does: answers, retried rate limits, failures, resets, stalls, and users cancelling. */
function scriptFor(index: number): SimScript {
  switch (index % 10) {
    case 0: return { status: 429, headers: { 'retry-after-ms': '5' } };
    case 1: return { status: 500, errorShape: 'html' };
    case 2: return { fault: 'reset', text: 'partial then a reset of the connection' };
    case 3: return { fault: 'stall', text: 'partial then silence until the client gives up' };
    case 4: return { status: 401, errorShape: 'gateway' };
    default: return { text: `answer ${index} `.repeat(20), chunkDelayMs: 1 };
  }
}

interface Outcome {
  readonly terminals: number;
  readonly last: StreamEvent['type'];
  readonly errorKind?: string;
  readonly text: number;
}

async function run(client: ReasoningClient, index: number): Promise<Outcome> {
  const controller = new AbortController();
  const cancelOnFirstText = index % 10 === 7;
  let terminals = 0;
  let last: StreamEvent['type'] = 'progress';
  let errorKind: string | undefined;
  let text = 0;
  for await (const event of client.stream(request(index % 2 === 0 ? 'o3-mini' : 'o3-pro'), controller.signal)) {
    last = event.type;
    if (event.type === 'text') {
      text += event.delta.length;
      if (cancelOnFirstText) controller.abort();
    }
    if (event.type === 'finish') terminals++;
    if (event.type === 'error') {
      terminals++;
      errorKind = event.error.kind;
    }
  }
  return { terminals, last, text, ...(errorKind ? { errorKind } : {}) };
}

async function waitForNoConnections(sim: Simulator): Promise<void> {
  const deadline = Date.now() + 5000;
  while (sim.openConnections > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('client under load: concurrent answers and a 500-request soak', function () {
  this.timeout(120_000);
  let sim: Simulator;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  before(async () => {
    sim = await start();
    process.on('unhandledRejection', onUnhandled);
  });
  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    await sim.close();
  });
  beforeEach(() => {
    sim.reset();
    unhandled.length = 0;
  });

  it('20 concurrent answers all end with exactly one result, and no connection stays open after dispose', async () => {
    const { client } = makeClient(sim);
    sim.setDefault({ text: 'a concurrent answer', chunkDelayMs: 2 });
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => run(client, i * 10 + 5)));
    for (const outcome of outcomes) {
      assert.equal(outcome.terminals, 1);
      assert.equal(outcome.last, 'finish');
      assert.ok(outcome.text > 0);
    }
    assert.equal(sim.requests.length, 20);
    assert.ok(sim.openConnections <= 20, `${sim.openConnections} connections for 20 requests`);
    await client.dispose();
    await waitForNoConnections(sim);
    assert.equal(sim.openConnections, 0, 'sockets left open after dispose');
    assert.deepEqual(unhandled, []);
  });

  it('500 requests in waves of 20, with faults and cancels, all end cleanly with bounded memory', async () => {
    const { client } = makeClient(sim, { timeoutSeconds: 0.25 });
    sim.setDefault({ text: 'the answer after a retry' });
    const total = 500;
    const wave = 20;
    const kinds = new Map<string, number>();
    let baseline = 0;
    for (let first = 0; first < total; first += wave) {
      if (first === 100) baseline = liveBytes();
      const indexes = Array.from({ length: wave }, (_, i) => first + i);
      sim.script(...indexes.map(scriptFor));
      const outcomes = await Promise.all(indexes.map((index) => run(client, index)));
      for (const outcome of outcomes) {
        assert.equal(outcome.terminals, 1, 'exactly one finish or error per request');
        assert.ok(outcome.last === 'finish' || outcome.last === 'error', `ended on ${outcome.last}`);
        const key = outcome.errorKind ?? 'finished';
        kinds.set(key, (kinds.get(key) ?? 0) + 1);
      }
      // Open sockets never pile up beyond one wave's worth.
      assert.ok(sim.openConnections <= wave, `${sim.openConnections} open connections after ${first + wave} requests`);
    }
    const growth = liveBytes() - baseline;
    const summary = [...kinds].map(([kind, count]) => `${kind} ${count}`).join(', ');
    console.log(`      soak: ${total} requests (${summary}); live memory grew ${(growth / 1e6).toFixed(2)} MB after the first 100`);
    for (const kind of ['finished', 'cancelled', 'auth', 'network', 'timeout']) assert.ok((kinds.get(kind) ?? 0) > 0, `some requests ended as ${kind}`);
    assert.ok(growth < 20e6, `live memory grew ${(growth / 1e6).toFixed(1)} MB over 400 requests`);
    await client.dispose();
    await waitForNoConnections(sim);
    assert.equal(sim.openConnections, 0, 'sockets left open after dispose');
    assert.deepEqual(unhandled, []);
  });
});
