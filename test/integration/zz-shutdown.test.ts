import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type * as extensionModule from '../../src/extension';
import type { Simulator } from '../simulator/simulator';
import { connectSimulator, EXTENSION_ID, reasoner, resetUserSettings, setUserSetting } from './helpers';

/**
 * Deactivates the real extension, so it must run after every other suite: the
 * runner loads files in name order, hence the "zz-" prefix. Requiring the
 * bundle the host loaded returns the very module instance it activated (Node's
 * require cache), so this is the deactivate VS Code calls when the window closes.
 * Were it another instance, it would hold no runner and this test would fail.
 */
suite('Deactivation (last suite: it shuts the extension down)', () => {
  let sim: Simulator;

  setup(async () => {
    sim = await connectSimulator();
    await setUserSetting('backgroundMode', true);
  });

  teardown(async () => {
    await resetUserSettings();
    await sim.close();
  });

  test('deactivate cancels a running o3-pro background job at the gateway before its promise resolves', async () => {
    const api = await reasoner();
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    const loaded = require(path.join(extension.extensionPath, 'dist', 'extension.js')) as typeof extensionModule;

    sim.script({ text: 'never delivered', pollsBeforeDone: 10_000 });
    const pending = api.services.runner.run({ source: 'test', modelId: 'o3-pro', turns: [{ role: 'user', text: 'think for a long time' }] });
    await sim.waitForRequests(2); // the POST that queued the job, then a poll
    const jobId = /resp_sim\w+/.exec(sim.requests[1].path)?.[0];
    assert.ok(jobId, `a polled job id in ${sim.requests[1].path}`);

    await loaded.deactivate();

    const cancel = sim.requests.find((request) => request.route === 'cancel');
    assert.ok(cancel, 'the gateway was told to cancel the job before deactivate resolved');
    assert.equal(cancel.path, `/v1/responses/${jobId}/cancel`);
    assert.equal((await pending).error?.kind, 'cancelled');
  });
});
