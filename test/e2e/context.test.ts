import * as assert from 'node:assert/strict';
import { start, type Simulator } from '../simulator/simulator';
import { answerQuickInput, eventually, findFrame, waitForQuickInput, launchWorkbench, openFile, selectLines, setApiKeyThroughPalette, type Workbench } from '../harness/workbench';

const COMPOSER = '[aria-label="Message Reasoner"]';

suite('Workbench: the definitions sent along are shown', () => {
  let sim: Simulator;
  let workbench: Workbench;

  suiteSetup(async () => {
    sim = await start();
    // A loaded machine starts the TypeScript server slowly: the limit is the longest wait, not a delay.
    workbench = await launchWorkbench({ userSettings: {
      'reasoner.baseUrl': sim.baseUrl, 'reasoner.context.timeLimitMs': 60_000,
      // Ask every time: the inline requests show the picker (the chat's chips are its own way to leave one out).
      'reasoner.context.mode': 'ask',
    } });
    await setApiKeyThroughPalette(workbench.page, 'sk-e2e-context-7d2a9c4e1b');
  });

  suiteTeardown(async () => {
    await workbench?.close();
    await sim?.close();
  });

  /**
   * Go to Definition on `discount`, as a person would, until it lands in pricing.ts: the
   * TypeScript server then answers from the whole project (while it loads, it stops at the import).
   */
  async function typeScriptReady(): Promise<void> {
    const { page } = workbench;
    await openFile(page, 'checkout.ts');
    await eventually('Go to Definition to reach pricing.ts', async () => {
      await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
      await page.keyboard.press('Control+G');
      await answerQuickInput(page, ':8:16');
      await page.keyboard.press('F12');
      const arrived = await page.locator('.tabs-container .tab.active').filter({ hasText: 'pricing.ts' }).waitFor({ timeout: 5_000 }).then(() => true, () => false);
      if (!arrived) await openFile(page, 'checkout.ts');
      return arrived;
    }, 120_000);
  }

  test('the inline thread lists each definition sent, by file, lines and symbol', async () => {
    const { page } = workbench;
    await typeScriptReady();
    sim.script({ text: 'It totals the cart, then applies the **coupon**.' });
    await openFile(page, 'checkout.ts');
    await selectLines(page, 5, 5);
    await page.keyboard.press('Control+Alt+E');
    await waitForQuickInput(page, 'definitions sent with the code');
    await page.locator('.quick-input-widget').filter({ hasText: '2 Selected' }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    const thread = page.locator('.review-widget').filter({ hasText: 'coupon' });
    await thread.waitFor({ timeout: 90_000 });
    const prompt = thread.locator('.review-comment').first();
    await prompt.filter({ hasText: 'Definitions sent along' }).waitFor({ timeout: 10_000 });
    const listed = await prompt.locator('code').allTextContents();
    assert.deepEqual(listed.filter((label) => label.includes('·')), ['model.ts:2-5 · Cart', 'pricing.ts:5-7 · discount']);
    await workbench.screenshot('context-inline');
  });

  test('in the chat each definition is a removable chip next to the selection', async () => {
    const { page } = workbench;
    await openFile(page, 'checkout.ts');
    await selectLines(page, 5, 5);
    await page.keyboard.press('Control+Alt+L');
    const frame = await findFrame(page, COMPOSER);
    const definitions = frame.locator('[data-role="context-chip"][data-context-kind="definition"]');
    await definitions.nth(1).waitFor({ timeout: 60_000 });
    assert.deepEqual(await definitions.locator('.chip-label').allTextContents(), ['model.ts:2-5 · Cart', 'pricing.ts:5-7 · discount']);
    assert.equal(await definitions.locator('button.chip-remove').count(), 2);
    await definitions.first().locator('button.chip-remove').click();
    await definitions.nth(1).waitFor({ state: 'detached', timeout: 10_000 });
    assert.deepEqual(await definitions.locator('.chip-label').allTextContents(), ['pricing.ts:5-7 · discount']);
    await workbench.screenshot('context-chat-chips');
  });

  test('asked every time: a definition unticked in the picker is not sent, nor listed', async () => {
    const { page } = workbench;
    sim.script({ text: 'Only the **helper** went along.' });
    await openFile(page, 'checkout.ts');
    await selectLines(page, 5, 5);
    await page.keyboard.press('Control+Alt+E');
    await waitForQuickInput(page, 'definitions sent with the code');
    const rows = page.locator('.quick-input-list .monaco-list-row');
    assert.deepEqual((await rows.allTextContents()).map((row) => row.replace(/\s+/g, ' ').trim()).filter(Boolean).length, 2);
    await rows.filter({ hasText: 'Cart' }).click();
    await page.locator('.quick-input-widget').filter({ hasText: '1 Selected' }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    const thread = page.locator('.review-widget').filter({ hasText: 'helper' });
    await thread.waitFor({ timeout: 60_000 });
    const sent = JSON.stringify(sim.requests.at(-1)!.body);
    assert.match(sent, /Definition of `discount`/);
    assert.doesNotMatch(sent, /Definition of `Cart`|export interface Cart/);
    const listed = await thread.locator('.review-comment').first().locator('code').allTextContents();
    assert.deepEqual(listed.filter((label) => label.includes('·')), ['pricing.ts:5-7 · discount']);
  });
});
