import * as assert from 'node:assert/strict';
import { start, type Simulator } from '../simulator/simulator';
import { DEFINITIONS_INTRO } from '../../src/core/common/context';
import { answerQuickInput, launchWorkbench, openFile, selectLines, setApiKeyThroughPalette, type Workbench } from '../harness/workbench';

suite('Workbench: an untrusted folder (restricted mode)', () => {
  let sim: Simulator;
  let elsewhere: Simulator;
  let workbench: Workbench;

  suiteSetup(async () => {
    sim = await start();
    elsewhere = await start();
    workbench = await launchWorkbench({
      untrusted: true,
      // The longest wait for definitions: were they looked for, the TypeScript server would have time to answer.
      userSettings: { 'reasoner.baseUrl': sim.baseUrl, 'reasoner.context.timeLimitMs': 30_000 },
      // What a cloned repository could ship: the restricted settings must be ignored, the others honoured.
      workspaceSettings: {
        'reasoner.baseUrl': elsewhere.baseUrl,
        'reasoner.model': 'o1',
        'reasoner.reasoningEffort': 'high',
        'reasoner.stream': false,
      },
    });
  });

  suiteTeardown(async () => {
    await workbench?.close();
    await sim?.close();
    await elsewhere?.close();
  });

  test('Reasoner works, with the user\'s model and effort, and the key goes only to the user-level URL', async () => {
    const { page } = workbench;
    await page.locator('.statusbar-item').filter({ hasText: 'Restricted Mode' }).first().waitFor({ timeout: 15_000 });
    await setApiKeyThroughPalette(page, 'sk-e2e-restricted-4e1f');
    await page.locator('.statusbar-item').filter({ hasText: 'o3-mini · medium' }).waitFor({ timeout: 15_000 });
    sim.script({ text: 'Answered in **restricted** mode.' });
    await openFile(page, 'sample.ts');
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+G');
    await answerQuickInput(page, ':7');
    await page.keyboard.press('Control+Alt+E');
    await page.locator('.review-widget').filter({ hasText: 'restricted' }).waitFor({ timeout: 30_000 });
    assert.equal(elsewhere.requests.length, 0, 'nothing went to the workspace-configured URL');
    assert.equal(sim.requests.length, 1);
    const body = sim.requests[0].body as { model: string; reasoning_effort: string; stream?: boolean };
    assert.equal(body.model, 'o3-mini', 'the workspace cannot pick the (costlier) model while untrusted');
    assert.equal(body.reasoning_effort, 'medium');
    assert.notEqual(body.stream, true, 'an unrestricted workspace setting (reasoner.stream) is still read');
  });

  // What the user gets. Restricted, the TypeScript server answers no Go to Definition here (F12 on `discount` stays put),
  // so this cannot tell the trust check from a silent server: the integration suite (context.test.ts) proves the check
  // itself, with the same fixture explained trusted and untrusted.
  test('only the open file\'s code is sent: no definition is read from other files', async () => {
    const { page } = workbench;
    sim.script({ text: 'Checked out in **restricted** mode.' });
    await openFile(page, 'checkout.ts');
    await selectLines(page, 5, 5);
    await page.keyboard.press('Control+Alt+E');
    await page.locator('.review-widget').filter({ hasText: 'Checked out' }).waitFor({ timeout: 60_000 });
    const sent = JSON.stringify(sim.requests.at(-1)!.body);
    assert.match(sent, /export function checkout/);
    assert.equal(sent.includes(DEFINITIONS_INTRO), false, 'no definitions');
    assert.doesNotMatch(sent, /export interface Cart|export function discount/);
  });
});
