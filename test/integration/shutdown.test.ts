import * as assert from 'node:assert/strict';
import { ReasonerRequestRunner } from '../../src/vscode/requestRunner';
import { ApiKeyStore } from '../../src/vscode/secrets';
import { assertCancelReceived, startEndlessBackgroundJob, useBackgroundSimulator } from './backgroundJobs';
import { reasoner } from './helpers';

suite('Shutdown of the request runner', () => {
  const simulator = useBackgroundSimulator();

  // A runner of its own, built like the extension's (real key store, logger and notifier): shutting
  // down the extension's runner here would leave the rest of the suite without one.
  // zz-shutdown.test.ts proves that deactivate() goes through this same path.
  test('shutdown cancels a running o3-pro background job at the gateway before it resolves, and sends nothing after', async () => {
    const sim = simulator();
    const api = await reasoner();
    const keys = new ApiKeyStore(api.services.context.secrets);
    const runner = new ReasonerRequestRunner(keys, api.services.log, api.services.notifier);
    try {
      const { jobId, result } = await startEndlessBackgroundJob(sim, runner);

      await runner.shutdown();

      assertCancelReceived(sim, jobId, 'before shutdown resolved');
      assert.equal((await result).error?.kind, 'cancelled');
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
