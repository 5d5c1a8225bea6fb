import * as assert from 'node:assert/strict';
import { marked } from 'marked';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/core/common/commands';
import { presentActions } from '../../src/core/common/errorPresenter';
import { errorActions } from '../../src/vscode/notify';
import type { Simulator } from '../simulator/simulator';
import type { SimScript } from '../simulator/types';
import { connectSimulator, markdownOf, openFixture, reasoner, selectLines, TEST_KEY } from './helpers';
import { cleanUpInline, disposeLeftoverThreads, onlySession } from './inlineHelpers';

suite('Inline threads: errors and their actions', () => {
  let sim: Simulator;

  setup(async () => {
    await disposeLeftoverThreads();
    sim = await connectSimulator();
  });

  teardown(() => cleanUpInline(sim));

  /** The links of a trusted comment, as VS Code reads them: title, command, arguments. */
  /** The command links of a comment as VS Code's renderer (marked, GFM) makes them. */
  function linksOf(comment: vscode.Comment): { title: string; command: string; args: unknown[] }[] {
    const html = marked.parse(markdownOf(comment), { async: false, gfm: true });
    return [...html.matchAll(/<a href="command:([^?"]+)\?([^"]*)"[^>]*>([^<]*)<\/a>/g)]
      .map(([, command, args, title]) => ({ title: title!, command: command!, args: JSON.parse(decodeURIComponent(args!)) as unknown[] }));
  }

  async function explainWithoutKey() {
    assert.equal(await vscode.commands.executeCommand(COMMANDS.clearApiKey, { confirm: false }), 'cleared');
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 9);
    assert.equal(await vscode.commands.executeCommand(COMMANDS.explainSelection), undefined);
    return onlySession();
  }

  test('a gateway message carrying a command link becomes a link neither in the notification nor in the thread', async () => {
    const api = await reasoner();
    const hostile = 'Key expired. [Fix it now](command:workbench.action.openSettings?%5B%22http.proxy%22%5D) or [visit](https://attacker.example/x)';
    sim.script({ status: 401, message: hostile });
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 9);
    assert.equal(await vscode.commands.executeCommand(COMMANDS.explainSelection), undefined);
    const shown = api.services.notifier.shown.at(-1);
    assert.ok(shown && /Key expired/.test(shown.message), `the gateway's words are shown: ${shown?.message}`);
    assert.doesNotMatch(shown.message, /\]\(/, 'no link syntax reaches the notification');
    const session = await onlySession();
    const error = session.thread.comments.at(-1)!;
    assert.match(markdownOf(error), /Key expired/);
    const links = linksOf(error);
    assert.ok(links.every((link) => link.command !== 'workbench.action.openSettings' || JSON.stringify(link.args) !== '["http.proxy"]'), 'no command from the message');
    const expected = presentActions({ kind: 'auth' }, { retry: { command: COMMANDS.threadRetry, args: [session.id] } }).map((action) => action.title);
    assert.deepEqual(links.map((link) => link.title), expected, 'only the presenter\'s links');
    assert.doesNotMatch(markdownOf(error), /\]\(https:\/\/attacker/, 'no web link from the message either');
  });

  test('Retry on a dismissed thread sends nothing: neither its command nor the notification\'s Set API Key → Retry', async () => {
    const session = await explainWithoutKey();
    assert.match(markdownOf(session.thread.comments.at(-1)!), /No API key is set/);
    assert.equal(await vscode.commands.executeCommand(COMMANDS.threadDismiss, session.thread), 'dismissed');

    // The notification's Set API Key stores the key, then runs the callback it was given: the session's retry.
    assert.equal(await vscode.commands.executeCommand(COMMANDS.setApiKey, TEST_KEY), 'set');
    assert.equal(await session.retry(), undefined);
    assert.equal(await vscode.commands.executeCommand(COMMANDS.threadRetry, session.id), undefined);
    assert.equal(sim.requests.length, 0, 'nothing reaches the gateway for a thread that is gone');
  });

  const failures: { what: string; script?: SimScript; titles: string[]; notified: boolean }[] = [
    { what: 'no key', titles: ['Set API Key', 'Get a Key', 'Retry'], notified: true },
    { what: 'a rejected key (401)', script: { status: 401, message: 'Incorrect API key provided' }, titles: ['Set API Key', 'Open Log', 'Retry'], notified: true },
    { what: 'no credits (403)', script: { status: 403, errorShape: 'gateway', message: 'Insufficient credits. Please top up.' }, titles: ['Open Billing', 'Open Log', 'Retry'], notified: true },
    { what: 'a refused request (400)', script: { status: 400, message: 'Unsupported value: reasoning_effort' }, titles: ['Retry', 'Switch Model', 'Open Log'], notified: false },
    { what: 'an unknown path (404)', script: { status: 404 }, titles: ['Retry', 'Open Settings', 'Switch Model', 'Open Log'], notified: false },
  ];

  for (const failure of failures) {
    test(`${failure.what}: the thread's links, the notification's buttons and the error presenter agree`, async () => {
      const api = await reasoner();
      let session;
      if (failure.script) {
        const editor = await openFixture('src/sample.ts');
        selectLines(editor, 5, 9);
        sim.script(failure.script);
        assert.equal(await vscode.commands.executeCommand(COMMANDS.explainSelection), undefined);
        session = await onlySession();
      } else {
        session = await explainWithoutKey();
      }
      const error = session.lastAnswer?.error;
      assert.ok(error, 'the answer failed');
      const comment = session.thread.comments.at(-1)!;
      const links = linksOf(comment);
      assert.deepEqual(links.map((link) => link.title), failure.titles);

      const presented = presentActions(error, {
        retry: { command: COMMANDS.threadRetry, args: [session.id] },
        switchModel: { command: COMMANDS.threadAskAnotherModel, args: [session.id] },
      });
      assert.deepEqual(links, presented.map(({ title, command, args }) => ({ title, command, args })));
      assert.deepEqual((comment.body as vscode.MarkdownString).isTrusted, { enabledCommands: [...new Set(presented.map((action) => action.command))] });
      assert.equal(links.find((link) => link.title === 'Retry')?.command, COMMANDS.threadRetry);

      const buttons = failure.notified
        ? api.services.notifier.shown.at(-1)!.actions
        : errorActions(error, () => undefined).map((action) => action.title);
      assert.deepEqual(buttons, failure.titles);
      // The runner notifies exactly the account problems, and the thread marks exactly those: one rule.
      assert.equal(session.thread.contextValue, failure.notified ? 'reasoner-error-account' : 'reasoner-error');
    });
  }
});
