import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type * as extensionModule from '../../src/extension';
import { assertCancelReceived, startEndlessBackgroundJob, useBackgroundSimulator } from './backgroundJobs';
import { EXTENSION_ID, reasoner } from './helpers';

/**
 * Deactivates the real extension, so it must run after every other suite: the
 * runner loads files in name order, hence the "zz-" prefix. Requiring the
 * bundle the host loaded returns the very module instance it activated (Node's
 * require cache), so this is the deactivate VS Code calls when the window closes.
 * Were it another instance, it would hold no runner and this test would fail.
 */
suite('Deactivation (last suite: it shuts the extension down)', () => {
  const simulator = useBackgroundSimulator();

  test('deactivate cancels a running o3-pro background job at the gateway before its promise resolves', async () => {
    const sim = simulator();
    const api = await reasoner();
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    const loaded = require(path.join(extension.extensionPath, 'dist', 'extension.js')) as typeof extensionModule;
    const { jobId, result } = await startEndlessBackgroundJob(sim, api.services.runner);

    await loaded.deactivate();

    assertCancelReceived(sim, jobId, 'before deactivate resolved');
    assert.equal((await result).error?.kind, 'cancelled');
  });
});
