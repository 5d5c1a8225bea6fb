/**
 * Hostile answers in the real workbench: every answer of the corpus streams
 * into the chat and into inline threads, as a model steered by a comment in a
 * cloned repository (or a hostile gateway) could send it. Proven three ways:
 * no script ran (a canary in every frame), no request left for any host but
 * the gateway and the workbench itself (Playwright's request log), and no
 * command link was made (the rendered DOM).
 */
import * as assert from 'node:assert/strict';
import type { Frame, Request } from 'playwright-core';
import { ATTACKER_HOST, HOSTILE_ANSWERS } from '../fixtures/hostile-answers';
import { canaries } from '../harness/canaries';
import { start, type Simulator } from '../simulator/simulator';
import {
  answerQuickInput, eventually, findFrame, isLoopback, launchWorkbench, openFile, runCommand, selectLines, waitForQuickInput, setApiKeyThroughPalette, type Workbench,
} from '../harness/workbench';

const COMPOSER = '[aria-label="Message Reasoner"]';
/** Answers per request: several batches, so one entry that swallows what follows cannot hide the rest. */
const BATCH = 11;
const batches: string[][] = [];
for (let i = 0; i < HOSTILE_ANSWERS.length; i += BATCH) {
  batches.push(HOSTILE_ANSWERS.slice(i, i + BATCH).map((entry, j) => `Part ${i + j}: ${entry.name}\n\n${entry.markdown}`));
}

