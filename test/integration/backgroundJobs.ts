/** Shared by the shutdown suites: an o3-pro request the simulator keeps running in background mode. */
import * as assert from 'node:assert/strict';
import type { RequestRunner, RunResult } from '../../src/vscode/runner';
import type { Simulator } from '../simulator/simulator';
import { connectSimulator, resetUserSettings, setUserSetting } from './helpers';

/** Registers setup/teardown for a suite: a simulator with a key, and reasoner.backgroundMode on. */
export function useBackgroundSimulator(): () => Simulator {
  let sim: Simulator | undefined;
  setup(async () => {
    sim = await connectSimulator();
    await setUserSetting('backgroundMode', true);
  });
  teardown(async () => {
    await resetUserSettings();
    await sim?.close();
  });
  return () => {
    assert.ok(sim, 'the simulator is started in setup');
    return sim;
  };
}

/** Starts an o3-pro request, kept as a job, that the gateway keeps in progress; resolves once it has been polled. */
export async function startEndlessBackgroundJob(sim: Simulator, runner: RequestRunner): Promise<{ jobId: string; result: Promise<RunResult> }> {
  sim.script({ text: 'never delivered', pollsBeforeDone: 10_000 });
  const result = runner.run({
    source: 'test', modelId: 'o3-pro', turns: [{ role: 'user', text: 'think for a long time' }],
    job: { place: { kind: 'palette', question: 'think for a long time' }, about: 'think for a long time' },
  });
  await sim.waitForRequests(2); // the POST that queued the job, then a poll
  const jobId = /resp_sim\w+/.exec(sim.requests[1].path)?.[0];
  assert.ok(jobId, `a polled job id in ${sim.requests[1].path}`);
  return { jobId, result };
}

/** The gateway has received POST /responses/{id}/cancel for the job. */
export function assertCancelReceived(sim: Simulator, jobId: string, when: string): void {
  const cancel = sim.requests.find((request) => request.route === 'cancel');
  assert.ok(cancel, `the gateway was told to cancel the job ${when}`);
  assert.equal(cancel.method, 'POST');
  assert.equal(cancel.path, `/v1/responses/${jobId}/cancel`);
}
