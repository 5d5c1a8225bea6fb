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

/**
 * The activation time VS Code itself reports in Developer: Show Running Extensions: loading the bundle
 * (`codeLoadingTime`) plus the `activate` call (`activateCallTime`), as the workbench shows them.
 */
async function reportedActivation(page: Page): Promise<number> {
  try {
    return await readRunningExtensions(page);
  } catch (error) {
    console.error(`B4: could not read the activation time from Show Running Extensions: ${String(error)}`);
    return Number.NaN;
  }
}

async function readRunningExtensions(page: Page): Promise<number> {
  await runCommand(page, 'Developer: Show Running Extensions');
  const text = await eventually('Reasoner in the running extensions', () => page.evaluate(() => {
    for (const row of Array.from(document.querySelectorAll('.monaco-list-row'))) {
      if (!/^Reasoner\b/.test(row.querySelector('.name')?.textContent?.trim() ?? '')) continue;
      const time = row.querySelector('.activation-time')?.textContent ?? '';
      if (/\d+ms/.test(time)) return time;
    }
    return undefined;
  }), 20_000);
  return Number(/([\d.]+)ms/.exec(text)![1]);
}

export interface WorkbenchResults {
  readonly activationMs: Figure;
  /** What VS Code reports: the bundle's loading and `activate`. */
  readonly vscodeActivationMs: Figure;
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
      return {
        activation: Number(log[1]), vscodeActivation: await reportedActivation(session.page),
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
    firstPaintMs: figure(samples.map((s) => s.paint)),
    scriptStartMs: figure(samples.map((s) => s.scriptStart)),
    stateReceivedMs: figure(samples.map((s) => s.stateReceived)),
    conversations: CONVERSATIONS,
  };
}
