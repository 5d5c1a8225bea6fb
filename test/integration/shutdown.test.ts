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
  test('shutdown leaves a kept o3-pro job running at the gateway (the next window fetches it), and sends nothing after', async () => {
    const sim = simulator();
    const api = await reasoner();
    const keys = new ApiKeyStore(api.services.context.secrets);
    const runner = new ReasonerRequestRunner(api.services.settings, keys, api.services.log, api.services.notifier);
    // A job list that keeps the job (the extension's is jobs/jobs.ts); without one, nothing could fetch it later, and it is cancelled.
    const kept: string[] = [];
    runner.trackJobs({ started: (job) => kept.push(job.id), left: () => undefined, ended: async () => true });
    try {
      const { jobId, result } = await startEndlessBackgroundJob(sim, runner);
      assert.deepEqual(kept, [jobId]);

      await runner.shutdown();

      const ended = await result;
      assert.equal(ended.error?.kind, 'cancelled');
      assert.equal(ended.detached, true, 'the run says it left the job running');
      assert.equal(sim.requests.filter((request) => request.route === 'cancel').length, 0, 'the gateway was not told to cancel');
      const seen = sim.requests.length;
      const late = await runner.run({ source: 'test', modelId: 'o3-pro', turns: [{ role: 'user', text: 'too late' }] });
      assert.equal(late.error?.kind, 'cancelled');
      assert.equal(sim.requests.length, seen, 'nothing is sent once shut down');
    } finally {
      runner.dispose();
      keys.dispose();
    }
  });

  test('Cancel All stops a kept o3-pro job at the gateway, so it bills no more', async () => {
    const sim = simulator();
    const api = await reasoner();
    const keys = new ApiKeyStore(api.services.context.secrets);
    const runner = new ReasonerRequestRunner(api.services.settings, keys, api.services.log, api.services.notifier);
    try {
      const { jobId, result } = await startEndlessBackgroundJob(sim, runner);
      assert.equal(runner.cancelAll(), 1);
      assert.equal((await result).error?.kind, 'cancelled');
      await runner.shutdown();
      assertCancelReceived(sim, jobId, 'once Cancel All ran and the runner shut down');
    } finally {
      runner.dispose();
      keys.dispose();
    }
  });
});
