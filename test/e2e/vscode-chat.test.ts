/**
 * VS Code's own Chat view in code-server 4.139.1 (its bundled chat): what a
 * user sees of Reasoner there. The models' answers and @reasoner's are
 * tested through the API in the integration suite; this checks the workbench
 * shows them, and records what the Chat view itself allows.
 */
import * as assert from 'node:assert/strict';
import { answerQuickInput, eventually, launchWorkbench, openFile, runCommand, waitForQuickInput, type Workbench } from '../harness/workbench';
import { start, type Simulator } from '../simulator/simulator';

const CHAT_INPUT = '.interactive-input-part';

suite('Workbench: VS Code\'s Chat view', () => {
  let sim: Simulator;
  let workbench: Workbench | undefined;

  suiteSetup(async () => {
    sim = await start();
  });

  teardown(async function () {
    if (this.currentTest?.state === 'failed') await workbench?.screenshot(`failed-vscode-chat-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}`);
    await workbench?.close();
    workbench = undefined;
  });

  suiteTeardown(async () => {
    await sim?.close();
  });

  async function openChat(settings: Record<string, unknown>): Promise<Workbench> {
    workbench = await launchWorkbench({ userSettings: { 'reasoner.baseUrl': sim.baseUrl, 'chat.disableAIFeatures': false, ...settings } });
    const { page } = workbench;
    await runCommand(page, 'Reasoner: Set API Key');
    await waitForQuickInput(page, 'Set API Key');
    await answerQuickInput(page, 'sk-e2e-vscode-chat-5b81');
    await openFile(page, 'sample.ts');
    await runCommand(page, 'Chat: Open Chat');
    await page.locator(CHAT_INPUT).first().waitFor({ timeout: 30_000 });
    return workbench;
  }

  async function openModelPicker(page: Workbench['page'], label: string): Promise<string[]> {
    await page.locator(CHAT_INPUT).getByText(label, { exact: true }).first().click();
    const rows = page.locator('.action-widget .monaco-list-row');
    await rows.first().waitFor({ timeout: 10_000 });
    return rows.allInnerTexts();
  }

  test('@reasoner and its four commands are offered in the chat input', async () => {
    const { page } = await openChat({});
    await page.locator(`${CHAT_INPUT} .monaco-editor`).first().click();
    await page.keyboard.type('@reasoner /');
    const suggestions = await eventually('the command suggestions', async () => {
      const texts = await page.locator('.suggest-widget .monaco-list-row').allInnerTexts();
      return texts.length >= 4 ? texts.join('\n') : undefined;
    }, 15_000);
    for (const command of ['explain', 'bugs', 'tests', 'refactor']) assert.match(suggestions, new RegExp(`/${command}`), suggestions);
    await workbench!.screenshot('vscode-chat-participant');
  });

  test('without a sign-in the model picker offers only the sign-in; with chat.allowAnonymousAccess the four models are listed under Manage Models', async () => {
    const signedOut = await openChat({});
    const offered = await openModelPicker(signedOut.page, 'Models');
    assert.ok(offered.some((row) => /Sign in/.test(row)) && !offered.some((row) => /o3|o1|Manage Models/.test(row)), offered.join(' | '));
    await signedOut.close();
    workbench = undefined;

    const { page } = await openChat({ 'chat.allowAnonymousAccess': true });
    const rows = await openModelPicker(page, 'Auto');
    assert.ok(!rows.some((row) => /o3/.test(row)), `models without tool calling are not in the Agent picker: ${rows.join(' | ')}`);
    await page.locator('.action-widget .monaco-list-row').filter({ hasText: 'Manage Models' }).first().click();
    const table = page.locator('.models-model-row');
    await eventually('the Reasoner models in the Language Models editor', async () => (await table.count()) >= 4, 15_000);
    const models = await page.locator('.monaco-list-row[aria-label*="Reasoner"]').evaluateAll((rows) => rows.map((row) => row.getAttribute('aria-label') ?? ''));
    assert.deepEqual(models.map((label) => label.split(' from ')[0]), ['o1', 'o3', 'o3-mini', 'o3-pro']);
    assert.ok(models.every((label) => /Context size: 200K tokens/.test(label)), models.join('\n'));
    const visionOf = async (name: string) =>
      (await page.locator(`.monaco-list-row[aria-label^="${name} from Reasoner"] .model-capabilities`).first().innerText()).includes('Vision');
    assert.deepEqual(await Promise.all(['o1', 'o3', 'o3-mini', 'o3-pro'].map(visionOf)), [true, true, false, true]);
    await workbench!.screenshot('vscode-chat-models');
  });
});
