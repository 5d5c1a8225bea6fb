/**
 * Compare Models inside a real extension host, against the gateway simulator
 * through the extension's own request runner: the requests run at the same
 * time, the result keeps the order asked and each failure in its own entry,
 * a kept answer goes on as a chat conversation, and closing the panel cancels
 * what still runs. Every body sent is checked against the gateway's OpenAPI files.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/core/common/commands';
import type { CompareResult } from '../../src/core/common/compare';
import type { Logger } from '../../src/core/common/logger';
import { INSTRUCTIONS } from '../../src/core/common/prompts';
import { openWebLink } from '../../src/vscode/webview/openLink';
import type { Simulator } from '../simulator/simulator';
import { assertRecordedBodiesValid } from '../unit/support-core/openapi';
import { closeAllEditors, connectSimulator, openFixture, reasoner, requestText, resetUserSettings, selectLines, waitFor } from './helpers';

type Message = { role: string; content: unknown };
const messagesOf = (body: unknown) => (body as { messages: Message[] }).messages;
const modelOf = (body: unknown) => (body as { model: string }).model;

const QUESTION = 'What does distance() compute?';
/** What is sent as `model` for o3 (the catalog's snapshot), which the simulator's scripts match on. */
const O3_SENT = 'openai/o3-2025-04-16';

