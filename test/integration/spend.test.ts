/**
 * Spend and budget through the real commands: three answers from three entry points
 * land in the ledger (no prompt text), Show Usage sums them by model and entry point
 * and exports CSV, the 80% warning shows once, and at 100% a request asks first.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/core/common/commands';
import { monthSpendUsd } from '../../src/core/common/spend';
import { formatUsd } from '../../src/core/common/usageText';
import type { Simulator } from '../simulator/simulator';
import { closeAllEditors, commandQuickInputUntil, connectSimulator, openFixture, reasoner, resetUserSettings, selectLines, setUserSetting, waitFor } from './helpers';

suite('Spend and budget', function () {
  this.timeout(60_000);
  let sim: Simulator;

  setup(async () => {
    sim = await connectSimulator();
  });

  teardown(async () => {
    const api = await reasoner();
    for (const session of api.services.inline.sessions) session.dispose();
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await closeAllEditors();
    await resetUserSettings();
    await sim.close();
  });

  test('three answers from three entry points go into the ledger without their text; Show Usage sums them and exports CSV', async () => {
    const api = await reasoner();
    const before = (await api.services.spend.ledger.all()).length;
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 9);
    sim.script(
      { text: 'Explained.', usage: { input: 1200, output: 300, reasoning: 200 }, cost: { usd: 0.011 } },
      { text: 'Asked.', usage: { input: 900, output: 250, reasoning: 100 }, cost: { usd: 0.022 } },
      { text: 'test("x", () => {});', usage: { input: 800, output: 400, reasoning: 300 }, cost: null },
    );
    await vscode.commands.executeCommand(COMMANDS.explainSelection);
    await vscode.commands.executeCommand(COMMANDS.ask, 'Is the secret-question-4711 handled?');
    selectLines(editor, 5, 9);
    await vscode.commands.executeCommand(COMMANDS.writeTests);

    const entries = await api.services.spend.ledger.all();
    const added = entries.slice(before);
    assert.deepEqual(added.map((e) => [e.source, e.modelId, e.inputTokens, e.costUsd]), [
      ['inline:explain', 'o3-mini', 1200, 0.011],
      ['inline:ask', 'o3-mini', 900, 0.022],
      ['palette:writeTests', 'o3-mini', 800, undefined],
    ]);
    const stored = await fs.readFile(api.services.spend.ledger.path, 'utf8');
    assert.doesNotMatch(stored, /secret-question-4711|Explained|distance/, 'no prompt or answer text in the ledger');

    const summary = await vscode.commands.executeCommand<string>(COMMANDS.showUsage, { show: false });
    assert.match(summary, new RegExp(`This month: \\${formatUsd(monthSpendUsd(entries, new Date()))} \\(no monthly budget set`));
    // Other suites answer through the same ledger: the line sums every inline:ask answer of the month, this one's included.
    const asks = entries.filter((e) => e.source === 'inline:ask');
    const askCost = formatUsd(asks.reduce((sum, e) => sum + (e.costUsd ?? 0), 0)).replace(/[$.]/g, '\\$&');
    assert.match(summary, new RegExp(`^inline:ask +${askCost} +${asks.length} `, 'm'));
    assert.match(summary, /^palette:writeTests +\S+ +\d+ +[\d,]+ +\(\d+ without a reported cost\)$/m);
    assert.match(summary, /^o3-mini +\$/m);

    const csvPath = path.join(os.tmpdir(), `reasoner-usage-${Date.now()}.csv`);
    await vscode.commands.executeCommand(COMMANDS.showUsage, { csvPath });
    const rows = (await fs.readFile(csvPath, 'utf8')).trim().split('\n');
    assert.equal(rows.length, entries.length + 1);
    assert.match(rows.at(-2) ?? '', /,o3-mini,inline:ask,900,250,100,0\.022$/);
    assert.match(rows.at(-1) ?? '', /,o3-mini,palette:writeTests,800,400,300,$/);
    await fs.rm(csvPath, { force: true });
  });

  test('crossing 80% of the budget warns once; at 100% a request asks: Don\'t send sends nothing, Send anyway sends', async () => {
    const api = await reasoner();
    const spent = monthSpendUsd(await api.services.spend.ledger.all(), new Date());
    // The next answer (costing $10) takes the month from below 80% to 90% of the budget.
    const budget = (spent + 10) / 0.9;
    await setUserSetting('monthlyBudgetUsd', budget);
    // The notifier keeps its latest 20: new ones are those after the last one seen now.
    const last = api.services.notifier.shown.at(-1);
    const shownSince = () => {
      const shown = api.services.notifier.shown;
      return shown.slice(last ? shown.indexOf(last) + 1 : 0);
    };
    sim.script({ text: 'expensive', cost: { usd: 10 } });
    const first = await api.services.runner.run({ source: 'test', turns: [{ role: 'user', text: 'one' }] });
    assert.equal(first.text, 'expensive', first.error?.userMessage);
    const warnings = shownSince().filter((n) => /monthly budget/.test(n.message));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!.message, /you have used 90% of your monthly budget/);
    assert.deepEqual(warnings[0]!.actions, ['Show Usage', 'Raise Budget']);

    sim.script({ text: 'cheap', cost: { usd: 0.0001 } });
    await api.services.runner.run({ source: 'test', turns: [{ role: 'user', text: 'two' }] });
    assert.equal(shownSince().filter((n) => /monthly budget/.test(n.message)).length, 1, 'no second warning below 100%');

    await setUserSetting('monthlyBudgetUsd', spent + 1);
    const requestsBefore = sim.requests.length;
    const asked = api.services.spend.budgetQuestions;
    const refused = api.services.runner.run({ source: 'test', turns: [{ role: 'user', text: 'three' }] });
    await waitFor('the budget question', () => api.services.spend.budgetQuestions === asked + 1);
    const result = await commandQuickInputUntil('workbench.action.closeQuickOpen', refused);
    assert.match(result.error?.userMessage ?? '', /Not sent: this month's spend \(\$[\d.]+\) has reached your budget/);
    assert.equal(sim.requests.length, requestsBefore, 'nothing was sent');

    sim.script({ text: 'sent anyway' });
    const confirmed = api.services.runner.run({ source: 'test', turns: [{ role: 'user', text: 'four' }] });
    await waitFor('the budget question', () => api.services.spend.budgetQuestions === asked + 2);
    const sent = await commandQuickInputUntil('workbench.action.acceptSelectedQuickOpenItem', confirmed);
    assert.equal(sent.text, 'sent anyway', sent.error?.userMessage);
  });

  test('an o3-pro request shows a cost estimate first, learned from the user\'s own o3-pro answers', async () => {
    const api = await reasoner();
    sim.script({ text: 'pro answer', usage: { input: 1000, output: 100, reasoning: 50 }, cost: { usd: 0.4 } });
    const progress: string[] = [];
    const first = await api.services.runner.run({
      source: 'test', modelId: 'o3-pro', turns: [{ role: 'user', text: 'x'.repeat(4000) }],
      onEvent: (event) => { if (event.type === 'progress') progress.push(event.status); },
    });
    assert.equal(first.text, 'pro answer', first.error?.userMessage);
    assert.match(first.costEstimate ?? '', /^o3-pro cost estimate: (no data yet|about \$|\$[\d.]+–\$)/);
    assert.equal(progress[0], first.costEstimate, 'the estimate is the first thing the surface shows');

    sim.script({ text: 'pro again' });
    const second = await api.services.runner.run({ source: 'test', modelId: 'o3-pro', turns: [{ role: 'user', text: 'x'.repeat(4000) }] });
    assert.match(second.costEstimate ?? '', /o3-pro cost estimate: .*\$0\.40.*from your last \d+ o3-pro answers?/);
    const ledgered = (await api.services.spend.ledger.all()).filter((e) => e.modelId === 'o3-pro');
    assert.ok(ledgered.length >= 1);
  });
});
