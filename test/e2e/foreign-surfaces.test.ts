import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { start, type Simulator } from '../simulator/simulator';
import { answerQuickInput, launchWorkbench, openFile, runCommand, waitForQuickInput, setApiKeyThroughPalette, type Workbench } from '../harness/workbench';

const KEY = 'sk-e2e-surfaces-5b1e93c7';
const HOSTILE_FILE = '[Cancel](command:reasoner.cancelAll).py';

suite('Workbench: foreign text on VS Code\'s own surfaces', () => {
  let sim: Simulator;
  let workbench: Workbench;

  suiteSetup(async () => {
    sim = await start();
    workbench = await launchWorkbench({
      userSettings: {
        'reasoner.baseUrl': sim.baseUrl,
        'reasoner.prompts': [{ name: 'Describe the file', prompt: 'Describe ${fileName}.\n\n${selection}', output: 'document' }],
      },
    });
    fs.writeFileSync(path.join(workbench.folder, 'src', HOSTILE_FILE), 'def cancel():\n    return True\n');
    await setApiKeyThroughPalette(workbench.page, KEY);
  });

  suiteTeardown(async () => {
    await workbench?.close();
    await sim?.close();
  });

  test('a file named as a command link shows as text in the progress of a prompt run on it, never as a link', async () => {
    const { page } = workbench;
    sim.script({ text: 'A function that always cancels, whatever it is asked, and says so.', deltaSize: 1, chunkDelayMs: 500 });
    await openFile(page, 'Cancel');
    await runCommand(page, 'Reasoner: Run Custom Prompt');
    await waitForQuickInput(page, 'Run Custom Prompt');
    await answerQuickInput(page, 'Describe the file');
    await page.locator('.editor-instance .monaco-editor .view-lines').filter({ hasText: 'always cancels' }).waitFor({ timeout: 30_000 });
    // A toast, or (when the workbench keeps toasts quiet) the same item in the notification center.
    const progress = page.locator('.notification-list-item').filter({ hasText: 'Describe' }).first();
    if (!(await progress.isVisible())) await page.locator('[id="status.notifications"]').click();
    await progress.waitFor({ timeout: 10_000 });
    const [message, links] = await Promise.all([progress.innerText(), progress.locator('.notification-list-item-message a').evaluateAll((found) => found.map((a) => a.outerHTML))]);
    assert.deepEqual(links, [], 'no link in the progress line');
    assert.ok(message.replace(/\u2060/g, '').includes(HOSTILE_FILE), `the file name is there as text: ${message}`);
    assert.match(message, /def cancel\(\)/, 'the prompt, selection and all, is the progress line');
  });
});
