/**
 * B4 activation and B5 history, in the real workbench (code-server + Chromium): the
 * extension's own performance mark around `activate` (logged), and, with 1,000 stored
 * conversations, the time from the chat page's start to the first paint of its state
 * with the list (a performance mark in the page). (The page's heap is measured on the
 * page alone, in rendering.ts: in the workbench it shares a renderer with everything else.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { addUserTurn, createConversation, startAssistantTurn } from '../src/core/common/conversation';
import { ConversationStore } from '../src/core/node/history';
import { REPO_ROOT, makeTempDir, makeWorkspace, openBrowser, startCodeServer, workbenchUrl } from '../test/harness/codeServer';
import type { Page } from 'playwright-core';
import { FIRST_PAINT_MARK, SCRIPT_START_MARK, STATE_RECEIVED_MARK } from '../src/webview/marks';
import { eventually, findFrame, runCommand } from '../test/harness/workbench';
import { figure, measure, type Figure } from './stats';

const CONVERSATIONS = 1000;
const MARK = FIRST_PAINT_MARK;

async function writeHistory(dir: string): Promise<void> {
  const store = new ConversationStore(dir);
  await store.open();
  for (let i = 0; i < CONVERSATIONS; i++) {
    const conversation = createConversation(Date.now() - i * 60_000);
    addUserTurn(conversation, `Question ${i}: why does the cache evict the wrong entry?`);
    const answer = startAssistantTurn(conversation, { id: 'o3-mini' }, 'medium');
    answer.text = `Answer ${i}: the eviction takes the first key of the map, which is the oldest insertion, not the least recently used.`;
    answer.status = 'complete';
    conversation.title = `Cache question ${i}`;
    await store.save(conversation);
  }
  await store.flush();
}

export function findFile(dir: string, name: string): string | undefined {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findFile(full, name);
      if (found) return found;
    } else if (entry.name === name) return full;
  }
  return undefined;
}

/** Where the reported activation time was read. */
export type ActivationSource = 'startup-performance' | 'running-extensions';

/**
 * The activation time VS Code itself reports: loading the bundle (`codeLoadingTime`) plus the `activate` call
 * (`activateCallTime`), the sum Developer: Show Running Extensions shows. Read from Developer: Startup Performance's
 * "Extension Activation Stats" (the same two figures as columns, in a text document), else from Show Running Extensions.
 */
async function reportedActivation(page: Page): Promise<{ ms: number; ownMs?: number; source?: ActivationSource }> {
  try {
    const text = await readStartupPerformance(page);
    return { ms: activationFromStartupPerformance(text), ownMs: ownActivationFromStartupPerformance(text), source: 'startup-performance' };
  } catch (error) {
    console.error(`B4: could not read Reasoner's row in Developer: Startup Performance: ${String(error)}`);
    await page.keyboard.press('Escape');
  }
  try {
    return { ms: await readRunningExtensions(page), source: 'running-extensions' };
  } catch (error) {
    console.error(`B4: could not read the activation time from Show Running Extensions: ${String(error)}`);
    return { ms: Number.NaN };
  }
}

const EXTENSION_ID = 'reasoner-dev.reasoner';

/** Copies the Startup Performance document whole (the editor draws only the lines in view). */
async function readStartupPerformance(page: Page): Promise<string> {
  // The palette needs the keyboard in the workbench, not in the chat view's frame.
  await page.locator('.part.editor').click();
  await runCommand(page, 'Developer: Startup Performance');
  const heading = page.locator('.monaco-editor .view-line').filter({ hasText: 'System Info' }).first();
  await heading.waitFor({ timeout: 30_000 });
  await heading.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+C');
  const text = await page.evaluate(() => navigator.clipboard.readText());
  await page.keyboard.press('Escape');
  const dump = process.env.REASONER_BENCH_STARTUP_DUMP;
  if (dump) fs.appendFileSync(dump, `${text}\n\n`);
  return text;
}

/** "| reasoner-dev.reasoner | false | 12 | 20 | 0 | onStartupFinished | reasoner-dev.reasoner |": Load Code and Call Activate. */
function activationStats(text: string): { loadCode: number; callActivate: number } {
  const row = text.split('\n').map((line) => line.split('|').map((cell) => cell.trim()))
    .find((cells) => cells[1] === EXTENSION_ID);
  const loadCode = Number(row?.[3]);
  const callActivate = Number(row?.[4]);
  if (!row || Number.isNaN(loadCode) || Number.isNaN(callActivate)) throw new Error(`no row for ${EXTENSION_ID} in the Extension Activation Stats`);
  return { loadCode, callActivate };
}

/** Load Code + Call Activate, the sum Show Running Extensions shows. */
export function activationFromStartupPerformance(text: string): number {
  const { loadCode, callActivate } = activationStats(text);
  console.log(`  B4 run: Load Code ${loadCode} ms + Call Activate ${callActivate} ms`);
  return loadCode + callActivate;
}

/**
 * Reasoner's own part of that: the time VS Code's marks put around requiring its bundle
 * (`code/extHost/willLoadExtensionCode/…` to `didLoadExtensionCode/…`) plus Call Activate. "Load Code" starts
 * earlier, when the extension host begins loading it, and the host loads the extensions asked for at the same
 * moment one after another, so it also counts the others' bundles loaded before Reasoner's.
 */
