/**
 * A screenshot pasted into the chat in the real workbench: the paste event a
 * browser fires (a ClipboardEvent holding a PNG file) in the chat's webview
 * frame, the chip and its thumbnail as Chromium draws them under the page's
 * CSP, the switch offered while o3-mini is selected, the image part the
 * simulator receives from o3, and the thumbnail shown again after a reload.
 */
import * as assert from 'node:assert/strict';
import type { Frame, Locator } from 'playwright-core';
import { pngImage } from '../fixtures/images';
import { start, type Simulator } from '../simulator/simulator';
import { bodyValidator } from '../unit/support-core/openapi';
import {
  eventually, findFrame, launchWorkbench, runCommand, type Workbench, setApiKeyThroughPalette,
} from '../harness/workbench';

const COMPOSER = '[aria-label="Message Reasoner"]';
const WIDTH = 48;
const HEIGHT = 30;
const PNG_BASE64 = pngImage(WIDTH, HEIGHT, [0xe0, 0x40, 0x30]).toString('base64');

/** The image's size as drawn: 0 when the browser refused to load it (a CSP block) or could not decode it. */
function naturalSize(image: Locator): Promise<string> {
  return image.evaluate((img) => `${(img as HTMLImageElement).naturalWidth}x${(img as HTMLImageElement).naturalHeight}`);
}

suite('Workbench: an image pasted into the chat', () => {
  let sim: Simulator;
  let workbench: Workbench;

  suiteSetup(async () => {
    sim = await start();
    workbench = await launchWorkbench({ userSettings: { 'reasoner.baseUrl': sim.baseUrl } });
    const { page } = workbench;
    await setApiKeyThroughPalette(page, 'sk-e2e-images-8b3f1d07');
  });

  suiteTeardown(async () => {
    await workbench?.close();
    await sim?.close();
  });

  async function openChat(): Promise<Frame> {
    await runCommand(workbench.page, 'Reasoner: Open Chat');
    return findFrame(workbench.page, COMPOSER);
  }

  test('a pasted screenshot shows as a chip with its thumbnail, goes to o3 as an image part, and comes back after a reload', async () => {
    const { page } = workbench;
    const frame = await openChat();
    await frame.locator(COMPOSER).click();
    await frame.locator(COMPOSER).evaluate((input, base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const clipboard = new DataTransfer();
      clipboard.items.add(new File([bytes], 'screenshot.png', { type: 'image/png' }));
      input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: clipboard, bubbles: true, cancelable: true }));
    }, PNG_BASE64);

    const chip = frame.locator('[data-role="image-chip"]');
    await chip.waitFor({ timeout: 30_000 });
    assert.match(await chip.getAttribute('aria-label') ?? '', /^Image screenshot\.png \(PNG, \d+ bytes\)/);
    const thumbnail = chip.locator('img[data-role="image-thumbnail"]');
    assert.match(await thumbnail.getAttribute('src') ?? '', /^blob:/, 'a blob: URL the page made');
    await eventually('the thumbnail to be drawn', async () => (await naturalSize(thumbnail)) === `${WIDTH}x${HEIGHT}`, 10_000);
    assert.equal(await chip.locator('button[aria-label="Remove image screenshot.png"]').count(), 1);

    // o3-mini (the default) cannot take it: the chip says so and offers a model that can.
    assert.match(await chip.textContent() ?? '', /o3-mini can't take images/);
    const switchButton = frame.locator('[data-role="switch-image-model"]');
    assert.equal(await switchButton.textContent(), 'Switch to o1');
    await workbench.screenshot('chat-image-o3-mini');
    await switchButton.click();
    assert.equal(await frame.locator('#model-picker').inputValue(), 'o1');
    assert.equal(await frame.locator('[data-role="image-unsupported"]').count(), 0);

    await frame.locator('#model-picker').selectOption('o3');
    sim.script({ text: 'The red banner covers the **Save** button.', deltaSize: 8, chunkDelayMs: 20 });
    await frame.locator(COMPOSER).click();
    await page.keyboard.type('What is wrong in this screenshot?');
    await page.keyboard.press('Enter');
    const answer = frame.locator('[data-role="answer"]').last();
    await answer.and(frame.locator('[data-state="complete"]')).waitFor({ timeout: 30_000 });
    assert.match(await answer.locator('[data-role="model"]').textContent() ?? '', /^o3$/);
    assert.equal(await chip.count(), 0, 'the prompt took the image');

    assert.equal(sim.requests.length, 1);
    const request = sim.requests[0]!;
    assert.equal(request.path, '/v1/chat/completions');
    const body = request.body as { model: string; messages: { role: string; content: unknown }[] };
    assert.equal(body.model, 'openai/o3-2025-04-16');
    assert.deepEqual(body.messages.at(-1), {
      role: 'user',
      content: [
        { type: 'text', text: 'What is wrong in this screenshot?' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_BASE64}` } },
      ],
    });
    const check = bodyValidator('o3.json', '/chat/completions').validate(body);
    assert.ok(check.valid, check.errors);

    const sent = frame.locator('[data-role="prompt"] img[data-role="image-thumbnail"]');
    assert.equal(await sent.getAttribute('alt'), 'Image: screenshot.png');
    await eventually('the prompt\'s thumbnail to be drawn', async () => (await naturalSize(sent)) === `${WIDTH}x${HEIGHT}`, 10_000);
    await workbench.screenshot('chat-image-sent');

    await page.reload();
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.statusbar').waitFor({ timeout: 60_000 });
    await page.waitForTimeout(3000);
    const reloaded = await openChat();
    const again = reloaded.locator('[data-role="prompt"] img[data-role="image-thumbnail"]');
    await again.waitFor({ timeout: 30_000 });
    assert.match(await again.getAttribute('src') ?? '', /^blob:/);
    await eventually('the thumbnail after the reload', async () => (await naturalSize(again)) === `${WIDTH}x${HEIGHT}`, 10_000);
    await workbench.screenshot('chat-image-after-reload');
  });
});
