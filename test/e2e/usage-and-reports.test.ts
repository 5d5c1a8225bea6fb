/**
 * Reports that do not nag, in the real workbench: Show Usage is a page with a chart
 * (spend by day for 31 days against the budget line, by model and by entry point), drawn in
 * Chromium under the page's strict CSP; Check Connection's report is read-only and closes
 * without asking to save.
 */
import * as assert from 'node:assert/strict';
import { start, type Simulator } from '../simulator/simulator';
import { eventually, findFrame, launchWorkbench, openFile, runCommand, selectLines, setApiKeyThroughPalette, type Workbench } from '../harness/workbench';

suite('Workbench: Usage page and read-only reports', () => {
  let sim: Simulator;
  let workbench: Workbench;

  suiteSetup(async () => {
    sim = await start();
    workbench = await launchWorkbench({ userSettings: { 'reasoner.baseUrl': sim.baseUrl, 'reasoner.monthlyBudgetUsd': 31 } });
    await setApiKeyThroughPalette(workbench.page, 'sk-e2e-usage-4f2a9c');
  });

  suiteTeardown(async () => {
    await workbench?.close();
    await sim?.close();
  });

  test('Show Usage draws today\'s spend as a bar read against the budget line, with each model and entry point as text', async () => {
    const { page } = workbench;
    sim.script(
      { text: 'First **answer**.', usage: { input: 1000, output: 300, reasoning: 100 }, cost: { usd: 0.75 } },
      { text: 'Second **answer**.', usage: { input: 1000, output: 300, reasoning: 100 }, cost: { usd: 0.5 } },
    );
    await openFile(page, 'sample.ts');
    for (const text of ['First', 'Second']) {
      await selectLines(page, 6, 3);
      await page.keyboard.press('Control+Alt+E');
      await eventually(`the ${text} answer`, async () => /done/.test(await page.locator('.review-widget').filter({ hasText: `${text} answer` }).first().textContent() ?? ''), 60_000);
    }

    await runCommand(page, 'Reasoner: Show Usage');
    const frame = await findFrame(page, '[data-role="daily-chart"]');
    assert.match(await frame.locator('[data-role="month"]').textContent() ?? '', /This month: \$1\.25 of your \$31\.00 budget \(4%\)/);
    const bars = frame.locator('[data-role="daily-chart"] rect.bar');
    assert.equal(await bars.count(), 31, 'one bar a day for 31 days');
    const today = bars.last();
    assert.equal(Number(await today.getAttribute('data-cost')), 1.25);
    // Drawn as a person sees it: today's bar stands, and reaches above the budget line (a dollar a day or so).
    const todayBox = await today.boundingBox();
    const line = await frame.locator('[data-role="budget-line"]').boundingBox();
    assert.ok(todayBox && line && todayBox.height > 20, `today's bar is drawn (${todayBox?.height}px tall)`);
    assert.ok(todayBox.y < line.y, 'today\'s spend is above the daily budget line');
    assert.equal(await bars.first().evaluate((bar) => (bar as SVGRectElement).height.baseVal.value), 0, 'a day without answers has no bar');
    assert.match(await frame.locator('[data-role="budget-line"] ~ text').first().textContent() ?? '', /budget \$1\.0\d\/day/);
    assert.match(await frame.locator('[data-role="by-model"] tr').first().textContent() ?? '', /o3-mini\s*\$1\.25\s*2 answers/);
    assert.match(await frame.locator('[data-role="by-source"]').textContent() ?? '', /inline:explain\s*\$1\.25/);
    assert.equal(await frame.locator('[data-role="export"]').isVisible(), true, 'Export CSV… is offered');
    await workbench.screenshot('usage-page');
    assert.deepEqual(workbench.session.consoleLines.filter((l) => /Content Security Policy/.test(l) && /usage/i.test(l)), [], 'nothing the page does breaks its CSP');

    // A page, not a document: closing its tab asks nothing.
    const tab = page.locator('.tabs-container .tab').filter({ hasText: 'Reasoner Usage' }).first();
    await tab.click({ button: 'middle' });
    await tab.waitFor({ state: 'detached', timeout: 10_000 });
    assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no "save changes?" dialog');
  });

  test('Check Connection\'s report is read-only: typing changes nothing and closing it asks nothing', async () => {
    const { page } = workbench;
    await runCommand(page, 'Reasoner: Check Connection');
    const tab = page.locator('.tabs-container .tab').filter({ hasText: 'Connection check' }).first();
    await tab.waitFor({ timeout: 60_000 });
    const text = page.locator('.editor-instance .monaco-editor .view-lines').first();
    await eventually('the report', async () => /gateway accepted the key/.test((await text.textContent() ?? '').replace(/\u00a0/g, ' ')), 60_000);
    await text.click();
    await page.keyboard.type('typed into the report');
    assert.doesNotMatch((await text.textContent() ?? '').replace(/\u00a0/g, ' '), /typed into the report/, 'the report cannot be edited');
    assert.equal(await tab.evaluate((element) => element.classList.contains('dirty')), false, 'never dirty');
    await tab.click({ button: 'middle' });
    await tab.waitFor({ state: 'detached', timeout: 10_000 });
    assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no "save changes?" dialog');
  });
});
