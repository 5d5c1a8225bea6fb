import * as assert from 'node:assert/strict';
import { start, type Simulator } from '../simulator/simulator';
import { answerQuickInput, eventually, launchWorkbench, openFile, runCommand, waitForQuickInput, type Workbench } from '../harness/workbench';

const KEY = 'sk-e2e-0b6d3f1c9a8e7d25';

suite('Workbench: Explain Selection inline', () => {
  let sim: Simulator;
  let workbench: Workbench;

  suiteSetup(async () => {
    sim = await start();
    workbench = await launchWorkbench({ userSettings: { 'reasoner.baseUrl': sim.baseUrl } });
  });

  suiteTeardown(async () => {
    await workbench?.close();
    await sim?.close();
  });

  const widget = () => workbench.page.locator('.review-widget').filter({ hasText: 'Euclidean distance' });

  test('first run without a key: the notification asks for it in a password box, then the request goes on and the answer appears next to the code', async () => {
    const { page } = workbench;
    sim.script({ text: 'It returns the **Euclidean distance** between `a` and `b`.', chunkDelayMs: 30 });
    await openFile(page, 'sample.ts');
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+G');
    await answerQuickInput(page, ':6');
    for (let i = 0; i < 4; i++) await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+End');
    await page.keyboard.press('Control+Alt+E');

    // A toast, or (when the workbench keeps toasts quiet) the same item in the notification center.
    const toast = page.locator('.notification-list-item').filter({ hasText: 'needs your AI/ML API key' }).first();
    await page.locator('.review-widget').filter({ hasText: 'No API key is set' }).waitFor({ timeout: 30_000 });
    if (!(await toast.isVisible())) await runCommand(page, 'Notifications: Show Notifications');
    await toast.waitFor({ timeout: 10_000 });
    assert.equal(sim.requests.length, 0, 'nothing is sent without a key');
    assert.equal(await toast.locator('.monaco-button', { hasText: 'Get a Key' }).count(), 1);
    await toast.locator('.monaco-button', { hasText: 'Set API Key' }).click();

    await waitForQuickInput(page, 'Set API Key');
    const input = page.locator('.quick-input-widget input');
    assert.equal(await input.getAttribute('type'), 'password');
    await input.fill('sk with spaces');
    await eventually('the validation message', async () => /spaces/.test(await page.locator('.quick-input-widget .quick-input-message').textContent() ?? ''));
    await answerQuickInput(page, KEY);

    await widget().waitFor({ timeout: 30_000 });
    await eventually('the thread to finish', async () => /done/.test(await widget().textContent() ?? ''));
    await workbench.screenshot('explain-inline');
    assert.equal(sim.requests.length, 1);
    assert.equal(sim.requests[0].headers.authorization, `Bearer ${KEY}`, 'the key typed in the box was used');
    assert.match(JSON.stringify(sim.requests[0].body), /export function distance/);

    // "Next to the code": the thread sits right below the last selected line (line 10).
    const line10 = page.locator('.editor-instance .monaco-editor .view-line').filter({ hasText: 'return Math.sqrt' }).first();
    const lineBox = await line10.boundingBox();
    const widgetBox = await widget().boundingBox();
    assert.ok(lineBox && widgetBox);
    assert.ok(widgetBox.y >= lineBox.y && widgetBox.y - (lineBox.y + lineBox.height) < 60, `thread at y=${widgetBox.y}, line at y=${lineBox.y}`);
    assert.match(await widget().textContent() ?? '', /o3-mini · medium/);
    assert.equal(await widget().locator('strong', { hasText: 'Euclidean distance' }).count(), 1, 'markdown is rendered');
  });

  test('a reply in the thread continues the conversation', async () => {
    const { page } = workbench;
    sim.script({ text: 'Use `Math.hypot(dx, dy)`.' });
    // The reply box starts as a button, or already open as a small editor.
    const replyButton = widget().locator('.review-thread-reply-button');
    if (await replyButton.isVisible()) await replyButton.click();
    else await widget().locator('.comment-form .monaco-editor').click();
    await page.keyboard.type('Can it be shorter?');
    await page.keyboard.press('Control+Enter');
    await page.locator('.review-widget').filter({ hasText: 'Math.hypot' }).waitFor({ timeout: 30_000 });
    const messages = (sim.requests[1].body as { messages: { role: string; content: unknown }[] }).messages;
    assert.equal(messages.at(-1)!.content, 'Can it be shorter?');
    assert.equal(messages.at(-2)!.role, 'assistant');
    await workbench.screenshot('explain-inline-reply');
  });

  test('explaining a whole long file scrolls the thread into view, and the status bar says where it is', async () => {
    const { page } = workbench;
    sim.script({ text: 'Sixty small steps, each adding its own number.', firstByteDelayMs: 1500 });
    await openFile(page, 'long.ts');
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Control+A');
    const firstLine = page.locator('.editor-instance .monaco-editor .view-line').filter({ hasText: 'A long file' }).first();
    assert.ok(await firstLine.isVisible(), 'the top of the file is what the editor shows');
    await page.keyboard.press('Control+Alt+E');
    await page.locator('.statusbar').filter({ hasText: /Reasoner is answering below src\/long\.ts:24\d\. Alt\+F9 goes to the thread\./ }).first().waitFor({ timeout: 10_000 });
    const thread = page.locator('.review-widget').filter({ hasText: 'Sixty small steps' });
    await thread.waitFor({ state: 'visible', timeout: 30_000 });
    const editorBox = await page.locator('.editor-instance .monaco-editor').first().boundingBox();
    const threadBox = await thread.boundingBox();
    assert.ok(editorBox && threadBox);
    assert.ok(threadBox.y >= editorBox.y && threadBox.y < editorBox.y + editorBox.height - 40, `thread at y=${threadBox.y}, editor ${editorBox.y}–${editorBox.y + editorBox.height}`);
    await workbench.screenshot('explain-whole-file');
    await runCommand(page, 'Comments: Collapse All Comments');
  });
});
