import * as assert from 'node:assert/strict';
import { ReasonerRequestRunner } from '../../src/vscode/requestRunner';
import { ApiKeyStore } from '../../src/vscode/secrets';
import type { Simulator } from '../simulator/simulator';
import { connectSimulator, reasoner, resetUserSettings, setUserSetting } from './helpers';

suite('Shutdown of the request runner', () => {
  let sim: Simulator;

  setup(async () => {
    sim = await connectSimulator();
    await setUserSetting('backgroundMode', true);
  });

  teardown(async () => {
    await resetUserSettings();
    await sim.close();
  });

  // A runner of its own, built like the extension's (real key store, logger and notifier): shutting
  // down the extension's runner here would leave the rest of the suite without one.
  // zz-shutdown.test.ts proves that deactivate() goes through this same path.
  test('shutdown cancels a running o3-pro background job at the gateway before it resolves, and sends nothing after', async () => {
    const api = await reasoner();
    const keys = new ApiKeyStore(api.services.context.secrets);
    const runner = new ReasonerRequestRunner(keys, api.services.log, api.services.notifier);
    try {
      sim.script({ text: 'never delivered', pollsBeforeDone: 10_000 });
      const pending = runner.run({ source: 'test', modelId: 'o3-pro', turns: [{ role: 'user', text: 'think for a long time' }] });
      await sim.waitForRequests(2); // the POST that queued the job, then a poll
      const jobId = /resp_sim\w+/.exec(sim.requests[1].path)?.[0];
      assert.ok(jobId, `a polled job id in ${sim.requests[1].path}`);

      await runner.shutdown();

      const cancel = sim.requests.find((request) => request.route === 'cancel');
      assert.ok(cancel, 'the gateway was told to cancel the job before shutdown resolved');
      assert.equal(cancel.method, 'POST');
      assert.equal(cancel.path, `/v1/responses/${jobId}/cancel`);
      assert.equal((await pending).error?.kind, 'cancelled');

      const seen = sim.requests.length;
      const late = await runner.run({ source: 'test', modelId: 'o3-pro', turns: [{ role: 'user', text: 'too late' }] });
      assert.equal(late.error?.kind, 'cancelled');
      assert.equal(sim.requests.length, seen, 'nothing is sent once shut down');
    } finally {
      runner.dispose();
      keys.dispose();
    }
  });
});
