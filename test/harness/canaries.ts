/**
 * The hostile corpus's canary (test/fixtures/hostile-answers.ts): any script an answer managed to
 * run sets `window.__reasonerPwned` in its frame.
 */
import type { Frame, Page } from 'playwright-core';

function read(frame: Frame): Promise<string | undefined> {
  return frame.evaluate(() => (window as unknown as { __reasonerPwned?: string }).__reasonerPwned);
}

/**
 * The canary of every frame of the page (the workbench, each webview and its inner frame).
 * A frame that cannot be read fails the test, since its canary would go unseen; only one that
 * was removed while we looked is passed over, and one that was navigating is read again once loaded.
 */
export async function canaries(page: Page): Promise<string[]> {
  const found: string[] = [];
  for (const frame of page.frames()) {
    let value: string | undefined;
    try {
      value = await read(frame);
    } catch (error) {
      if (frame.isDetached()) continue;
      await frame.waitForLoadState('domcontentloaded');
      try {
        value = await read(frame);
      } catch (again) {
        if (frame.isDetached()) continue;
        throw new Error(`the canary of frame ${frame.url()} could not be read: ${String(again)} (first: ${String(error)})`);
      }
    }
    if (value) found.push(`${frame.url()}: ${value}`);
  }
  return found;
}
