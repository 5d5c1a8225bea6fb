/**
 * B3 chat rendering in Chromium: the real webview bundle (dist/webview/webview.js) gets one
 * streamed Markdown answer with code blocks as host messages, delta by delta, against the
 * same final text rendered once. Main-thread time is Chromium's own TaskDuration metric
 * (CDP Performance.getMetrics) from the first message until the page has painted the end.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type CDPSession, type Page } from 'playwright-core';
import { CONVERSATION_VERSION, type AssistantTurn, type Conversation, type ConversationSummary } from '../src/core/common/conversation';
import type { ChatState, HostMessage } from '../src/core/common/protocol';
import { figure, measure, type Figure } from './stats';

const ROOT = path.join(__dirname, '..', '..');
const DELTA_CHARS = 8;
const POINTS = [1000, 5000, 20_000];

const PARAGRAPH = 'The cache keeps **recent entries** in memory and evicts the least recently used one when it is full; `get` moves an entry to the front. ';
const CODE = '```ts\nexport function evict(cache: Map<string, number>, limit: number): void {\n  while (cache.size > limit) {\n    const oldest = cache.keys().next().value;\n    cache.delete(oldest!);\n  }\n}\n```\n\n';

function answerText(chars: number): string {
  let text = '';
  let i = 0;
  while (text.length < chars) {
    text += i % 3 === 2 ? CODE : `${PARAGRAPH.repeat(2)}\n\n- item ${i}: ${PARAGRAPH}\n\n`;
    i++;
  }
  return text.slice(0, chars);
}

/** The chat page's state message, typed by the protocol so that a new field breaks the build, not the run. */
function state(text: string, status: 'streaming' | 'complete', conversations?: ConversationSummary[]): HostMessage & { state: ChatState } {
  const now = Date.now();
  const active: Conversation = {
    version: CONVERSATION_VERSION, id: 'c-bench', title: 'Bench', titleSource: 'auto', createdAt: now, updatedAt: now,
    turns: [
      { role: 'user', id: 'u-1', text: 'Explain the cache.', createdAt: now },
      { role: 'assistant', id: 'a-1', modelId: 'o3-mini', effort: 'medium', status, text, reasoning: '', createdAt: now },
    ],
  };
  return {
    type: 'state',
    state: {
      conversations: conversations ?? [{ id: 'c-bench', title: 'Bench', createdAt: now, updatedAt: now, turnCount: 2 }],
      active, running: status === 'streaming',
      models: [{ id: 'o3-mini', label: 'o3-mini', description: '', api: 'chat' }],
      efforts: ['low', 'medium', 'high'], composer: { modelId: 'o3-mini', effort: 'medium' }, contexts: [], images: [],
    },
  };
}

async function taskMs(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics') as { metrics: { name: string; value: number }[] };
  return (metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) * 1000;
}

/** Loads a fresh page with the real bundle and a stand-in for the VS Code API. */
async function freshPage(page: Page, dir: string): Promise<void> {
  await page.goto(`file://${path.join(dir, 'bench.html')}`);
  await page.waitForFunction(() => (window as unknown as { __posted?: unknown[] }).__posted?.length);
}

async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 0)))));
}

