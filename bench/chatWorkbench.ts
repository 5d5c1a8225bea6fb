/**
 * B3 in the real chat view: the same streamed answer as the Chromium bench, from the gateway simulator through
 * the extension host into the chat sidebar of code-server in Chromium, against the same answer in one piece.
 * code-server serves webviews from the workbench's own origin, so the chat's page runs on the workbench's main
 * thread: the figure is that thread's time (Chromium's TaskDuration for the whole page, the workbench relaying
 * the host's messages included) from Enter until the answer's last frame, beside the extension host's CPU time.
 * What the workbench spends idle for as long as the longest stream is reported apart.
 */
import type { CDPSession, Frame, Page } from 'playwright-core';
import { findFrame, runCommand } from '../test/harness/workbench';
import { cpuMs, extensionHostPid } from './processCpu';
import { inSimulatedWorkbench } from './simulatedWorkbench';
import { answerText, DELTA_CHARS, taskMs } from './rendering';
import { figure, measure, type Figure } from './stats';

const COMPOSER = '[aria-label="Message Reasoner"]';
export const CHAT_WORKBENCH_POINTS = [5000, 20_000];

interface Ask { readonly pageMs: number; readonly hostMs: number; readonly wallMs: number }

/** A new conversation, so that each run's answer is the only one on the page. */
async function newConversation(frame: Frame): Promise<void> {
  await frame.locator('#new-chat').click();
  await frame.locator('[data-role="answer"]').first().waitFor({ state: 'detached', timeout: 30_000 });
}

/**
 * Sends one question and waits, inside the page and without polling it, for the answer to be complete and the
 * frame after it painted: a poll from here would run in the page as long as the stream lasts and count against it.
 */
async function ask(page: Page, frame: Frame, cdp: CDPSession, host: number, marker: string): Promise<Ask> {
  await newConversation(frame);
  await frame.locator(COMPOSER).click();
  await page.keyboard.type(`Explain the cache (${marker}).`);
  await frame.evaluate(() => {
    const watched = window as unknown as { __answerDone?: Promise<void> };
    watched.__answerDone = new Promise<void>((resolve) => {
      const observer = new MutationObserver(() => {
        const answer = document.querySelector('[data-role="answer"]');
        if (answer?.getAttribute('data-state') !== 'complete') return;
        observer.disconnect();
        requestAnimationFrame(() => setTimeout(resolve, 0));
      });
      observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
    });
  });
  const pageBefore = await taskMs(cdp);
  const hostBefore = cpuMs(host);
  const started = performance.now();
  await page.keyboard.press('Enter');
  await frame.evaluate(() => (window as unknown as { __answerDone: Promise<void> }).__answerDone);
  const result = { pageMs: (await taskMs(cdp)) - pageBefore, hostMs: cpuMs(host) - hostBefore, wallMs: performance.now() - started };
  const text = await frame.locator('[data-role="answer"] [data-role="answer-body"]').textContent() ?? '';
  if (!text.includes(marker)) throw new Error(`the chat showed another answer than the one asked for (${marker})`);
  return result;
}

export interface ChatWorkbenchPoint {
  readonly deltas: number;
  /** Streamed / one-shot main-thread time of the workbench's page (the chat's page runs on it). */
  readonly ratio: Figure;
  readonly streamedPageMs: Figure;
  readonly oneShotPageMs: Figure;
  readonly streamedHostMs: Figure;
  readonly oneShotHostMs: Figure;
  readonly streamedWallMs: Figure;
}

export interface ChatWorkbenchResults {
  readonly deltasPerSecond: string;
  readonly points: ChatWorkbenchPoint[];
  /** The workbench's page left idle, the chat open, for as long as the longest stream lasted. */
  readonly idlePageMs: Figure;
}

export async function benchChatWorkbench(runs: number): Promise<ChatWorkbenchResults> {
  return inSimulatedWorkbench('chat', {}, async (workbench, sim) => {
    const { page } = workbench;
    await runCommand(page, 'Reasoner: Open Chat');
    const frame = await findFrame(page, COMPOSER, 60_000);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const host = extensionHostPid(workbench.server.pid!);
    const samples = await measure(runs, 1, async (index) => {
      const points = [];
      for (const deltas of CHAT_WORKBENCH_POINTS) {
        const body = answerText(deltas * DELTA_CHARS);
        const streamedMarker = `streamed ${deltas} ${index + 10}`;
        sim.script({ text: `Answer ${streamedMarker}.\n\n${body}`, deltaSize: DELTA_CHARS, chunkDelayMs: 1 });
        const streamed = await ask(page, frame, cdp, host, streamedMarker);
        const onceMarker = `whole ${deltas} ${index + 10}`;
        const text = `Answer ${onceMarker}.\n\n${body}`;
        sim.script({ text, deltaSize: text.length * 2 });
        const once = await ask(page, frame, cdp, host, onceMarker);
        points.push({ deltas, streamed, once });
      }
      const longest = Math.max(...points.map((p) => p.streamed.wallMs));
      const idleBefore = await taskMs(cdp);
      await new Promise((resolve) => setTimeout(resolve, longest));
      return { points, idle: (await taskMs(cdp)) - idleBefore };
    });
    return {
      deltasPerSecond: 'about 1,000',
      points: CHAT_WORKBENCH_POINTS.map((deltas, i) => {
        const at = samples.map((s) => s.points[i]!);
        return {
          deltas,
          ratio: figure(at.map((p) => p.streamed.pageMs / p.once.pageMs)),
          streamedPageMs: figure(at.map((p) => p.streamed.pageMs)),
          oneShotPageMs: figure(at.map((p) => p.once.pageMs)),
          streamedHostMs: figure(at.map((p) => p.streamed.hostMs)),
          oneShotHostMs: figure(at.map((p) => p.once.hostMs)),
          streamedWallMs: figure(at.map((p) => p.streamed.wallMs)),
        };
      }),
      idlePageMs: figure(samples.map((s) => s.idle)),
    };
  });
}