export function ownActivationFromStartupPerformance(text: string): number {
  const markAt = (name: string) => Number(new RegExp(`^code/extHost/${name}LoadExtensionCode/${EXTENSION_ID.replace('.', '\\.')}\\s+(\\d+)`, 'm').exec(text)?.[1]);
  const required = markAt('did') - markAt('will');
  const own = required + activationStats(text).callActivate;
  console.log(`  B4 run: Reasoner's bundle required in ${required} ms`);
  return own;
}

async function readRunningExtensions(page: Page): Promise<number> {
  await runCommand(page, 'Developer: Show Running Extensions');
  // A development extension has no marketplace entry: its row is named by its id.
  const text = await eventually('Reasoner in the running extensions', () => page.evaluate((id) => {
    for (const row of Array.from(document.querySelectorAll('.runtime-extensions-editor .monaco-list-row'))) {
      const name = row.querySelector('.name')?.textContent?.trim() ?? '';
      if (name !== id && !/^Reasoner\b/.test(name)) continue;
      const time = row.querySelector('.activation-time')?.textContent ?? '';
      if (/\d+ms/.test(time)) return time;
    }
    return undefined;
  }, EXTENSION_ID), 20_000);
  return Number(/([\d.]+)ms/.exec(text)![1]);
}

export interface WorkbenchResults {
  readonly activationMs: Figure;
  /** What VS Code reports: the bundle's loading and `activate`. */
  readonly vscodeActivationMs: Figure;
  /** Reasoner's own part of the reported activation: its bundle's require, by VS Code's marks, plus Call Activate. */
  readonly ownActivationMs: Figure;
  /** Where each run's reported activation was read. */
  readonly vscodeActivationSources: readonly ActivationSource[];
  readonly firstPaintMs: Figure;
  /** Where the first paint's time goes: until the page's script runs, until the state arrives. */
  readonly scriptStartMs: Figure;
  readonly stateReceivedMs: Figure;
  readonly conversations: number;
}

export async function benchWorkbench(runs: number): Promise<WorkbenchResults> {
  const history = makeTempDir('bench-history');
  await writeHistory(history);
  const samples = await measure(runs, 1, async () => {
    const folder = makeWorkspace();
    const server = await startCodeServer({ folder });
    const chatDir = path.join(server.userDataDir, 'User', 'globalStorage', 'reasoner-dev.reasoner', 'chat');
    fs.mkdirSync(path.dirname(chatDir), { recursive: true });
    fs.cpSync(history, chatDir, { recursive: true });
    const session = await openBrowser();
    try {
      await session.page.goto(workbenchUrl(server, folder, { extensionDevelopmentPath: REPO_ROOT }));
      await session.page.locator('.statusbar').waitFor({ timeout: 60_000 });
      await session.page.waitForTimeout(3000);
      await runCommand(session.page, 'Reasoner: Open Chat');
      const frame = await findFrame(session.page, '[aria-label="Message Reasoner"]', 60_000);
      const paint = await eventually('the first state painted', () => frame.evaluate((marks) => {
        const at = (name: string) => (performance.getEntriesByName(name)[0] as PerformanceMark | undefined);
        const painted = at(marks.painted);
        return painted ? {
          at: painted.startTime, conversations: (painted.detail as { conversations: number }).conversations,
          scriptStart: at(marks.scriptStart)?.startTime ?? Number.NaN, stateReceived: at(marks.stateReceived)?.startTime ?? Number.NaN,
        } : undefined;
      }, { painted: MARK, scriptStart: SCRIPT_START_MARK, stateReceived: STATE_RECEIVED_MARK }), 60_000);
      if (paint.conversations !== CONVERSATIONS) throw new Error(`the list had ${paint.conversations} conversations`);
      const log = await eventually('the Reasoner log', async () => {
        const file = findFile(path.join(server.userDataDir, 'logs'), 'Reasoner.log');
        const text = file ? fs.readFileSync(file, 'utf8') : '';
        return /activated in ([\d.]+) ms/.exec(text);
      }, 30_000);
      const reported = await reportedActivation(session.page);
      return {
        activation: Number(log[1]), vscodeActivation: reported.ms, ownActivation: reported.ownMs ?? Number.NaN, vscodeActivationSource: reported.source,
        paint: paint.at, scriptStart: paint.scriptStart, stateReceived: paint.stateReceived,
      };
    } finally {
      await session.close();
      await server.stop();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
  fs.rmSync(history, { recursive: true, force: true });
  return {
    activationMs: figure(samples.map((s) => s.activation)),
    vscodeActivationMs: figure(samples.map((s) => s.vscodeActivation).filter((ms) => !Number.isNaN(ms))),
    ownActivationMs: figure(samples.map((s) => s.ownActivation).filter((ms) => !Number.isNaN(ms))),
    vscodeActivationSources: samples.flatMap((s) => (s.vscodeActivationSource ? [s.vscodeActivationSource] : [])),
    firstPaintMs: figure(samples.map((s) => s.paint)),
    scriptStartMs: figure(samples.map((s) => s.scriptStart)),
    stateReceivedMs: figure(samples.map((s) => s.stateReceived)),
    conversations: CONVERSATIONS,
  };
}
