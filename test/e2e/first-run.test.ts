/**
 * A newcomer's first run in the try-it sandbox, as a person sees it: the sandbox opens on
 * the sample's README with the three things to try (no empty panel beside it), the key is
 * set, a whole file is explained, and the answer's text is on screen without scrolling,
 * the editor keeping its height (no Comments panel opened over it).
 */
import * as assert from 'node:assert/strict';
import { sandboxSettings } from '../harness/sandbox';
import { start, type Simulator } from '../simulator/simulator';
import { eventually, explainProblemFromLightBulb, findFrame, launchWorkbench, openFile, reasonerActivityItem, setApiKeyThroughPalette, type Workbench } from '../harness/workbench';

/** Monaco draws spaces as no-break spaces. */
const editorText = (text: string | null): string => (text ?? '').replace(/\u00a0/g, ' ');

suite('Workbench: a newcomer\'s first run in the sandbox', () => {
  let sim: Simulator;
  let workbench: Workbench;

  suiteSetup(async () => {
    sim = await start({ port: 0, demo: true });
    workbench = await launchWorkbench({ fixture: 'sandbox', userSettings: sandboxSettings(sim.baseUrl), openFile: 'README.md' });
  });

  suiteTeardown(async () => {
    await workbench?.close();
    await sim?.close();
  });

  test('opens on the README with the three things to try; explaining a whole file shows the answer\'s text on screen, the editor keeping its height', async () => {
    const { page } = workbench;
    const readme = page.locator('.editor-instance .monaco-editor .view-lines').first();
    await eventually('the README', async () => /## Three things to try/.test(editorText(await readme.textContent())), 60_000);
    // The editor renders its lines again while the workbench settles: read them until they hold still.
    for (const item of ['**Explain code.**', '**Explain a problem, get a fix.**', '**Compare the models.**']) {
      await eventually(`${item} on screen`, async () => {
        const editorBox = await page.locator('.editor-instance .monaco-editor').first().boundingBox();
        const lines = readme.locator('.view-line');
        const index = (await lines.allTextContents()).findIndex((text) => editorText(text).includes(item));
        const line = index >= 0 ? await lines.nth(index).boundingBox() : null;
        return line && editorBox && line.y + line.height <= editorBox.y + editorBox.height;
      }, 15_000);
    }
    assert.equal(await page.locator('.part.auxiliarybar').isVisible(), false, 'no empty side bar beside the README');
    await workbench.screenshot('first-run-readme');

    await setApiKeyThroughPalette(page, 'sk-sandbox-anything');
    await openFile(page, 'geometry.ts');
    const editorPart = page.locator('.part.editor');
    const editorHeight = (await editorPart.boundingBox())?.height ?? 0;
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Control+Alt+E');

    const thread = page.locator('.review-widget').filter({ hasText: 'is TypeScript code that defines' });
    await eventually('the explanation to finish', async () => /done/.test(await thread.first().textContent() ?? ''), 60_000);
    await workbench.screenshot('first-run-explained');
    const answer = thread.locator('.comment-body p').filter({ hasText: 'is TypeScript code that defines' }).first();
    const box = await answer.boundingBox();
    const editor = await page.locator('.editor-instance .monaco-editor').first().boundingBox();
    assert.ok(box && editor, 'the answer and the editor are on the page');
    assert.ok(box.y >= editor.y && box.y + box.height <= editor.y + editor.height, `the answer's first paragraph (y ${box.y}..${box.y + box.height}) is inside the editor (y ${editor.y}..${editor.y + editor.height})`);
    // The whole thread, down to its reply box, is on screen too: nothing of it waits below the fold.
    const whole = await thread.first().boundingBox();
    assert.ok(whole && whole.y >= editor.y && whole.y + whole.height <= editor.y + editor.height + 1, `the thread (y ${whole?.y}..${(whole?.y ?? 0) + (whole?.height ?? 0)}) is inside the editor`);
    assert.equal(await page.locator('.part.panel').isVisible(), false, 'no Comments panel opened under the editor');
    assert.equal((await editorPart.boundingBox())?.height, editorHeight, 'the editor kept its height');
  });

  test('the chat\'s model and effort pickers show their whole names at the sidebar\'s default width', async () => {
    const { page } = workbench;
    await reasonerActivityItem(page).locator('a').click();
    const frame = await findFrame(page, '#effort-picker');
    await frame.locator('#model-picker option').first().waitFor({ state: 'attached' });
    const sidebar = await page.locator('.part.sidebar').boundingBox();
    const sidebarWidth = sidebar?.width ?? 0;
    // The chat has the side bar: the Jobs view, empty on a first run, is only its collapsed header below it.
    assert.equal(await page.locator('.part.sidebar .pane-header[aria-label="Jobs Section"]').getAttribute('aria-expanded'), 'false');
    const chatPane = await page.locator('.part.sidebar .pane').filter({ has: page.locator('.pane-header[aria-label="Chat Section"]') }).boundingBox();
    assert.ok(sidebar && chatPane && chatPane.height >= sidebar.height * 0.85, `the chat is ${chatPane?.height}px of the side bar's ${sidebar?.height}px`);
    // Each picker against a copy of itself laid out with no width limit: narrower means its name is cut short.
    const widths = await frame.evaluate(() => ['model-picker', 'effort-picker'].map((id) => {
      const picker = document.getElementById(id) as HTMLSelectElement;
      const free = picker.cloneNode(true) as HTMLSelectElement;
      free.value = picker.value;
      free.style.position = 'absolute';
      free.style.width = 'max-content';
      free.style.maxWidth = 'none';
      document.body.append(free);
      const natural = free.getBoundingClientRect().width;
      free.remove();
      return { id, text: picker.selectedOptions[0]?.textContent ?? '', shown: picker.getBoundingClientRect().width, natural };
    }));
    await workbench.screenshot('first-run-chat');
    for (const picker of widths) {
      assert.ok(picker.text.length > 1, `${picker.id} has a choice`);
      assert.ok(picker.shown >= picker.natural - 0.5, `${picker.id} "${picker.text}" is ${picker.shown}px wide, needs ${picker.natural}px (sidebar ${sidebarWidth}px)`);
    }
  });

  test('Explain This Problem on cart.ts, from the light bulb, ends with a Suggested fix that opens as a diff', async () => {
    const { page } = workbench;
    await explainProblemFromLightBulb(page, 'cart.ts', ':12:7');
    const thread = page.locator('.review-widget').filter({ hasText: 'is declared as a' });
    await eventually('the explanation to finish', async () => /done/.test(await thread.first().textContent() ?? ''), 60_000);
    assert.match(await thread.first().textContent() ?? '', /Suggested fix/);
    const diffTab = page.locator('.tabs-container .tab').filter({ hasText: 'suggested fix' });
    await diffTab.first().waitFor({ timeout: 15_000 });
    await eventually('the fixed line in the diff', async () => /let sum: number = 0;/.test(editorText(await page.locator('.monaco-diff-editor').first().textContent())), 15_000);
    await workbench.screenshot('first-run-problem-fix');
  });
});
