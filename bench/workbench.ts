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
import { eventually, findFrame, runCommand } from '../test/harness/workbench';
import { figure, measure, type Figure } from './stats';

const CONVERSATIONS = 1000;
const MARK = 'reasoner:first-state-painted';

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

export interface WorkbenchResults {
  readonly activationMs: Figure;
  readonly firstPaintMs: Figure;
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
      const paint = await eventually('the first state painted', () => frame.evaluate((mark) => {
        const entry = performance.getEntriesByName(mark)[0] as PerformanceMark | undefined;
        return entry ? { at: entry.startTime, conversations: (entry.detail as { conversations: number }).conversations } : undefined;
      }, MARK), 60_000);
      if (paint.conversations !== CONVERSATIONS) throw new Error(`the list had ${paint.conversations} conversations`);
      const log = await eventually('the Reasoner log', async () => {
        const file = findFile(path.join(server.userDataDir, 'logs'), 'Reasoner.log');
        const text = file ? fs.readFileSync(file, 'utf8') : '';
        return /activated in ([\d.]+) ms/.exec(text);
      }, 30_000);
      return { activation: Number(log[1]), paint: paint.at };
    } finally {
      await session.close();
      await server.stop();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
  fs.rmSync(history, { recursive: true, force: true });
  return {
    activationMs: figure(samples.map((s) => s.activation)),
    firstPaintMs: figure(samples.map((s) => s.paint)),
    conversations: CONVERSATIONS,
  };
}
