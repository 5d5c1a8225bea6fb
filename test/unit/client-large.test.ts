import * as assert from 'node:assert/strict';
import { ReasoningClient } from '../../src/core/node/client';
import { start, type Simulator } from '../simulator/simulator';
import { makeClient, request } from './support-core/harness';
import { liveBytes } from './support-core/memory';

const SIZE = 10_000_000;

describe('client: a 10 MB streamed answer', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let client: ReasoningClient;

  before(async () => {
    sim = await start();
    // Above the default answer cap, to measure memory on an answer that is read to its end.
    ({ client } = makeClient(sim, { maxAnswerBytes: 16 * 1024 * 1024 }));
  });
  after(async () => {
    await client.dispose();
    await sim.close();
  });

  for (const modelId of ['o3-mini', 'o3-pro']) {
    it(`${modelId}: goes through with memory that does not grow with the answer`, async () => {
      sim.script({ generateBytes: SIZE, deltaSize: 4096 });
      const baseline = liveBytes();
      let bytes = 0;
      let nextSample = SIZE / 4;
      let peakGrowth = 0;
      let finish: string | undefined;
      let error: string | undefined;
      // Consume without keeping the text: whatever stays alive is the client's.
      for await (const event of client.stream(request(modelId))) {
        if (event.type === 'text') {
          bytes += Buffer.byteLength(event.delta);
          if (bytes >= nextSample) {
            nextSample += SIZE / 4;
            peakGrowth = Math.max(peakGrowth, liveBytes() - baseline);
          }
        } else if (event.type === 'finish') finish = event.reason;
        else if (event.type === 'error') error = event.error.userMessage;
      }
      assert.equal(error, undefined);
      assert.equal(finish, 'stop');
      assert.ok(bytes >= SIZE && bytes < SIZE + 4, `received ${bytes} bytes`);
      // Keeping the answer would retain at least SIZE bytes; buffers in flight are a few hundred KB.
      assert.ok(peakGrowth < SIZE / 3, `live memory grew by ${(peakGrowth / 1e6).toFixed(1)} MB while streaming ${SIZE / 1e6} MB`);
    });
  }
});

describe('client: limits on what comes back', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let client: ReasoningClient;

  before(async () => {
    sim = await start();
    ({ client } = makeClient(sim));
  });
  after(async () => {
    await client.dispose();
    await sim.close();
  });

  async function consume(events: AsyncIterable<import('../../src/core/common/types').StreamEvent>) {
    let chars = 0;
    let error: import('../../src/core/common/errors').ApiError | undefined;
    let finish: string | undefined;
    for await (const event of events) {
      if (event.type === 'text') chars += event.delta.length;
      else if (event.type === 'error') error = event.error;
      else if (event.type === 'finish') finish = event.reason;
    }
    return { chars, error, finish };
  }

  for (const stream of [true, false]) {
    it(`a ${stream ? 'streamed' : 'non-streamed'} 10 MB answer ends at the 8 MiB cap with a clear error${stream ? ', the text before it kept' : ''}`, async () => {
      sim.script({ generateBytes: 10_000_000, deltaSize: 4096 });
      const { chars, error, finish } = await consume(client.stream(request('o3-mini', { stream })));
      assert.equal(finish, undefined);
      assert.equal(error?.kind, 'protocol');
      assert.match(error.userMessage, stream ? /passed 8 MiB.*part received is kept/ : /passed 8 MiB, the most Reasoner reads/);
      if (stream) assert.ok(chars >= 8 * 1024 * 1024 && chars < 8 * 1024 * 1024 + 8192, `kept ${chars} characters`);
      await sim.waitForClose(sim.requests.length - 1);
    });
  }

  it('one SSE line that never ends stops at 1 MiB with a clear error instead of filling memory', async () => {
    sim.script({ raw: `data: {"choices":[{"delta":{"content":"${'x'.repeat(3 * 1024 * 1024)}`, chunkSize: 64 * 1024 });
    const baseline = liveBytes();
    const { error } = await consume(client.stream(request('o3-mini')));
    assert.equal(error?.kind, 'protocol');
    assert.match(error.userMessage, /one line of the stream passed 1024 KiB/);
    assert.ok(liveBytes() - baseline < 8 * 1024 * 1024, 'the unfinished line was not kept whole');
  });
});
