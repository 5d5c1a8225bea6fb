import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { streamToNewDocument } from '../../src/vscode/documentOutput';
import { InlineSession } from '../../src/vscode/inline/inlineSession';
import { ReasonerRequestRunner } from '../../src/vscode/requestRunner';
import { ApiKeyStore } from '../../src/vscode/secrets';
import type { ShownNotification } from '../../src/vscode/notify';
import type { ReasonerApi } from '../../src/extension';
import type { Simulator } from '../simulator/simulator';
import { closeAllEditors, connectSimulator, markdownOf, openFixture, reasoner, resetUserSettings } from './helpers';

/** Notifications shown after `last` (the notifier keeps the latest 20, so positions shift; identity does not). */
function shownSince(api: ReasonerApi, last: ShownNotification | undefined): ShownNotification[] {
  const all = api.services.notifier.shown;
  return all.slice(last ? all.indexOf(last) + 1 : 0);
}

const KEYRING_FAILURE = 'Cannot create an item in a locked collection';

/**
 * SecretStorage as it behaves on a machine whose OS keyring is missing or
 * locked: every read rejects. Such a keyring cannot be produced inside the
 * test host (its secret storage always works), so this is the one double in
 * these tests; the runner, the threads, the notifications and the gateway
 * simulator are all real.
 */
function keyringWithoutAccess(changed = new vscode.EventEmitter<vscode.SecretStorageChangeEvent>()): vscode.SecretStorage {
  const fail = () => Promise.reject(new Error(KEYRING_FAILURE));
  return { get: fail, store: fail, delete: fail, onDidChange: changed.event };
}

suite('Request runner: key reads and Cancel All', () => {
  let sim: Simulator;
  const cleanup: vscode.Disposable[] = [];

  setup(async () => {
    sim = await connectSimulator();
  });

  teardown(async () => {
    for (const disposable of cleanup.splice(0).reverse()) disposable.dispose();
    await closeAllEditors();
    await resetUserSettings();
    await sim.close();
  });

  /** A runner like the extension's (same logger and notifier), reading its key from a keyring that fails. */
  async function runnerWithoutKeyring() {
    const api = await reasoner();
    const keys = new ApiKeyStore(keyringWithoutAccess());
    const runner = new ReasonerRequestRunner(api.services.settings, keys, api.services.log, api.services.notifier);
    cleanup.push(keys, runner);
    return { api, runner };
  }

  test('a runner sends by the settings it is handed, not by what VS Code\'s configuration says: their model, effort and output limit', async () => {
    const api = await reasoner();
    const configured = api.services.settings.current();
    assert.notEqual(configured.modelId, 'o1', 'the configuration names another model');
    const keys = new ApiKeyStore(api.services.context.secrets);
    const chosen = { ...configured, modelId: 'o1', effort: 'high' as const, maxOutputTokens: 321 };
    const runner = new ReasonerRequestRunner({ current: () => chosen }, keys, api.services.log, api.services.notifier);
    cleanup.push(keys, runner);
    sim.script({ text: 'From o1.' });

    const result = await runner.run({ source: 'test', turns: [{ role: 'user', text: 'Which model answers?' }] });

    assert.equal(result.text, 'From o1.');
    const body = sim.requests.at(-1)!.body as { model: string; reasoning_effort: string; max_completion_tokens: number };
    assert.deepEqual([body.model, body.reasoning_effort, body.max_completion_tokens], ['o1', 'high', 321]);
  });

  test('an inline thread whose key cannot be read from the keyring ends as failed and offers Set API Key; nothing is sent', async () => {
    const { api, runner } = await runnerWithoutKeyring();
    const editor = await openFixture('src/sample.ts');
    // A thread of the extension's own comment controller (a second controller with its id would replace it).
    const thread = api.services.inline.controller.createCommentThread(editor.document.uri, new vscode.Range(5, 0, 9, 0), []);
    const session = new InlineSession('thread-keyring', thread, 'explain', runner, api.services.settings, undefined, () => undefined);
    cleanup.push(session);
    const lastBefore = api.services.notifier.shown.at(-1);

    assert.equal(await session.ask('What does this do?', []), undefined);

    assert.equal(session.status, 'error');
    assert.match(session.thread.label ?? '', /failed/);
    assert.doesNotMatch(session.thread.label ?? '', /thinking/);
    const errorComment = markdownOf(session.thread.comments.at(-1)!);
    assert.match(errorComment, /OS keyring/);
    assert.match(errorComment, /locked collection/);
    assert.match(errorComment, /Set API Key/);
    const shown = shownSince(api, lastBefore);
    assert.equal(shown.length, 1, 'one notification');
    assert.match(shown[0].message, /could not be read from the OS keyring/);
    assert.ok(shown[0].actions.includes('Set API Key'), `actions: ${shown[0].actions.join(', ')}`);
    assert.equal(sim.requests.length, 0, 'nothing reached the gateway');
  });

  test('a document answer whose key cannot be read ends (its progress and timers stop) with the keyring named', async () => {
    const { api, runner } = await runnerWithoutKeyring();
    const lastBefore = api.services.notifier.shown.at(-1);
    const documentsBefore = vscode.workspace.textDocuments.length;

    const text = await streamToNewDocument({ ...api.services, runner }, {
      task: 'writeTests', source: 'test:writeTests', question: 'Write tests', context: [], languageId: 'typescript', stripFence: true,
    });

    assert.equal(text, undefined);
    const shown = shownSince(api, lastBefore);
    assert.equal(shown.length, 1, `one notification: ${shown.map((s) => s.message).join(' | ')}`);
    assert.match(shown[0].message, /could not be read from the OS keyring \(Cannot create an item in a locked collection\)/);
    assert.ok(shown[0].actions.includes('Set API Key'));
    assert.equal(vscode.workspace.textDocuments.length, documentsBefore, 'no empty document was opened');
    assert.equal(sim.requests.length, 0);
  });

  test('Cancel All reaches a request still waiting for the key: nothing is sent and it ends as cancelled', async () => {
    const api = await reasoner();
    const runner = api.services.runner;
    // run() registers the request before its first await, so it is waiting for the key here.
    const pending = runner.run({ source: 'test', turns: [{ role: 'user', text: 'cancel me early' }] });
    assert.equal(runner.activeCount, 1, 'counted while the key is read');
    assert.equal(runner.cancelAll(), 1);

    const result = await pending;
    assert.equal(result.error?.kind, 'cancelled');
    assert.equal(runner.activeCount, 0);
    assert.equal(sim.requests.length, 0, 'the gateway saw no request');
    // The runner still works afterwards.
    sim.script({ text: 'after the cancel' });
    const next = await runner.run({ source: 'test', turns: [{ role: 'user', text: 'again' }] });
    assert.equal(next.text, 'after the cancel');
  });

  test('a key changed in another window while the keyring cannot be read leaves no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => { unhandled.push(reason); };
    process.on('unhandledRejection', record);
    try {
      const changed = new vscode.EventEmitter<vscode.SecretStorageChangeEvent>();
      const keys = new ApiKeyStore(keyringWithoutAccess(changed));
      cleanup.push(keys, changed);
      changed.fire({ key: 'reasoner.apiKey' });
      // Rejections are reported once the current macrotask ends.
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', record);
    }
  });
});
