import * as assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ReasoningClient } from '../../src/core/node/client';
import { start, type Simulator } from '../simulator/simulator';
import { makeClient, request } from './support-core/harness';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Live memory after a full collection: heap plus Buffer/ArrayBuffer memory. */
function liveBytes(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const SIZE = 10_000_000;

describe('client: a 10 MB streamed answer', function () {
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