suite('Compare Models (real extension host, simulated gateway)', () => {
  let sim: Simulator;

  setup(async () => {
    sim = await connectSimulator();
  });

  teardown(async () => {
    const api = await reasoner();
    for (const panel of api.services.comparisons.panelsOpen) panel.dispose();
    await closeAllEditors();
    await resetUserSettings();
    try {
      assertRecordedBodiesValid(sim.requests);
    } finally {
      await sim.close();
    }
  });

  test('two models at once: both requests are out before either ends; results in the order given; a failing model keeps its error while the other answers', async () => {
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 9);
    sim.script(
      { forModel: 'o1', status: 400, message: 'o1 is not available on your plan', headersDelayMs: 800 },
      { forModel: 'o3-mini', text: 'It computes the Euclidean distance between two points.', chunkDelayMs: 80, usage: { input: 180, output: 420, reasoning: 256 } },
    );
    const results = await vscode.commands.executeCommand<CompareResult[]>(COMMANDS.compareModels, { models: ['o1', 'o3-mini'], question: QUESTION });

    // Parallel: the second request reached the gateway before the first response ended.
    assert.equal(sim.requests.length, 2);
    const lastArrival = Math.max(...sim.requests.map((request) => request.receivedAt));
    const firstEnd = Math.min(...sim.closes.map((close) => close.at));
    assert.ok(lastArrival < firstEnd, `both requests were out (last at ${lastArrival}) before either answer ended (first at ${firstEnd})`);
    assert.deepEqual(sim.requests.map((request) => modelOf(request.body)).sort(), ['o1', 'o3-mini']);
    for (const request of sim.requests) {
      const text = requestText(request.body);
      assert.match(text, /What does distance\(\) compute\?/);
      assert.match(text, /export function distance\(a: Point, b: Point\): number/);
      assert.match(text, /src\/sample\.ts/);
      assert.equal(messagesOf(request.body)[0]!.role, 'developer');
      assert.equal(messagesOf(request.body)[0]!.content, INSTRUCTIONS.ask);
    }

    assert.deepEqual(results.map((result) => result.modelId), ['o1', 'o3-mini'], 'the order given');
    const [failed, answered] = results as [CompareResult, CompareResult];
    assert.equal(answered.status, 'complete');
    assert.equal(answered.text, 'It computes the Euclidean distance between two points.');
    assert.equal(answered.error, undefined);
    assert.ok(answered.elapsedMs > 0);
    assert.deepEqual([answered.usage?.inputTokens, answered.usage?.outputTokens, answered.usage?.reasoningTokens], [180, 420, 256]);
    assert.ok((answered.usage?.costUsd ?? 0) > 0, 'the gateway\'s cost');
    assert.equal(failed.status, 'error');
    assert.equal(failed.text, '');
    assert.equal(failed.error?.kind, 'bad-request');
    assert.equal(failed.error?.status, 400);
    assert.match(failed.error?.message ?? '', /o1 is not available on your plan/);

    const api = await reasoner();
    const [panel] = api.services.comparisons.panelsOpen;
    assert.ok(panel, 'the comparison is shown in a panel');
    assert.equal(panel.panel.viewType, 'reasoner.compare');
    assert.match(panel.panel.title, /^Compare: What does distance\(\) compute\?/);
    const columns = panel.session.state.columns;
    assert.deepEqual(columns.map((column) => [column.turn.modelId, column.turn.status]), [['o1', 'error'], ['o3-mini', 'complete']]);
    assert.deepEqual(columns[0]!.turn.error?.actions, ['switchModel', 'openLog'], 'the presenter\'s actions for the page');
    assert.deepEqual(panel.session.state.contextLabels, ['sample.ts:6-10']);
  });

  test('a failed column asked again answers in place; the others stay as they were', async () => {
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 9);
    sim.script({ forModel: O3_SENT, status: 500, message: 'upstream exploded', headers: { 'retry-after-ms': '1' }, times: 4 }, { forModel: 'o3-mini', text: 'Mini answer.' });
    const results = await vscode.commands.executeCommand<CompareResult[]>(COMMANDS.compareModels, { models: ['o3', 'o3-mini'], question: QUESTION });
    assert.equal(results[0]!.error?.kind, 'server');
    const panel = (await reasoner()).services.comparisons.panelsOpen[0]!;
    sim.script({ forModel: O3_SENT, text: 'O3 answer, second try.' });
    const again = await panel.session.retry(panel.session.turns[0]!.id);
    assert.equal(again?.text, 'O3 answer, second try.');
    assert.deepEqual(panel.session.turns.map((turn) => [turn.modelId, turn.status, turn.text]),
      [['o3', 'complete', 'O3 answer, second try.'], ['o3-mini', 'complete', 'Mini answer.']]);
  });

  test('keeping an answer opens it as a chat conversation, and the next message goes on from it with that model', async () => {
    const api = await reasoner();
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 9);
    sim.script({ forModel: 'o1', text: 'o1: the straight-line distance.' }, { forModel: 'o3-mini', text: 'o3-mini: Pythagoras on dx and dy.' });
    await vscode.commands.executeCommand<CompareResult[]>(COMMANDS.compareModels, { models: ['o1', 'o3-mini'], question: QUESTION });
    const panel = api.services.comparisons.panelsOpen[0]!;
    const kept = panel.session.turns[1]!;

    const id = await panel.session.keep(kept.id);
    assert.ok(id, 'kept');
    const conversation = api.chat.getActiveConversation();
    assert.ok(conversation);
    assert.equal(conversation.id, id, 'the kept conversation is the one the chat shows');
    assert.deepEqual(conversation.turns.map((turn) => [turn.role, turn.text]), [['user', QUESTION], ['assistant', 'o3-mini: Pythagoras on dx and dy.']]);
    assert.match(JSON.stringify(conversation.turns[0]), /export function distance/);
    assert.equal(panel.session.state.columns[1]!.kept, true);
    assert.equal(panel.session.state.columns[0]!.kept, false);

    try {
      sim.script({ text: 'In 3D, add dz.' });
      const followUp = await api.services.chat.sendPrompt('And for 3D points?', []);
      assert.equal(followUp, 'In 3D, add dz.');
      const body = sim.requests.at(-1)!.body;
      assert.equal(modelOf(body), 'o3-mini', 'the kept answer\'s model goes on');
      const messages = messagesOf(body).filter((message) => message.role !== 'developer');
      assert.deepEqual(messages.map((message) => message.role), ['user', 'assistant', 'user']);
      assert.match(JSON.stringify(messages[0]!.content), /What does distance\(\) compute\?[\s\S]*export function distance/);
      assert.equal(messages[1]!.content, 'o3-mini: Pythagoras on dx and dy.');
      assert.match(JSON.stringify(messages[2]!.content), /And for 3D points\?/);
    } finally {
      await api.chat.delete(id);
    }
  });

  test('Apply to Selection from a column shows its diff titled as code from Compare Models', async () => {
    const api = await reasoner();
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 9);
    sim.script({ forModel: 'o1', text: 'o1 answer.' }, { forModel: 'o3-mini', text: 'o3-mini answer.' });
    await vscode.commands.executeCommand<CompareResult[]>(COMMANDS.compareModels, { models: ['o1', 'o3-mini'], question: QUESTION });
    const panel = api.services.comparisons.panelsOpen[0]!;
    const diffTitles = () => vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) => tab.input instanceof vscode.TabInputTextDiff).map((tab) => tab.label);
    let shown: string[] = [];

    const outcome = await panel.codeBlocks.run('apply', 'export const distance = () => 0;\n', 'typescript', async () => {
      shown = await waitFor('the diff tab', () => diffTitles().length > 0 && diffTitles());
      return false;
    });

    assert.equal(outcome, 'discarded');
    assert.deepEqual(shown, ['sample.ts: selection ↔ code from Compare Models']);
    assert.match(editor.document.getText(), /export function distance/, 'nothing was applied');
  });

  test('closing the panel cancels the answers still running: the gateway sees both connections go', async () => {
    const api = await reasoner();
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 9);
    sim.script({ forModel: 'o1', firstByteDelayMs: 60_000 }, { forModel: O3_SENT, text: 'slow '.repeat(200), chunkDelayMs: 500 });
    const pending = vscode.commands.executeCommand<CompareResult[]>(COMMANDS.compareModels, { models: ['o1', 'o3'], question: QUESTION });
    await sim.waitForRequests(2);
    await waitFor('the panel', () => api.services.comparisons.panelsOpen[0]);
    api.services.comparisons.panelsOpen[0]!.panel.dispose();

    const results = await pending;
    assert.deepEqual(results.map((result) => [result.modelId, result.status, result.error]), [['o1', 'stopped', undefined], ['o3', 'stopped', undefined]]);
    const closes = await Promise.all([sim.waitForClose(0, 5_000), sim.waitForClose(1, 5_000)]);
    assert.deepEqual(closes.map((close) => close.completed), [false, false], 'the client went away before either answer ended');
    assert.equal(api.services.comparisons.panelsOpen.length, 0);
    assert.equal(api.services.runner.activeCount, 0);
  });

  test('without a key nothing is sent and every column says so, with Set API Key', async () => {
    await vscode.commands.executeCommand(COMMANDS.clearApiKey, { confirm: false });
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 9);
    const results = await vscode.commands.executeCommand<CompareResult[]>(COMMANDS.compareModels, { models: ['o1', 'o3-mini'], question: QUESTION });
    assert.deepEqual(results.map((result) => [result.modelId, result.status, result.error?.kind]), [['o1', 'error', 'no-key'], ['o3-mini', 'error', 'no-key']]);
    assert.equal(sim.requests.length, 0);
    const panel = (await reasoner()).services.comparisons.panelsOpen[0]!;
    assert.ok(panel.session.turns.every((turn) => turn.error?.actions.includes('setApiKey') ?? false));
  });

  test('a malformed call is refused with what is wrong, and sends nothing', async () => {
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand(COMMANDS.compareModels, { models: ['o1'], question: QUESTION })),
      /reasoner\.compareModels: "models" must name 2 to 8 models \(got 1\)/);
    assert.equal(sim.requests.length, 0);
    assert.equal((await reasoner()).services.comparisons.panelsOpen.length, 0);
  });

  test('a link from an answer, on either page, goes to the browser only if it is http(s): other schemes are refused and logged, naming the page', async () => {
    const warnings: string[] = [];
    const log: Logger = { error() {}, info() {}, debug() {}, warn: (message) => { warnings.push(message); } };
    for (const page of ['Chat', 'Compare Models']) {
      for (const href of ['command:workbench.action.reloadWindow', 'file:///etc/passwd', 'vscode://settings/reasoner', 'javascript:alert(1)']) {
        assert.equal(await openWebLink(href, log, page), false, `${page} refused ${href}`);
      }
    }
    assert.deepEqual(warnings, ['Chat', 'Compare Models'].flatMap((page) => ['command', 'file', 'vscode', 'javascript']
      .map((scheme) => `${page}: refused to open a ${scheme}: link from an answer.`)));
  });
});
