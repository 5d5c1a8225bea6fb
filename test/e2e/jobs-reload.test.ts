/**
 * An o3-pro answer that outlives the window, in the real workbench: the Jobs view lists the
 * running job with its elapsed time, the page reloads while the gateway still works on it, and
 * the answer appears in the inline thread at its code afterwards, asked for once and never cancelled;
 * and a Compare Models tab comes back after a reload with its finished column, the background one filling in.
 */
import * as assert from 'node:assert/strict';
import { start, type Simulator } from '../simulator/simulator';
import {
  answerQuickInput, eventually, findFrame, launchWorkbench, openFile, reasonerActivityItem, runCommand, savedEditorsInclude, selectLines, setApiKeyThroughPalette,
  waitForQuickInput, type Workbench,
} from '../harness/workbench';

const KEY = 'sk-e2e-jobs-5c1d9e7a3b2f';

suite('Workbench: background jobs survive a reload', () => {
  let sim: Simulator;
  let workbench: Workbench;

  suiteSetup(async () => {
    sim = await start();
    workbench = await launchWorkbench({ userSettings: { 'reasoner.baseUrl': sim.baseUrl, 'reasoner.model': 'o3-pro' } });
  });

  suiteTeardown(async () => {
    await workbench?.close();
    await sim?.close();
  });

  test('the Jobs view shows the running o3-pro job with its elapsed time, and its answer appears in the thread after a reload', async () => {
    const { page } = workbench;
    await setApiKeyThroughPalette(page, KEY);
    sim.script({ text: 'Kept across the reload: **Euclidean distance** of two points.', holdJobs: true, usage: { input: 50, output: 1200, reasoning: 1000 } });
    await openFile(page, 'sample.ts');
    await selectLines(page, 6, 4);
    await page.keyboard.press('Shift+End');
    await page.keyboard.press('Control+Alt+E');
    await eventually('the job at the gateway', async () => sim.requests.some((request) => request.route === 'poll'), 60_000);

    // The Jobs view starts collapsed (the chat has the side bar); the running job's count shows on Reasoner's icon.
    const reasonerIcon = reasonerActivityItem(page);
    await eventually('the job count on Reasoner\'s icon', async () => (await reasonerIcon.locator('.badge-content').textContent()) === '1'
      && /1 Reasoner job/.test(await reasonerIcon.getAttribute('aria-label') ?? ''), 15_000);
    await runCommand(page, 'Reasoner: Show Background Jobs');
    const row = page.locator('.monaco-list-row').filter({ hasText: 'Explain · src/sample.ts:6–10' });
    await row.first().waitFor({ timeout: 30_000 });
    const firstSeen = await row.first().textContent() ?? '';
    assert.match(firstSeen, /running \d+:\d\d · o3-pro · Inline thread/);
    await eventually('the elapsed time to move on', async () => {
      const now = await row.first().textContent() ?? '';
      return /running \d+:\d\d/.test(now) && now !== firstSeen;
    }, 15_000);
    await eventually('the job count in the status bar', async () => (await page.locator('.statusbar-item').filter({ hasText: /1 Reasoner job/ }).count()) > 0, 15_000);
    await workbench.screenshot('jobs-view-running');

    await page.reload();
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.statusbar').waitFor({ timeout: 60_000 });
    sim.finishJobs();

    const thread = page.locator('.review-widget').filter({ hasText: 'Kept across the reload' });
    await eventually('the answer in its thread after the reload', async () => (await thread.count()) > 0, 120_000);
    await eventually('the thread to show the whole answer', async () => /Euclidean distance of two points/.test(await thread.first().textContent() ?? ''), 30_000);
    await eventually('no job count on Reasoner\'s icon once the job ended', async () => !(await reasonerIcon.locator('.badge').isVisible()), 15_000);
    await workbench.screenshot('jobs-answer-after-reload');
    assert.equal(sim.requests.filter((request) => request.route === 'responses').length, 1, 'asked once');
    assert.equal(sim.requests.filter((request) => request.route === 'cancel').length, 0, 'the reload cancelled nothing');
  });

  test('a Compare Models tab comes back after a reload with the answer it had, and its o3-pro column completes', async () => {
    const { page } = workbench;
    const asked = sim.requests.length;
    sim.script(
      { forModel: 'openai/o3-pro', text: 'The **o3-pro column**, kept across the reload.', holdJobs: true },
      { forModel: 'o3-mini', text: 'The o3-mini column, answered before the reload.' },
    );
    await openFile(page, 'sample.ts');
    await selectLines(page, 6, 4);
    await runCommand(page, 'Reasoner: Compare Models on Selection');
    await waitForQuickInput(page, 'Compare Models (1/2)');
    // o3-pro, the current model, comes picked; add o3-mini.
    await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'o3-mini' }).first().click();
    await page.locator('.quick-input-widget').filter({ hasText: '2 Selected' }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    await waitForQuickInput(page, 'Compare Models (2/2)');
    await answerQuickInput(page, 'Explain this code.');
    const before = await findFrame(page, '[data-role="column"]');
    await before.locator('[data-role="column"][data-model-id="o3-mini"] [data-role="answer"][data-state="complete"]').waitFor({ timeout: 60_000 });
    await eventually('the o3-pro job at the gateway', async () => sim.requests.slice(asked).some((request) => request.route === 'poll'), 60_000);
    // A reload brings back the tabs the workbench last saved, with the comparison the page keeps in its state.
    await savedEditorsInclude(page, 'comparisonId');

    await page.reload();
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.statusbar').waitFor({ timeout: 60_000 });
    sim.finishJobs();

    const after = await findFrame(page, '[data-role="column"][data-model-id="o3-pro"] [data-role="answer"][data-state="complete"]', 120_000);
    const proColumn = after.locator('[data-role="column"][data-model-id="o3-pro"]');
    assert.match(await proColumn.locator('[data-role="answer-body"]').textContent() ?? '', /The o3-pro column, kept across the reload\./);
    assert.equal(await proColumn.locator('[data-role="answer-body"] strong').first().textContent(), 'o3-pro column', 'rendered as the page renders answers');
    const miniColumn = after.locator('[data-role="column"][data-model-id="o3-mini"]');
    assert.match(await miniColumn.locator('[data-role="answer-body"]').textContent() ?? '', /The o3-mini column, answered before the reload\./);
    await workbench.screenshot('compare-after-reload');
    const sent = sim.requests.slice(asked);
    assert.equal(sent.filter((request) => request.route === 'responses').length, 1, 'o3-pro asked once');
    assert.equal(sent.filter((request) => request.route === 'cancel').length, 0, 'the reload cancelled nothing');
  });
});
