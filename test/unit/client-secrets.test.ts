import * as assert from 'node:assert/strict';
import { runToCompletion } from '../../src/core/node/answer';
import { start, type Simulator } from '../simulator/simulator';
import { instantSleep, makeClient, request, TEST_KEY } from './support-core/harness';

describe('client: the API key never reaches the logger', function () {
  let sim: Simulator;

  before(async () => {
    sim = await start();
  });
  after(async () => {
    await sim.close();
  });

  it('through answers, errors echoing the key, retries, fallbacks and background mode', async () => {
    const { client, logger } = makeClient(sim, { sleep: instantSleep().sleep });
    const results = [];
    sim.script(
      { text: 'fine' },
      { status: 401, message: `Invalid API key: ${TEST_KEY}` },
      { status: 400, errorShape: 'gateway', message: `Key ${TEST_KEY} is not allowed for this model` },
      { status: 429, headers: { 'retry-after': '1' } },
      { text: 'after retry' },
      { refuseStream: true, text: 'not streamed' },
      { fault: 'reset-before-headers' },
      { text: 'after reset' },
    );
    results.push(await runToCompletion(client, request('o3-mini')));
    results.push(await runToCompletion(client, request('o3-mini')));
    results.push(await runToCompletion(client, request('o3-mini')));
    results.push(await runToCompletion(client, request('o3-mini')));
    results.push(await runToCompletion(client, request('o1')));
    results.push(await runToCompletion(client, request('o3-mini', { stream: false })));
    sim.configure({ backgroundMode: '404' });
    sim.script({ text: 'queued' }, { text: 'streamed' });
    results.push(await runToCompletion(client, request('o3-pro', { background: true })));
    await client.dispose();

    // The key was really used, so the test could catch a leak.
    assert.ok(sim.requests.every((r) => r.headers.authorization === `Bearer ${TEST_KEY}`));
    assert.ok(results[1].error && results[2].error, 'the echoing errors happened');
    assert.ok(logger.lines.length > 20, `the client logged (${logger.lines.length} lines)`);
    assert.ok(logger.lines.some((l) => l.startsWith('debug ')), 'debug lines are included');
    assert.ok(logger.lines.some((l) => /\*\*\*/.test(l)), 'the echoed key was redacted');
    for (const line of logger.lines) assert.equal(line.includes(TEST_KEY), false, `leaked in: ${line}`);
    for (const part of [TEST_KEY.slice(0, 16), TEST_KEY.slice(-16)]) {
      assert.equal(logger.lines.some((l) => l.includes(part)), false, 'not even a large part of it');
    }
    for (const result of results) {
      const text = JSON.stringify({ ...result, error: result.error && { message: result.error.userMessage, server: result.error.serverMessage, detail: result.error.detail } });
      assert.equal(text.includes(TEST_KEY), false, 'nor an error shown to the user');
    }
  });
});