async function renderStreamed(page: Page, cdp: CDPSession, text: string, deltas: number): Promise<number> {
  await page.evaluate((message) => window.postMessage(message, '*'), state('', 'streaming'));
  await settle(page);
  const pieces: string[] = [];
  for (let i = 0; i < deltas; i++) pieces.push(text.slice(i * DELTA_CHARS, (i + 1) * DELTA_CHARS));
  const before = await taskMs(cdp);
  await page.evaluate(async (all) => {
    // One host message per delta, each its own task, as the webview receives them.
    for (let i = 0; i < all.length; i++) {
      window.postMessage({ type: 'turnDelta', conversationId: 'c-bench', turnId: 'a-1', text: all[i], reasoning: '' }, '*');
      if (i % 200 === 199) await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }, pieces);
  await page.evaluate((message) => window.postMessage(message, '*'), { type: 'turnUpdated', conversationId: 'c-bench', turn: state(text, 'complete').state.active.turns[1] as AssistantTurn } satisfies HostMessage);
  await page.waitForFunction(() => document.querySelector('[data-role="answer"]')?.getAttribute('data-state') === 'complete');
  await settle(page);
  return (await taskMs(cdp)) - before;
}

async function renderOnce(page: Page, cdp: CDPSession, text: string): Promise<number> {
  const before = await taskMs(cdp);
  await page.evaluate((message) => window.postMessage(message, '*'), state(text, 'complete'));
  await page.waitForFunction(() => document.querySelector('[data-role="answer"]')?.getAttribute('data-state') === 'complete');
  await settle(page);
  return (await taskMs(cdp)) - before;
}

const OPEN_CODE_BYTES = 2 ** 20;
const OPEN_CODE_DELTA = 8192;

/**
 * A 1 MiB code block streamed without its closing fence, one 8 KiB delta per frame: the main-thread
 * time of each update, from the message until the frame after it has painted.
 */
async function renderOpenCodeBlock(page: Page, cdp: CDPSession): Promise<number[]> {
  await page.evaluate((message) => window.postMessage(message, '*'), state('', 'streaming'));
  await settle(page);
  const code = CODE.slice('```ts\n'.length, -'```\n\n'.length);
  const text = `\`\`\`ts\n${code.repeat(Math.ceil(OPEN_CODE_BYTES / code.length))}`.slice(0, OPEN_CODE_BYTES);
  const perUpdate: number[] = [];
  for (let at = 0; at < text.length; at += OPEN_CODE_DELTA) {
    const before = await taskMs(cdp);
    await page.evaluate((delta) => window.postMessage({ type: 'turnDelta', conversationId: 'c-bench', turnId: 'a-1', text: delta, reasoning: '' }, '*'), text.slice(at, at + OPEN_CODE_DELTA));
    await settle(page);
    perUpdate.push((await taskMs(cdp)) - before);
  }
  return perUpdate;
}

export interface RenderingResults {
  readonly points: readonly { deltas: number; chars: number; streamedMs: Figure; oneShotMs: Figure; ratio: Figure }[];
  readonly ratioAt5000: number;
  readonly growthExponent: number;
  /** The median update of each run while a 1 MiB code block streams unclosed. */
  readonly openCodeBlock: { readonly bytes: number; readonly updates: number; readonly perUpdateMs: Figure };
}

export async function benchRendering(runs: number): Promise<RenderingResults> {
  const dir = fs.mkdtempSync(path.join(ROOT, 'out', 'bench-page-'));
  for (const file of ['webview.js', 'chat-style.css', 'codicon.css', 'codicon.ttf']) fs.copyFileSync(path.join(ROOT, 'dist', 'webview', file), path.join(dir, file));
  fs.writeFileSync(path.join(dir, 'bench.html'), `<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="codicon.css"><link rel="stylesheet" href="chat-style.css"></head>
<body><div id="app" class="app" data-role="chat-root"></div>
<script>window.acquireVsCodeApi = () => ({ postMessage: (m) => (window.__posted = window.__posted || []).push(m), getState: () => undefined, setState: () => {} });</script>
<script src="webview.js"></script></body></html>`);
  const browser = await chromium.launch({ executablePath: process.env.REASONER_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const points: RenderingResults['points'][number][] = [];
    for (const deltas of POINTS) {
      const text = answerText(deltas * DELTA_CHARS);
      const samples = await measure(runs, 1, async () => {
        await freshPage(page, dir);
        const streamed = await renderStreamed(page, cdp, text, deltas);
        await freshPage(page, dir);
        const once = await renderOnce(page, cdp, text);
        return { streamed, once };
      });
      points.push({
        deltas, chars: text.length,
        streamedMs: figure(samples.map((s) => s.streamed)),
        oneShotMs: figure(samples.map((s) => s.once)),
        ratio: figure(samples.map((s) => s.streamed / s.once)),
      });
    }
    const openCodeRuns = await measure(runs, 1, async () => {
      await freshPage(page, dir);
      return renderOpenCodeBlock(page, cdp);
    });
    const openCodeBlock = {
      bytes: OPEN_CODE_BYTES,
      updates: openCodeRuns[0]?.length ?? 0,
      perUpdateMs: figure(openCodeRuns.map((run) => figure(run).median)),
    };
    const xs = points.map((p) => Math.log(p.deltas));
    const ys = points.map((p) => Math.log(p.streamedMs.median));
    const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
    const my = ys.reduce((a, b) => a + b, 0) / ys.length;
    const slope = xs.reduce((sum, x, i) => sum + (x - mx) * (ys[i]! - my), 0) / xs.reduce((sum, x) => sum + (x - mx) ** 2, 0);
    return { points, ratioAt5000: points.find((p) => p.deltas === 5000)!.ratio.median, growthExponent: slope, openCodeBlock };
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** B5's heap: the chat page alone (its own renderer) holding the state of `conversations` stored conversations. */
export async function benchHistoryHeap(runs: number, conversations: number): Promise<Figure> {
  const dir = fs.mkdtempSync(path.join(ROOT, 'out', 'bench-page-'));
  for (const file of ['webview.js', 'chat-style.css', 'codicon.css', 'codicon.ttf']) fs.copyFileSync(path.join(ROOT, 'dist', 'webview', file), path.join(dir, file));
  fs.writeFileSync(path.join(dir, 'bench.html'), `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="chat-style.css"></head>
<body><div id="app" class="app"></div>
<script>window.acquireVsCodeApi = () => ({ postMessage: (m) => (window.__posted = window.__posted || []).push(m), getState: () => undefined, setState: () => {} });</script>
<script src="webview.js"></script></body></html>`);
  const browser = await chromium.launch({ executablePath: process.env.REASONER_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const samples = await measure(runs, 1, async () => {
      const page = await browser.newPage();
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      await freshPage(page, dir);
      const now = Date.now();
      const message = state('A short answer.', 'complete', Array.from({ length: conversations }, (_, i) => ({ id: `c-${i}`, title: `Cache question ${i}`, createdAt: now - i * 60_000, updatedAt: now - i * 60_000, turnCount: 2, modelId: 'o3-mini' })));
      await page.evaluate((m) => window.postMessage(m, '*'), message);
      await page.waitForFunction(() => document.querySelector('[data-role="answer"]')?.getAttribute('data-state') === 'complete');
      await settle(page);
      await cdp.send('HeapProfiler.collectGarbage');
      const { metrics } = await cdp.send('Performance.getMetrics') as { metrics: { name: string; value: number }[] };
      await page.close();
      return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? Number.NaN) / 2 ** 20;
    });
    return figure(samples);
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
