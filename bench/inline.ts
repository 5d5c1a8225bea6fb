/**
 * Inline threads at scale, in the real workbench (code-server + Chromium): Explain Selection gets a
 * 20,000-delta answer from the gateway simulator, streamed at about 1,000 deltas a second, and the same
 * answer in one piece. Reported: the extension host's CPU time for each (utime + stime of its process,
 * from /proc, between the command and the thread's "done"), their ratio, and how often the thread
 * visibly changed while the answer streamed (frames with a change in the comment widget, per second).
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { openFile, selectLines } from '../test/harness/workbench';
import type { Locator, Page } from 'playwright-core';
import { cpuMs, extensionHostPid } from './processCpu';
import { answerText, DELTA_CHARS } from './rendering';
import { inSimulatedWorkbench } from './simulatedWorkbench';
import { figure, measure, type Figure } from './stats';

export const INLINE_DELTAS = 20_000;
const DISMISS = '[aria-label="Dismiss"]';

/** Counts the frames in which the explanation's comment widget changed, from now on. */
async function watchThread(page: Page): Promise<void> {
  await page.evaluate(() => {
    const state = { frames: 0, pending: false, first: 0, last: 0 };
    const watched = window as unknown as { __threadUpdates: typeof state; __threadObserver?: MutationObserver };
    // The previous run's observer stops, so that runs do not pile observers up in the page.
    watched.__threadObserver?.disconnect();
    watched.__threadUpdates = state;
    const observer = new MutationObserver((records) => {
      const inThread = records.some((record) => {
        const node = record.target instanceof Element ? record.target : record.target.parentElement;
        return node?.closest('.review-widget');
      });
      if (!inThread || state.pending) return;
      state.pending = true;
      requestAnimationFrame(() => {
        state.pending = false;
        state.frames++;
        state.last = performance.now();
        if (state.frames === 1) state.first = state.last;
      });
    });
    observer.observe(document.querySelector('.monaco-workbench')!, { subtree: true, childList: true, characterData: true });
    watched.__threadObserver = observer;
  });
}

/** The same lines as the inline e2e test (the `distance` function), selected as a person would. */
async function selectSample(page: Page): Promise<void> {
  await selectLines(page, 6, 4);
  await page.keyboard.press('Shift+End');
}

async function explainOnce(page: Page, host: number, marker: string): Promise<{ cpu: number; wallSeconds: number; updatesPerSecond: number; updates: number }> {
  await selectSample(page);
  await watchThread(page);
  const started = performance.now();
  const before = cpuMs(host);
  await page.keyboard.press('Control+Alt+E');
  const widget = page.locator('.review-widget').filter({ hasText: marker });
  await widget.first().waitFor({ timeout: 120_000 });
  // The thread's label in its header says "done" once the answer is complete. Matched on the header alone: the
  // widget's whole text runs the label into the next comment ("· doneYou…"), so no word boundary follows "done".
  await widget.first().locator('.head .review-title').filter({ hasText: /·\s*done$/ }).waitFor({ timeout: 300_000 });
  const cpu = cpuMs(host) - before;
  const wallSeconds = (performance.now() - started) / 1000;
  const updates = await page.evaluate(() => (window as unknown as { __threadUpdates: { frames: number; first: number; last: number } }).__threadUpdates);
  const updatingSeconds = Math.max((updates.last - updates.first) / 1000, 0.001);
  await dismiss(page, widget);
  return { cpu, wallSeconds, updates: updates.frames, updatesPerSecond: updates.frames / updatingSeconds };
}

/** The extension host's CPU time while nothing is asked of it, for `seconds`: what the extension host's own background work costs meanwhile. */
async function idleCpuMs(host: number, seconds: number): Promise<number> {
  const before = cpuMs(host);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  return cpuMs(host) - before;
}

/** The CPU time Reasoner's client alone takes to read the next scripted answer, in a process of its own. */
async function clientAloneCpuMs(baseUrl: string): Promise<number> {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(__dirname, 'stream-reader.js'), baseUrl], { timeout: 300_000 });
  return (JSON.parse(stdout) as { cpuMs: number }).cpuMs;
}

