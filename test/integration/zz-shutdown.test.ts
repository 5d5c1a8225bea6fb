import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type * as extensionModule from '../../src/extension';
import { startEndlessBackgroundJob, useBackgroundSimulator } from './backgroundJobs';
import { EXTENSION_ID, reasoner, waitFor } from './helpers';

/**
 * Deactivates the real extension, so it must run after every other suite: the
 * runner loads files in name order, hence the "zz-" prefix. Requiring the
 * bundle the host loaded returns the very module instance it activated (Node's
 * require cache), so this is the deactivate VS Code calls when the window closes.
 * Were it another instance, it would hold no runner and this test would fail.
 */
suite('Deactivation (last suite: it shuts the extension down)', () => {
  const simulator = useBackgroundSimulator();

  test('deactivate leaves a kept o3-pro job running at the gateway and frees it for the next window', async () => {
    const sim = simulator();
    const api = await reasoner();
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    const loaded = require(path.join(extension.extensionPath, 'dist', 'extension.js')) as typeof extensionModule;
    const { jobId, result } = await startEndlessBackgroundJob(sim, api.services.runner);
    await waitFor('the job in the list', () => api.jobs.find(jobId)?.lease !== undefined);

    await loaded.deactivate();

    assert.equal((await result).detached, true);
    assert.equal(sim.requests.filter((request) => request.route === 'cancel').length, 0, 'the gateway was not told to cancel');
    const kept = api.jobs.find(jobId);
    assert.equal(kept?.status, 'running', 'the job is kept');
    assert.equal(kept?.lease, undefined, 'and no window holds it: the next one fetches it at once');
  });
});
