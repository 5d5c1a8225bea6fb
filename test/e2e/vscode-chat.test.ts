/**
 * VS Code's own Chat view in code-server 4.139.1 (its bundled chat): what a
 * user sees of Reasoner there, and what the Chat view itself asks for (a
 * sign-in, or chat.allowAnonymousAccess, before any model can be picked).
 */
import * as assert from 'node:assert/strict';
import type { Request } from 'playwright-core';
import { ATTACKER_HOST, HOSTILE_ANSWERS } from '../fixtures/hostile-answers';
import { canaries } from '../harness/canaries';
import {
  eventually, isLoopback, launchWorkbench, openFile, runCommand, type Workbench, setApiKeyThroughPalette,
} from '../harness/workbench';
import { start, type Simulator } from '../simulator/simulator';

const CHAT_INPUT = '.interactive-input-part';

suite('Workbench: VS Code\'s Chat view', () => {
  let sim: Simulator;
  let workbench: Workbench | undefined;

  suiteSetup(async () => {
    sim = await start();
  });

  // Each test opens its own workbench; the last one stays open until the root hook has kept a failure.
  const closeWorkbench = async () => {
    await workbench?.close();
    workbench = undefined;
  };
  setup(closeWorkbench);

  suiteTeardown(async () => {
    await closeWorkbench();
    await sim?.close();
  });

  async function openChat(settings: Record<string, unknown>): Promise<Workbench> {
    workbench = await launchWorkbench({ userSettings: { 'reasoner.baseUrl': sim.baseUrl, 'chat.disableAIFeatures': false, ...settings } });
    const { page } = workbench;
    await setApiKeyThroughPalette(page, 'sk-e2e-vscode-chat-5b81');
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
    const input = page.locator(`${CHAT_INPUT} .monaco-editor`).first();
    // The suggestions are asked for as the slash is typed; if Reasoner's participant was not yet
    // known to the Chat view then, the widget shows nothing until asked again, as a user would.
    let suggestions = '';
    for (let attempt = 1; !suggestions; attempt++) {
      await input.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Backspace');
      await page.keyboard.type('@reasoner /');
      try {
        suggestions = await eventually('the command suggestions', async () => {
          const texts = await page.locator('.suggest-widget .monaco-list-row').allInnerTexts();
          return texts.length >= 4 ? texts.join('\n') : undefined;
        }, 15_000);
      } catch (error) {
        if (attempt === 3) throw error;
        await page.keyboard.press('Escape');
      }
    }
    for (const command of ['explain', 'bugs', 'tests', 'refactor']) assert.match(suggestions, new RegExp(`/${command}`), suggestions);
    await workbench!.screenshot('vscode-chat-participant');
  });

  test('without a sign-in the model picker offers only the sign-in; with chat.allowAnonymousAccess the Language Models editor lists the four models with their context and vision', async () => {
    const signedOut = await openChat({});
    const offered = await openModelPicker(signedOut.page, 'Models');
    assert.ok(offered.some((row) => /Sign in/.test(row)) && !offered.some((row) => /o3|o1|Manage Models/.test(row)), offered.join(' | '));
    await signedOut.close();
    workbench = undefined;

    const { page } = await openChat({ 'chat.allowAnonymousAccess': true });
    const rows = await openModelPicker(page, 'Auto');
    assert.ok(rows.some((row) => /Manage Models/.test(row)), rows.join(' | '));
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

  /** Opens the Chat view with anonymous access and picks o3-mini from Reasoner's models in its picker. */
  async function openChatWithO3Mini(): Promise<Workbench['page']> {
    const { page } = await openChat({ 'chat.allowAnonymousAccess': true });
    // The Chat view resolves a provider's models lazily: opening Manage Models does it.
    await openModelPicker(page, 'Auto');
    await page.locator('.action-widget .monaco-list-row').filter({ hasText: 'Manage Models' }).first().click();
    await page.locator('.models-model-row').first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Escape');
    await page.waitForTimeout(1000);
    // The picker now offers the first model and keeps the rest under "Other Models". On a loaded machine the
    // section sometimes opens before the provider's models reach it: close the picker and open it again.
    let rows: string[] | undefined;
    for (let attempt = 1; !rows; attempt++) {
      const text = await page.locator(CHAT_INPUT).innerText();
      const first = await openModelPicker(page, text.includes('Auto') ? 'Auto' : 'o1');
      assert.ok(first.some((row) => /^o1\s+Reasoner/.test(row.trim())), first.join(' | '));
      await page.locator('.action-widget .monaco-list-row').filter({ hasText: 'Other Models' }).first().click();
      rows = await eventually('all of Reasoner\'s models in the picker', async () => {
        const listed = await page.locator('.action-widget .monaco-list-row').allInnerTexts();
        return listed.some((row) => row.trim().startsWith('o3-mini')) ? listed : undefined;
      }, 10_000).catch((error: unknown) => {
        if (attempt >= 3) throw error;
        return undefined;
      });
      if (!rows) await page.keyboard.press('Escape');
    }
    for (const name of ['o1', 'o3', 'o3-mini', 'o3-pro']) assert.ok(rows.some((row) => row.trim().split(/\s/)[0] === name), `${name} in the picker: ${rows.join(' | ')}`);
    await page.locator('.action-widget .monaco-list-row').filter({ hasText: /^\s*o3-mini/ }).first().click();
    await page.locator(`${CHAT_INPUT} .action-label, ${CHAT_INPUT} a`).filter({ hasText: /^\s*o3-mini\s*$/ }).first().waitFor({ timeout: 10_000 });
    return page;
  }

  test('@reasoner /explain with o3-mini picked: the selected code reaches the gateway and the answer streams into the Chat view, inert', async () => {
    const page = await openChatWithO3Mini();

    sim.script({ text: 'It computes the **Euclidean distance** <img src=x onerror="window.__reasonerPwned=1">.', deltaSize: 5, chunkDelayMs: 10 });
    await page.locator('.editor-instance .view-lines').first().click();
    await page.keyboard.press('Control+G');
    await page.keyboard.type('6');
    await page.keyboard.press('Enter');
    for (let line = 0; line < 4; line++) await page.keyboard.press('Shift+ArrowDown');
    await page.locator(`${CHAT_INPUT} .monaco-editor`).first().click();
    await page.keyboard.type('@reasoner /explain ');
    await page.keyboard.press('Enter');

    const answer = page.locator('.interactive-item-container.interactive-response').last();
    // The Chat view renders a response word by word: wait for the footer's last word.
    await eventually('the answer with its footer', async () => /o3-mini · effort medium · [^\n]* · \d+s/.test(await answer.innerText()), 30_000);
    const shown = await answer.innerText();
    assert.match(shown, /It computes the Euclidean distance <img src=x onerror="window.__reasonerPwned=1">\./, 'markdown rendered, the tag shown as text');
    assert.equal(await answer.locator('strong, b').filter({ hasText: 'Euclidean distance' }).count(), 1, 'the bold text rendered');
    assert.match(shown, /o3-mini · effort medium · [\d,]+ in · [\d,]+ out · 128 reasoning · \$0\.\d+ · \d+s/, 'the footer, its cost shown as written');
    const followups = await page.locator('.interactive-session .chat-followups, .interactive-session .interactive-session-followups').last().innerText().catch(() => '');
    assert.match(followups || await page.locator('.interactive-session').first().innerText(), /Find bugs in this code[\s\S]*Write tests for it/);
    assert.equal(await answer.locator('.chat-markdown-part img').count(), 0, 'no image from the answer (the participant\'s icon is the only one)');
    assert.equal(await page.evaluate(() => (window as unknown as { __reasonerPwned?: unknown }).__reasonerPwned), undefined);

    const body = sim.requests.at(-1)?.body as { model: string; messages?: unknown[]; input?: unknown[] };
    assert.equal(body.model, 'o3-mini', 'the model picked in the Chat view');
    assert.match(JSON.stringify(body.messages ?? body.input), /export function distance\(a: Point, b: Point\): number/);
    await workbench!.screenshot('vscode-chat-answer');
  });

  test(`@reasoner: all ${HOSTILE_ANSWERS.length} hostile answers stream into the Chat view as text: no script, no image, no command link, no request but the gateway's`, async () => {
    const page = await openChatWithO3Mini();
    const external: string[] = [];
    const onRequest = (request: Request) => {
      if (!isLoopback(request.url())) external.push(request.url());
    };
    workbench!.session.context.on('request', onRequest);
    try {
      const half = Math.ceil(HOSTILE_ANSWERS.length / 2);
      for (const [index, batch] of [HOSTILE_ANSWERS.slice(0, half), HOSTILE_ANSWERS.slice(half)].entries()) {
        const first = index * half;
        sim.script({ text: batch.map((entry, j) => `Part ${first + j}: ${entry.name}\n\n${entry.markdown}`).join('\n\n---\n\n'), deltaSize: 97 });
        await page.locator('.editor-instance .view-lines').first().click();
        await page.keyboard.press('Control+G');
        await page.keyboard.type('6');
        await page.keyboard.press('Enter');
        for (let line = 0; line < 4; line++) await page.keyboard.press('Shift+ArrowDown');
        await page.locator(`${CHAT_INPUT} .monaco-editor`).first().click();
        await page.keyboard.type(`@reasoner /explain hostile batch ${index} `);
        await page.keyboard.press('Enter');
        await page.locator('.interactive-item-container.interactive-response').nth(index).waitFor({ timeout: 60_000 });
        const answer = page.locator('.interactive-item-container.interactive-response').last();
        await eventually(`batch ${index} with its footer`, async () => {
          const shown = await answer.innerText();
          return shown.includes(`Part ${first}:`) && /o3-mini · effort medium · [^\n]* · \d+s/.test(shown);
        }, 90_000);
        assert.match(await answer.innerText(), new RegExp(`Part ${first + batch.length - 1}:`), 'the last answer of the batch was shown too');
        assert.equal(await answer.locator('.chat-markdown-part img, .chat-markdown-part iframe, .chat-markdown-part svg, .chat-markdown-part .katex').count(), 0, `no image, frame, svg or math in batch ${index}`);
        assert.equal(await answer.locator('.chat-markdown-part .codicon').count(), 0, `no theme icon drawn from an answer in batch ${index}`);
        const links = await answer.locator('.chat-markdown-part a').evaluateAll((anchors) => anchors
          .map((a) => a.getAttribute('href') ?? a.getAttribute('data-href') ?? '')
          .filter((href) => href !== '' && !/^(https?:|mailto:|#)/i.test(href)));
        assert.deepEqual(links, [], `no link but web links in batch ${index}`);
      }
      await page.waitForTimeout(1000);
      assert.deepEqual(await canaries(page), [], 'no script ran, in the workbench or any frame');
      assert.deepEqual(external.filter((url) => url.includes(ATTACKER_HOST)), [], 'no request to the attacker\'s host');
      assert.deepEqual(external, [], 'no request to any host but the gateway and the workbench');
    } finally {
      workbench!.session.context.off('request', onRequest);
    }
    await workbench!.screenshot('vscode-chat-hostile');
  });
});