/** The CPU time of receiving the next scripted answer's bytes on a bare socket, in a process of its own. */
async function socketAloneCpuMs(baseUrl: string): Promise<number> {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(__dirname, 'socket-reader.js'), baseUrl], { timeout: 300_000 });
  return (JSON.parse(stdout) as { cpuMs: number }).cpuMs;
}

/** Closes the thread with its Dismiss action, so that the next run's thread is the only one in the editor. */
async function dismiss(page: Page, widget: Locator): Promise<void> {
  try {
    await widget.first().locator(DISMISS).first().click({ timeout: 10_000 });
    await widget.first().waitFor({ state: 'detached', timeout: 30_000 });
  } catch (error) {
    console.error(`inline: the thread could not be dismissed, it stays in the editor: ${String(error)}`);
    await page.keyboard.press('Escape');
  }
}

export interface InlineResults {
  readonly deltas: number;
  readonly chars: number;
  readonly streamedCpuMs: Figure;
  readonly oneShotCpuMs: Figure;
  readonly ratio: Figure;
  /** The same stream read by the client alone, nothing shown: what receiving 20,000 deltas costs. */
  readonly clientAloneCpuMs: Figure;
  /** Streamed thread / client alone: what showing the answer in the thread adds to receiving it. */
  readonly overClientAlone: Figure;
  readonly updatesPerSecond: Figure;
  /** The same stream's bytes received on a bare socket, nothing parsed: what any client pays for the packets. */
  readonly socketAloneCpuMs: Figure;
  /** Bare socket / one-shot: the part of the target the packets alone take. */
  readonly socketOverOneShot: Figure;
  /** The extension host idle for as long as the streamed answer took: its own background work, not Reasoner's. */
  readonly idleHostCpuMs: Figure;
}

export async function benchInline(runs: number): Promise<InlineResults> {
  return inSimulatedWorkbench('inline', {}, async (workbench, sim) => {
    const { page } = workbench;
    // Quick open needs the keyboard in the workbench: the load, or the key's palette before it, can leave it
    // nowhere, and then Control+P is lost.
    await page.locator('.part.editor').click();
    await openFile(page, 'sample.ts');
    await page.locator('.editor-instance .monaco-editor .view-line').filter({ hasText: 'export function distance' }).first().waitFor({ timeout: 30_000 });
    const host = extensionHostPid(workbench.server.pid!);
    const samples = await measure(runs, 1, async (index) => {
      const body = answerText(INLINE_DELTAS * DELTA_CHARS);
      const streamedMarker = `Streamed explanation ${index + 10}.`;
      const streamedAnswer = { text: `${streamedMarker}\n\n${body}`, deltaSize: DELTA_CHARS, chunkDelayMs: 1 };
      sim.script(streamedAnswer);
      const streamed = await explainOnce(page, host, streamedMarker);
      const onceMarker = `Whole explanation ${index + 10}.`;
      sim.script({ text: `${onceMarker}\n\n${body}`, deltaSize: body.length * 2 });
      const once = await explainOnce(page, host, onceMarker);
      sim.script(streamedAnswer);
      const alone = await clientAloneCpuMs(sim.baseUrl);
      sim.script(streamedAnswer);
      const socket = await socketAloneCpuMs(sim.baseUrl);
      const idle = await idleCpuMs(host, streamed.wallSeconds);
      return { streamed, once, alone, socket, idle };
    });
    return {
      deltas: INLINE_DELTAS,
      chars: INLINE_DELTAS * DELTA_CHARS,
      streamedCpuMs: figure(samples.map((s) => s.streamed.cpu)),
      oneShotCpuMs: figure(samples.map((s) => s.once.cpu)),
      ratio: figure(samples.map((s) => s.streamed.cpu / s.once.cpu)),
      clientAloneCpuMs: figure(samples.map((s) => s.alone)),
      overClientAlone: figure(samples.map((s) => s.streamed.cpu / s.alone)),
      updatesPerSecond: figure(samples.map((s) => s.streamed.updatesPerSecond)),
      socketAloneCpuMs: figure(samples.map((s) => s.socket)),
      socketOverOneShot: figure(samples.map((s) => s.socket / s.once.cpu)),
      idleHostCpuMs: figure(samples.map((s) => s.idle)),
    };
  });
}
