import * as assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { start, type Simulator } from '../simulator/simulator';
import {
  answerQuickInput, eventually, findFrame, launchWorkbench, openFile, runCommand, waitForQuickInput, setApiKeyThroughPalette, type Workbench,
} from '../harness/workbench';

const KEY = 'sk-e2e-models-71c2e0d9';

suite('Workbench: model picker, reasoning summary, clearing the key, themes', () => {
  let sim: Simulator;
  let workbench: Workbench;

  suiteSetup(async () => {
    sim = await start();
    workbench = await launchWorkbench({ userSettings: { 'reasoner.baseUrl': sim.baseUrl, 'reasoner.backgroundMode': false } });
    await setApiKeyThroughPalette(workbench.page, KEY);
  });

  suiteTeardown(async () => {
    await workbench?.close();
    await sim?.close();
  });

  test('the status bar item opens the model picker; the choice shows there and reaches the next request', async () => {
    const { page } = workbench;
    const item = page.locator('.statusbar-item').filter({ hasText: 'o3-mini · medium' });
    await item.waitFor({ timeout: 15_000 });
    await item.click();
    await waitForQuickInput(page, 'Select Model');
    const rows = page.locator('.quick-input-list .monaco-list-row');
    await eventually('the four models', async () => (await rows.count()) >= 4);
    const pro = rows.filter({ hasText: 'o3-pro' });
    assert.match(await pro.textContent() ?? '', /responses API/);
    assert.match(await pro.textContent() ?? '', /minutes per answer/);
    await answerQuickInput(page, 'o3-pro');
    await waitForQuickInput(page, 'Reasoning Effort');
    await answerQuickInput(page, 'high');
    await page.locator('.statusbar-item').filter({ hasText: 'o3-pro · high' }).waitFor({ timeout: 10_000 });
  });

  test('o3-pro streams its reasoning summary, hidden above the answer until the answer\'s toolbar shows it', async () => {
    const { page } = workbench;
    sim.script({ text: 'The **answer** after deep thought.', reasoning: ['Compared the two points.', 'Checked the square root.'], chunkDelayMs: 20 });
    await openFile(page, 'sample.ts');
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+G');
    await answerQuickInput(page, ':7');
    await page.keyboard.press('Control+Alt+E');
    const widget = page.locator('.review-widget').filter({ hasText: 'deep thought' });
    await widget.waitFor({ timeout: 30_000 });
    await eventually('the thread to finish', async () => /done/.test(await widget.textContent() ?? ''));
    const request = sim.requests.at(-1)!;
    assert.equal(request.path, '/v1/responses');
    assert.deepEqual((request.body as { reasoning: unknown }).reasoning, { effort: 'high', summary: 'auto' });
    assert.equal(await widget.locator('details').count(), 0, 'no HTML in a model answer');
    assert.doesNotMatch(await widget.innerText(), /Checked the square root/, 'the summary starts hidden');
    assert.match(await widget.innerText(), /Reasoning summary hidden/);
    assert.match(await widget.textContent() ?? '', /o3-pro · high/);
    // The answer's toolbar shows it (an action of the comment, not a link in model text).
    const show = widget.locator('[aria-label="Show Reasoning Summary"]').first();
    await widget.locator('.review-comment').filter({ hasText: 'deep thought' }).hover();
    await show.click();
    await eventually('the summary to show', async () => /Compared the two points\.\s*Checked the square root/.test(await widget.innerText()));
    await workbench.screenshot('o3-pro-reasoning-summary');
    const hide = widget.locator('[aria-label="Hide Reasoning Summary"]').first();
    await widget.locator('.review-comment').filter({ hasText: 'deep thought' }).hover();
    await hide.click();
    await eventually('the summary to hide again', async () => !/Checked the square root/.test(await widget.innerText()));
  });

  test('Clear API Key asks first; after it, requests ask for a key again', async () => {
    const { page } = workbench;
    await runCommand(page, 'Reasoner: Clear API Key');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 10_000 });
    assert.match(await dialog.textContent() ?? '', /Remove your AI\/ML API key/);
    await dialog.locator('.monaco-button', { hasText: 'Remove Key' }).click();
    const before = sim.requests.length;
    await runCommand(page, 'Reasoner: Open Chat');
    const frame = await findFrame(page, '[aria-label="Message Reasoner"]');
    await frame.locator('[aria-label="Message Reasoner"]').fill('Anyone there?');
    await frame.locator('[aria-label="Message Reasoner"]').press('Enter');
    await frame.locator('[data-role="answer"][data-state="error"]').last().waitFor({ timeout: 15_000 });
    assert.match(await frame.locator('[data-role="answer"]').last().textContent() ?? '', /No API key/);
    assert.equal(sim.requests.length, before, 'nothing was sent without a key');
  });

  test('the chat follows the color theme: dark and high contrast', async () => {
    const { page } = workbench;
    const frame = await findFrame(page, '[aria-label="Message Reasoner"]');
    const luminance = async (target: Frame) => target.evaluate(() => {
      const [r, g, b] = getComputedStyle(document.body).color.match(/\d+/g)!.map(Number);
      return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    });
    assert.ok(await luminance(frame) < 0.5, 'dark text on the light theme');
    for (const theme of ['Dark Modern', 'Dark High Contrast']) {
      await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+T');
      await page.locator('.quick-input-widget input[placeholder*="Color Theme"]').waitFor({ timeout: 15_000 });
      await answerQuickInput(page, theme);
      await eventually(`light text on ${theme}`, async () => (await luminance(await findFrame(page, '[aria-label="Message Reasoner"]'))) > 0.6);
      await workbench.screenshot(`chat-theme-${theme.replace(/\W+/g, '-').toLowerCase()}`);
    }
  });
});
