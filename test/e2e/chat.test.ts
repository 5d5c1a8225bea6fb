import * as assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { start, type Simulator } from '../simulator/simulator';
import {
  eventually, findFrame, launchWorkbench, openFile, runCommand, selectLines, type Workbench, setApiKeyThroughPalette,
} from '../harness/workbench';

const COMPOSER = '[aria-label="Message Reasoner"]';

suite('Workbench: the chat sidebar', () => {
  let sim: Simulator;
  let workbench: Workbench;

  suiteSetup(async () => {
    sim = await start();
    workbench = await launchWorkbench({ userSettings: { 'reasoner.baseUrl': sim.baseUrl } });
    const { page } = workbench;
    await setApiKeyThroughPalette(page, 'sk-e2e-chat-5c1e9a7b3d');
  });

  suiteTeardown(async () => {
    await workbench?.close();
    await sim?.close();
  });

  async function chatFrame(): Promise<Frame> {
    return findFrame(workbench.page, COMPOSER);
  }

  test('with the selection attached, a question is sent and the answer streams in as rendered markdown', async () => {
    const { page } = workbench;
    await openFile(page, 'sample.ts');
    await selectLines(page, 6, 4);
    await page.keyboard.press('Control+Alt+L');
    const frame = await chatFrame();
    // The selection's chip; the language server may add chips for the definitions it uses beside it.
    const selectionChip = frame.locator('[data-role="context-chip"][data-context-kind="selection"]');
    await selectionChip.waitFor({ timeout: 30_000 });
    assert.match(await selectionChip.textContent() ?? '', /sample\.ts/);

    sim.script({
      text: 'It computes the **distance**.\n\n```ts\nconst d = Math.hypot(dx, dy);\n```\n\nThe rest of the explanation follows in several more words to stream slowly.',
      deltaSize: 5, chunkDelayMs: 60,
    });
    await frame.locator(COMPOSER).click();
    await page.keyboard.type('What does this do?');
    await page.keyboard.press('Enter');

    const answer = frame.locator('[data-role="answer"]').last();
    await answer.and(frame.locator('[data-state="streaming"]')).waitFor({ timeout: 30_000 });
    const partial = await eventually('part of the answer while streaming', async () => {
      const text = await answer.locator('[data-role="answer-body"]').textContent() ?? '';
      return text.includes('distance') && (await answer.getAttribute('data-state')) === 'streaming' ? text : undefined;
    });
    assert.doesNotMatch(partial, /several more words to stream slowly/);
    await answer.and(frame.locator('[data-state="complete"]')).waitFor({ timeout: 30_000 });
    assert.equal(await answer.locator('strong').first().textContent(), 'distance', 'markdown is rendered');
    assert.equal(await answer.locator('[data-role="code-block"]').count(), 1);
    // highlight.js and its TypeScript grammar are fetched when the block first needs them, under the page's CSP.
    await answer.locator('[data-role="code-block"] code .hljs-keyword').first().waitFor({ timeout: 30_000 });
    assert.equal(await answer.locator('[data-role="code-block"] code.highlight-pending').count(), 0);
    // The page's styles are written into it under the nonce; the icon font is fetched from its webview URL.
    const styled = await frame.evaluate(async () => {
      await document.fonts.ready;
      return {
        gap: getComputedStyle(document.documentElement).getPropertyValue('--gap').trim(),
        iconFont: [...document.fonts].find((face) => face.family.replace(/"/g, '') === 'codicon')?.status,
      };
    });
    assert.deepEqual(styled, { gap: '8px', iconFont: 'loaded' });
    // Chromium names the directive a page breaks; the page's own are its nonce and its font source (the workbench's
    // own refusals, such as its extension gallery on this offline machine, name neither).
    const refused = workbench.session.consoleLines.filter((line) => /Content Security Policy/.test(line) && /nonce-|font-src/.test(line));
    assert.deepEqual(refused, [], 'nothing the page does breaks its CSP');
    assert.match(await answer.locator('[data-role="model"]').textContent() ?? '', /o3-mini/);
    assert.match(await answer.locator('[data-role="usage"]').textContent() ?? '', /in/);
    const body = JSON.stringify(sim.requests.at(-1)!.body);
    assert.match(body, /What does this do\?/);
    assert.match(body, /export function distance/);
    await workbench.screenshot('chat-answer');
  });

  test('Stop ends a slow answer at once and keeps the partial text marked stopped', async () => {
    const frame = await chatFrame();
    sim.script({ text: 'word '.repeat(4000), deltaSize: 4, chunkDelayMs: 30 });
    await frame.locator(COMPOSER).fill('A long one, please');
    await frame.locator(COMPOSER).press('Enter');
    const answer = frame.locator('[data-role="answer"]').last();
    await eventually('streaming text', async () => (await answer.getAttribute('data-state')) === 'streaming' && /word/.test(await answer.textContent() ?? ''));
    const requestIndex = sim.requests.length - 1;
    await frame.locator('button[aria-label="Stop"]').click();
    await answer.and(frame.locator('[data-state="stopped"]')).waitFor({ timeout: 5_000 });
    const close = await sim.waitForClose(requestIndex, 3_000);
    assert.equal(close.completed, false, 'the gateway saw the connection closed early');
    assert.match(await answer.textContent() ?? '', /word/);
  });

  test('Insert at Cursor puts a code block into the editor', async () => {
    const { page } = workbench;
    const frame = await chatFrame();
    await frame.locator('[data-role="code-block"]').first().locator('button[aria-label="Insert at Cursor"]').click();
    await eventually('the code in the editor', async () =>
      /Math\.hypot/.test(await page.locator('.editor-instance .monaco-editor .view-lines').first().textContent() ?? ''));
    await workbench.screenshot('chat-inserted');
  });

  test('after a page reload the conversation is still listed', async () => {
    const { page } = workbench;
    await page.reload();
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.statusbar').waitFor({ timeout: 60_000 });
    await page.waitForTimeout(3000);
    await runCommand(page, 'Reasoner: Open Chat');
    const frame = await chatFrame();
    await frame.locator('#conversations-toggle').click();
    const listed = frame.locator('li[data-role="conversation"]');
    await eventually('a listed conversation', async () => (await listed.count()) > 0);
    assert.match(await listed.first().textContent() ?? '', /What does this do/);
    await frame.locator('[data-role="answer"]').first().waitFor({ timeout: 15_000 });
    assert.ok(await frame.locator('[data-role="answer"]').count() >= 2, 'the answers are back');
    await workbench.screenshot('chat-after-reload');
  });

  test('a chat title that is markup stays text in a page created with the state', async () => {
    const { page } = workbench;
    const hostile = '</script><img src=x onerror="document.title=\'pwned\'"><!-- & <b>bold</b>';
    let frame = await chatFrame();
    const list = frame.locator('#conversation-list');
    if (!(await list.isVisible())) await frame.locator('#conversations-toggle').click();
    await frame.locator('li[data-role="conversation"] [data-list-action="rename"]').first().click();
    await frame.locator('.rename-input').fill(hostile);
    await frame.locator('.rename-input').press('Enter');
    await eventually('the new title in the list', async () => (await frame.locator('.conversation-title').first().textContent()) === hostile);

    // Hidden, the view's page is gone; shown again, it is made from HTML that embeds the state as of hiding.
    await runCommand(page, 'View: Show Explorer');
    await eventually('the chat page to go', async () => !(await Promise.all(page.frames().map((f) => f.locator(COMPOSER).count().catch(() => 0)))).some((n) => n > 0));
    await runCommand(page, 'Reasoner: Open Chat');
    frame = await chatFrame();
    const embedded = await frame.locator('script#page-data[type="application/json"]').textContent();
    assert.ok(embedded?.includes('\\u003c/script\\u003e\\u003cimg'), 'the title is in the page\'s data block, escaped');
    if (!(await frame.locator('#conversation-list').isVisible())) await frame.locator('#conversations-toggle').click();
    assert.equal(await frame.locator('.conversation-title').first().textContent(), hostile);
    assert.equal(await frame.locator('#conversation-title').textContent(), hostile);
    assert.equal(await frame.locator('img, b').count(), 0, 'no title became markup');
    assert.notEqual(await frame.evaluate(() => document.title), 'pwned');
    await workbench.screenshot('chat-hostile-title');
  });
});