suite('Workbench: hostile answers run nothing, fetch nothing, link no command', () => {
  let sim: Simulator;
  let workbench: Workbench;
  const external: string[] = [];
  const onRequest = (request: Request) => {
    if (!isLoopback(request.url())) external.push(request.url());
  };

  suiteSetup(async () => {
    sim = await start();
    workbench = await launchWorkbench({ userSettings: { 'reasoner.baseUrl': sim.baseUrl } });
    workbench.session.context.on('request', onRequest);
    const { page } = workbench;
    await setApiKeyThroughPalette(page, 'sk-e2e-hostile-7d2c4b19');
  });

  suiteTeardown(async () => {
    workbench?.session.context.off('request', onRequest);
    await workbench?.close();
    await sim?.close();
  });

  /** Markup that could restyle, submit or run, on any element of the answers, links included. */
  async function activeMarkup(frame: Frame): Promise<string[]> {
    return frame.locator('[data-role="answer"] *').evaluateAll((elements) => elements
      .filter((element) => ['style', 'form', 'meta', 'base', 'link', 'script', 'iframe'].includes(element.tagName.toLowerCase())
        || Array.from(element.attributes).some((attribute) => /^on|^style$|^formaction$|^action$|^src(set|doc)?$/i.test(attribute.name)))
      .map((element) => element.outerHTML.slice(0, 120)));
  }

  /** Links to anything but the web, in a frame or the workbench: what a click could run. */
  async function dangerousLinks(frame: Frame | typeof workbench.page, scope: string): Promise<string[]> {
    return frame.locator(`${scope} a`).evaluateAll((anchors) => anchors
      .map((a) => a.getAttribute('href') ?? a.getAttribute('data-href') ?? '')
      .filter((href) => href !== '' && !/^(https?:|mailto:|#)/i.test(href)));
  }

  function assertNothingLeft(where: string): void {
    const attacker = external.filter((url) => url.includes(ATTACKER_HOST));
    assert.deepEqual(attacker, [], `${where}: requests to the attacker's host`);
    assert.deepEqual(external, [], `${where}: requests to any host but the gateway and the workbench`);
  }

  test(`the chat: ${HOSTILE_ANSWERS.length} hostile answers in ${batches.length} replies`, async () => {
    const { page } = workbench;
    await runCommand(page, 'Reasoner: Open Chat');
    const frame = await findFrame(page, COMPOSER);
    for (const [index, batch] of batches.entries()) {
      sim.script({ text: batch.join('\n\n---\n\n'), deltaSize: 97 });
      await frame.locator(COMPOSER).click();
      await page.keyboard.type(`Hostile batch ${index}`);
      await page.keyboard.press('Enter');
      // Wait for this batch's own answer: the previous one is complete already.
      const answers = frame.locator('[data-role="answer"]');
      await eventually(`batch ${index} to start`, async () => (await answers.count()) === index + 1, 30_000);
      const answer = answers.nth(index);
      await eventually(`batch ${index} to finish`, async () => (await answer.getAttribute('data-state')) === 'complete', 60_000);
      assert.match(await answer.textContent() ?? '', new RegExp(`Part ${index * BATCH}:`), 'the answer was rendered');
    }
    await page.waitForTimeout(1000);
    assert.deepEqual(await canaries(workbench.page), [], 'no script ran');
    assert.deepEqual(await dangerousLinks(frame, '[data-role="answer"]'), [], 'no link but web links in the answers');
    assert.equal(await frame.locator('[data-role="answer"] img, [data-role="answer"] iframe, [data-role="answer"] svg image').count(), 0);
    assert.deepEqual(await activeMarkup(frame), [], 'no style, form, meta, base or link element and no handler or style attribute, links included');
    assertNothingLeft('chat');
    await workbench.screenshot('hostile-chat');
  });

  test(`inline threads: the same ${HOSTILE_ANSWERS.length} answers next to the code`, async () => {
    const { page } = workbench;
    await openFile(page, 'sample.ts');
    for (const [index, batch] of batches.entries()) {
      sim.script({ text: batch.join('\n\n---\n\n'), deltaSize: 97 });
      await selectLines(page, 6, 4);
      await page.keyboard.press('Control+Alt+E');
      const widget = page.locator('.review-widget').filter({ hasText: `Part ${index * BATCH}:` });
      await widget.first().waitFor({ timeout: 60_000 });
      await eventually(`thread ${index} to finish`, async () => /· done/.test(await widget.first().textContent() ?? ''), 60_000);
      // Leave room for the next thread: dismiss this one once checked.
      assert.deepEqual(await dangerousLinks(page, '.review-widget'), [], `no command or script link in thread ${index}`);
      assert.equal(await widget.first().locator('.comment-body img, .comment-body iframe, .comment-body script, .comment-body svg').count(), 0, `no image, frame, script or svg in thread ${index}`);
      assert.equal(await widget.first().locator('.comment-body .codicon').count(), 0, `no theme icon drawn from an answer in thread ${index}`);
      await runCommand(page, 'Comments: Collapse All Comments');
    }
    await page.waitForTimeout(1000);
    assert.deepEqual(await canaries(workbench.page), [], 'no script ran');
    assertNothingLeft('inline');
    await workbench.screenshot('hostile-inline');
  });

  test(`Compare Models: the ${HOSTILE_ANSWERS.length} answers in two columns`, async () => {
    const { page } = workbench;
    await openFile(page, 'sample.ts');
    await selectLines(page, 6, 4);
    const half = Math.ceil(HOSTILE_ANSWERS.length / 2);
    const column = (entries: typeof HOSTILE_ANSWERS, first: number) => entries.map((entry, j) => `Part ${first + j}: ${entry.name}\n\n${entry.markdown}`).join('\n\n---\n\n');
    sim.script(
      { forModel: 'o1', text: column(HOSTILE_ANSWERS.slice(0, half), 0), deltaSize: 97 },
      { forModel: 'o3-mini', text: column(HOSTILE_ANSWERS.slice(half), half), deltaSize: 97 },
    );
    await runCommand(page, 'Reasoner: Compare Models on Selection');
    await waitForQuickInput(page, 'Compare Models (1/2)');
    await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'Careful, thorough reasoning' }).click();
    await page.locator('.quick-input-widget').filter({ hasText: '2 Selected' }).waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');
    await waitForQuickInput(page, 'Compare Models (2/2)');
    await answerQuickInput(page, 'Hostile comparison');

    const frame = await findFrame(page, '[data-role="column"]');
    for (const [model, first] of [['o1', 0], ['o3-mini', half]] as const) {
      const answer = frame.locator(`[data-role="column"][data-model-id="${model}"] [data-role="answer"][data-state="complete"]`);
      await answer.waitFor({ timeout: 90_000 });
      assert.match(await answer.textContent() ?? '', new RegExp(`Part ${first}:`), `${model}'s answer was rendered`);
    }
    await page.waitForTimeout(1000);
    assert.deepEqual(await canaries(workbench.page), [], 'no script ran');
    assert.deepEqual(await dangerousLinks(frame, '[data-role="answer"]'), [], 'no link but web links in the columns');
    assert.equal(await frame.locator('[data-role="answer"] img, [data-role="answer"] iframe, [data-role="answer"] svg image').count(), 0);
    assert.deepEqual(await activeMarkup(frame), [], 'no style, form, meta, base or link element and no handler or style attribute, links included');
    assertNothingLeft('compare');
    await workbench.screenshot('hostile-compare');
  });
});
