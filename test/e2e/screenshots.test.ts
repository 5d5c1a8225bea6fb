/**
 * The README's pictures, made in the real workbench from the sandbox's demonstration
 * answers: explain inline, the chat with a code answer, the model picker, Compare
 * Models, the Usage page's chart and the Jobs view. Every
 * end-to-end run makes them (into test-results/screenshots) and checks they are small;
 * `npm run screenshots` writes them to docs/images for the README.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import { REPO_ROOT } from '../harness/codeServer';
import {
  answerQuickInput, eventually, findFrame, launchWorkbench, openFile, runCommand, selectLines, waitForQuickInput, setApiKeyThroughPalette, type Workbench,
} from '../harness/workbench';
import { start, type Simulator } from '../simulator/simulator';

const OUT = process.env.REASONER_SCREENSHOTS_DIR ?? path.join(REPO_ROOT, 'test-results', 'screenshots');
const MAX_BYTES = 250 * 1024;

suite('Workbench: the README\'s screenshots', () => {
  let sim: Simulator;
  let workbench: Workbench;

  suiteSetup(async () => {
    sim = await start({ demo: true });
    workbench = await launchWorkbench({ fixture: 'sandbox', userSettings: { 'reasoner.baseUrl': sim.baseUrl, 'workbench.colorTheme': 'Default Dark Modern' } });
    fs.mkdirSync(OUT, { recursive: true });
    await setApiKeyThroughPalette(workbench.page, 'sk-sandbox-screenshots');
  });

  suiteTeardown(async () => {
    await workbench?.close();
    await sim?.close();
  });

  /** A PNG of a region of the page, kept small. */
  async function shoot(name: string, region: Locator): Promise<void> {
    const box = await region.boundingBox();
    assert.ok(box, `${name}: the region is on screen`);
    const file = path.join(OUT, `${name}.png`);
    await workbench.page.screenshot({ path: file, clip: box });
    const size = fs.statSync(file).size;
    assert.ok(size > 5_000 && size < MAX_BYTES, `${name}.png is ${size} bytes`);
  }

  test('explain inline: the demonstration answer next to the code', async () => {
    const { page } = workbench;
    await openFile(page, 'geometry.ts');
    await selectLines(page, 6, 4);
    await page.keyboard.press('Shift+End');
    await page.keyboard.press('Control+Alt+E');
    const thread = page.locator('.review-widget').filter({ hasText: 'How it works' });
    await eventually('the explanation to finish', async () => /done/.test(await thread.first().textContent() ?? ''), 60_000);
    await shoot('explain-inline', page.locator('.part.editor'));
    await runCommand(page, 'Comments: Collapse All Comments');
  });

  test('the chat with a code answer', async () => {
    const { page } = workbench;
    await runCommand(page, 'Reasoner: Open Chat');
    const frame = await findFrame(page, '[aria-label="Message Reasoner"]');
    await frame.locator('#add-file').click();
    await frame.locator('[data-role="context-chip"]').first().waitFor();
    await frame.locator('[aria-label="Message Reasoner"]').click();
    await page.keyboard.type('How do I use distance() from another module?');
    await page.keyboard.press('Enter');
    const answer = frame.locator('[data-role="answer"]').last();
    await eventually('the answer to finish', async () => (await answer.getAttribute('data-state')) === 'complete', 60_000);
    assert.ok(await answer.locator('pre code').count() >= 1, 'the answer has a code block');
    await shoot('chat-code-answer', page.locator('.part.sidebar'));
  });

  test('the model picker', async () => {
    const { page } = workbench;
    await page.locator('.statusbar-item').filter({ hasText: 'o3-mini · medium' }).first().click();
    await waitForQuickInput(page, 'Select Model');
    await eventually('the four models', async () => (await page.locator('.quick-input-list .monaco-list-row').count()) >= 4);
    await shoot('model-picker', page.locator('.quick-input-widget'));
    await page.keyboard.press('Escape');
  });

  test('compare models: two answers side by side with their time, tokens and cost', async () => {
    const { page } = workbench;
    await openFile(page, 'geometry.ts');
    await selectLines(page, 6, 4);
    await page.keyboard.press('Shift+End');
    await runCommand(page, 'Reasoner: Compare Models on Selection');
    await waitForQuickInput(page, 'Compare Models (1/2)');
    // o3-mini, the current model, comes picked; add o3.
    await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'Strong general reasoning' }).click();
    await page.locator('.quick-input-widget').filter({ hasText: '2 Selected' }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    await waitForQuickInput(page, 'Compare Models (2/2)');
    await answerQuickInput(page, 'Explain this code.');
    const frame = await findFrame(page, '[data-role="column"]');
    for (const model of ['o3-mini', 'o3']) {
      const column = frame.locator(`[data-role="column"][data-model-id="${model}"]`);
      await column.locator('[data-role="answer"][data-state="complete"]').waitFor({ timeout: 60_000 });
      assert.match(await column.locator('[data-role="usage"]').textContent() ?? '', /in · .* out · .*\$\d/, `${model} shows tokens and cost`);
    }
    await shoot('compare-models', page.locator('.part.editor'));
  });

  test('the Usage page: spend by day against the budget line, by model and by entry point', async () => {
    const { page } = workbench;
    await runCommand(page, 'Reasoner: Show Usage');
    const frame = await findFrame(page, '[data-role="daily-chart"]');
    await frame.locator('[data-role="by-model"] tr').first().waitFor();
    await shoot('usage-chart', page.locator('.part.editor'));
  });

  test('the Jobs view: an o3-pro answer running at the gateway, with its elapsed time and cost estimate', async () => {
    const { page } = workbench;
    sim.script({ forModel: 'openai/o3-pro', text: 'Kept as a background job.', holdJobs: true });
    await page.locator('.statusbar-item').filter({ hasText: 'o3-mini · medium' }).first().click();
    await waitForQuickInput(page, 'Select Model');
    await eventually('the four models', async () => (await page.locator('.quick-input-list .monaco-list-row').count()) >= 4);
    await answerQuickInput(page, 'o3-pro');
    await waitForQuickInput(page, 'Reasoning Effort');
    await answerQuickInput(page, 'medium');
    await page.locator('.statusbar-item').filter({ hasText: 'o3-pro' }).first().waitFor({ timeout: 30_000 });
    await openFile(page, 'geometry.ts');
    await selectLines(page, 6, 4);
    await page.keyboard.press('Control+Alt+E');
    await runCommand(page, 'Reasoner: Show Background Jobs');
    const row = page.locator('.monaco-list-row').filter({ hasText: /Explain · .*geometry\.ts/ }).filter({ hasText: /running \d+:\d\d/ });
    await row.first().waitFor({ timeout: 60_000 });
    await shoot('jobs-view', page.locator('.part.sidebar'));
    sim.finishJobs();
  });
});
