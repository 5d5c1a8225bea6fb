import * as assert from 'node:assert/strict';
import { Call, defaultSleep } from '../../src/core/node/call';
import { isApiError } from '../../src/core/common/errors';
import type { Logger } from '../../src/core/common/logger';
import type { StreamEvent } from '../../src/core/common/types';

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function callWithInterval(progressIntervalMs: number, external?: AbortSignal): Call {
  return new Call('o3', quiet, external, { progressIntervalMs, sleep: defaultSleep, deadlineMs: 600_000 });
}

/** Runs one wait to its end: the progress statuses it yielded and its value. */
async function waitThrough<T>(call: Call, promise: Promise<T>): Promise<{ progress: string[]; value: T }> {
  const wait = call.waitFor(promise, () => 'o3 is thinking…');
  const progress: string[] = [];
  for (;;) {
    const step = await wait.next();
    if (step.done) return { progress, value: step.value };
    progress.push((step.value as Extract<StreamEvent, { type: 'progress' }>).status);
  }
}

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}

describe('client: waiting for the gateway keeps progress coming, and a stream of quick reads does not', function () {
  it('a wait that outlives the interval yields a progress event each interval, then its value', async () => {
    const call = callWithInterval(20);
    try {
      const { progress, value } = await waitThrough(call, new Promise<string>((resolve) => setTimeout(() => resolve('answer'), 130)));
      assert.equal(value, 'answer');
      assert.ok(progress.length >= 2, `progress events during a 130 ms wait at a 20 ms interval: ${progress.length}`);
      assert.deepEqual(new Set(progress), new Set(['o3 is thinking…']));
    } finally {
      call.close();
    }
  });

  it('reads that each come within the interval yield no progress, however long the stream goes on, and each wait gets its own value', async () => {
    const call = callWithInterval(250);
    try {
      const started = performance.now();
      for (let read = 0; read < 600; read++) {
        const { progress, value } = await waitThrough(call, new Promise<number>((resolve) => setTimeout(() => resolve(read), 1)));
        assert.equal(value, read);
        assert.deepEqual(progress, [], `progress at read ${read}, ${Math.round(performance.now() - started)} ms into the stream`);
      }
      assert.ok(performance.now() - started > 500, 'the stream lasted two intervals');
    } finally {
      call.close();
    }
  });

  it('a silence after many quick reads still yields progress: the interval starts again with each wait', async () => {
    const call = callWithInterval(20);
    try {
      for (let read = 0; read < 200; read++) await waitThrough(call, Promise.resolve(read));
      const { progress } = await waitThrough(call, new Promise((resolve) => setTimeout(resolve, 100)));
      assert.ok(progress.length >= 1, 'no progress during a 100 ms silence at a 20 ms interval');
    } finally {
      call.close();
    }
  });

  it('a rejection reaches the waiter as it was', async () => {
    const call = callWithInterval(60_000);
    try {
      await assert.rejects(waitThrough(call, Promise.reject(new Error('socket hang up'))), /socket hang up/);
    } finally {
      call.close();
    }
  });

  it('aborting the caller\'s signal ends a pending wait at once as cancelled, and a wait after it never starts', async () => {
    const caller = new AbortController();
    const call = callWithInterval(60_000, caller.signal);
    try {
      const pending = waitThrough(call, new Promise(() => undefined));
      setImmediate(() => caller.abort());
      await assert.rejects(pending, (error: unknown) => isApiError(error) && error.kind === 'cancelled');
      await assert.rejects(waitThrough(call, Promise.resolve(1)), (error: unknown) => isApiError(error) && error.kind === 'cancelled');
    } finally {
      call.close();
    }
  });

  it('a closed call leaves no timer behind to keep the extension host busy', async () => {
    await new Promise((resolve) => setImmediate(resolve)); // mocha's own timer for this test is in place by now
    const before = activeTimers();
    const call = callWithInterval(60_000);
    for (let read = 0; read < 50; read++) await waitThrough(call, Promise.resolve(read));
    call.close();
    assert.equal(activeTimers(), before);
  });
});
