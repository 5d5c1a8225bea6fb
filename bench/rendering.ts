/**
 * B3 chat rendering in Chromium: the real webview bundle (dist/webview/webview.js, with its
 * highlight.js chunks, served over HTTP) gets one streamed Markdown answer with code blocks as
 * host messages: deltas arrive at DELTAS_PER_SECOND as a fast gateway sends them at a stand-in for
 * the host running off the page's main thread (a worker), which posts them as the host does
 * (gathered for STREAMED_DELTA_INTERVAL_MS, each batch one message and its own task), against the same final text rendered once. Main-thread time is Chromium's own
 * TaskDuration metric (CDP Performance.getMetrics) from the first message until the page has
 * painted the end. Token-to-paint latency: from a delta's arrival at the host (so the batching
 * wait counts) until the frame that shows it has been painted. Latency is taken in runs of its own:
 * its probe runs a task in every frame, which the main-thread time must not count. The harness
 * floor is the same stream sent to a turn the page does not show, then the answer drawn once: what
 * posting the stream costs the page before Reasoner draws any of it.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type CDPSession, type Page } from 'playwright-core';
import { CONVERSATION_VERSION, type AssistantTurn, type Conversation, type ConversationSummary } from '../src/core/common/conversation';
import { STREAMED_DELTA_INTERVAL_MS } from '../src/core/common/deltaBatcher';
import { MARKDOWN_PAGE_SCRIPTS } from '../src/core/common/pageScripts';
import type { ChatState, HostMessage } from '../src/core/common/protocol';
import { figure, measure, type Figure } from './stats';

const ROOT = path.join(__dirname, '..', '..');
/** The size of each streamed delta, in characters: the same in every part that streams an answer (rendering, chat, inline). */
export const DELTA_CHARS = 8;
const POINTS = [1000, 5000, 20_000];
/** About 2,000 tokens a second: faster than any model writes, as a gateway delivers a burst. */
const DELTAS_PER_SECOND = 1000;

const PARAGRAPH = 'The cache keeps **recent entries** in memory and evicts the least recently used one when it is full; `get` moves an entry to the front. ';
const CODE = '```ts\nexport function evict(cache: Map<string, number>, limit: number): void {\n  while (cache.size > limit) {\n    const oldest = cache.keys().next().value;\n    cache.delete(oldest!);\n  }\n}\n```\n\n';

export function answerText(chars: number): string {
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

/** The main-thread time Chromium has spent on the page's tasks so far (its own TaskDuration metric). */
export async function taskMs(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics') as { metrics: { name: string; value: number }[] };
  return (metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) * 1000;
}

/** Serves the page's folder: the highlight.js chunks are ES modules, which Chromium does not import from file: pages. */
async function servePage(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf' };
  const server = http.createServer((req, res) => {
    const file = path.join(dir, path.normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^([/\\])+/, ''));
    if (!file.startsWith(dir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' }).end(fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/bench.html`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A folder with the real bundle (script, styles, highlight.js chunks) and a page that stands in for the VS Code API. */
function writePage(head = '<link rel="stylesheet" href="codicon.css"><link rel="stylesheet" href="chat-style.css">'): string {
  const dir = fs.mkdtempSync(path.join(ROOT, 'out', 'bench-page-'));
  fs.cpSync(path.join(ROOT, 'dist', 'webview'), dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'bench.html'), `<!doctype html><html><head><meta charset="utf-8">${head}</head>
<body><div id="app" class="app" data-role="chat-root"></div>
<script>window.acquireVsCodeApi = () => ({ postMessage: (m) => (window.__posted = window.__posted || []).push(m), getState: () => undefined, setState: () => {} });</script>
${MARKDOWN_PAGE_SCRIPTS.map((name) => `<script src="${name}"></script>`).join('')}</body></html>`);
  return dir;
}

/** Loads a fresh page with the real bundle and a stand-in for the VS Code API. */
async function freshPage(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { __posted?: unknown[] }).__posted?.length);
}

async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 0)))));
}

/** Until the code blocks shown escaped while highlight.js loaded are highlighted: that work counts too. */
async function highlighted(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('.highlight-pending') && document.querySelector('.hljs-keyword'));
}

/** How a streamed run is measured: main-thread time, token-to-paint latency, or the harness floor. */
type StreamedRun = 'time' | 'latency' | 'floor';

async function renderStreamed(page: Page, cdp: CDPSession, text: string, deltas: number, run: StreamedRun): Promise<{ ms: number; latencies: number[] }> {
  await page.evaluate((message) => window.postMessage(message, '*'), state('', 'streaming'));
  await settle(page);
  const pieces: string[] = [];
  for (let i = 0; i < deltas; i++) pieces.push(text.slice(i * DELTA_CHARS, (i + 1) * DELTA_CHARS));
  const before = await taskMs(cdp);
  const latencies = await page.evaluate(async ({ all, perSecond, batchMs, probe, turnId }) => {
    // The host runs off the page's main thread, as in VS Code: a worker receives the deltas when
    // due and gathers them as the DeltaBatcher does (the first waits batchMs for what follows);
    // each batch reaches the page as one message, its own task. Times are absolute (timeOrigin + now).
    const host = `onmessage = ({ data: { all, perSecond, batchMs } }) => {
      const started = performance.now();
      let next = 0, waiting = '', arrived = [], timer;
      const flush = () => {
        timer = undefined;
        postMessage({ text: waiting, arrived, last: next >= all.length });
        waiting = '';
        arrived = [];
      };
      const tick = () => {
        const due = Math.min(all.length, Math.floor(((performance.now() - started) * perSecond) / 1000) + 1);
        for (; next < due; next++) {
          arrived.push(performance.timeOrigin + performance.now());
          waiting += all[next];
          timer ??= setTimeout(flush, batchMs);
        }
        if (next < all.length) setTimeout(tick, 1);
      };
      tick();
    };`;
    const worker = new Worker(URL.createObjectURL(new Blob([host], { type: 'text/javascript' })));
    const arrived: number[] = [];
    const batchSizes: number[] = [];
    const latency: number[] = [];
    let batchesHandled = 0;
    let handled = 0;
    let painted = 0;
    const onMessage = (event: MessageEvent<{ type?: string }>) => { if (event.data?.type === 'turnDelta') handled += batchSizes[batchesHandled++]!; };
    window.addEventListener('message', onMessage);
    // The deltas handled before a frame's rendering are drawn in it; the task after the frame runs once it is painted.
    let frames = probe;
    const channel = new MessageChannel();
    const onFrame = () => {
      const upTo = handled;
      channel.port1.onmessage = () => {
        const now = performance.timeOrigin + performance.now();
        for (; painted < upTo; painted++) latency.push(now - arrived[painted]!);
      };
      channel.port2.postMessage(0);
      if (frames) requestAnimationFrame(onFrame);
    };
    if (probe) requestAnimationFrame(onFrame);
    await new Promise<void>((resolve) => {
      worker.onmessage = ({ data }: MessageEvent<{ text: string; arrived: number[]; last: boolean }>) => {
        arrived.push(...data.arrived);
        batchSizes.push(data.arrived.length);
        // Handed to the page in this task, as a webview's page gets each of the host's messages: one task, one copy.
        window.dispatchEvent(new MessageEvent('message', { data: { type: 'turnDelta', conversationId: 'c-bench', turnId, text: data.text, reasoning: '' } }));
        if (data.last) resolve();
      };
      worker.postMessage({ all, perSecond, batchMs });
    });
    worker.terminate();
    await new Promise<void>((resolve) => {
      const wait = () => ((probe ? painted : handled) >= all.length ? resolve() : setTimeout(wait, 5));
      wait();
    });
    frames = false;
    window.removeEventListener('message', onMessage);
    return latency;
  }, { all: pieces, perSecond: DELTAS_PER_SECOND, batchMs: STREAMED_DELTA_INTERVAL_MS, probe: run === 'latency', turnId: run === 'floor' ? 'a-not-shown' : 'a-1' });
  await page.evaluate((message) => window.postMessage(message, '*'), { type: 'turnUpdated', conversationId: 'c-bench', turn: state(text, 'complete').state.active.turns[1] as AssistantTurn } satisfies HostMessage);
  await page.waitForFunction(() => document.querySelector('[data-role="answer"]')?.getAttribute('data-state') === 'complete');
  await highlighted(page);
  await settle(page);
  return { ms: (await taskMs(cdp)) - before, latencies };
}

async function renderOnce(page: Page, cdp: CDPSession, text: string): Promise<number> {
  const before = await taskMs(cdp);
  await page.evaluate((message) => window.postMessage(message, '*'), state(text, 'complete'));
  await page.waitForFunction(() => document.querySelector('[data-role="answer"]')?.getAttribute('data-state') === 'complete');
  await highlighted(page);
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
  readonly points: readonly {
    deltas: number; chars: number; streamedMs: Figure; oneShotMs: Figure; ratio: Figure; paintLatencyP95Ms: Figure; paintLatencyMedianMs: Figure;
    /** The harness floor (the stream posted to a turn not shown, then the answer drawn once) against one-shot. */
    floorRatio: Figure;
  }[];
  readonly ratioAt5000: number;
  readonly deltasPerSecond: number;
  readonly growthExponent: number;
  /** The median update of each run while a 1 MiB code block streams unclosed. */
  readonly openCodeBlock: { readonly bytes: number; readonly updates: number; readonly perUpdateMs: Figure };
}

export async function benchRendering(runs: number): Promise<RenderingResults> {
  const dir = writePage();
  const served = await servePage(dir);
  const url = served.url;
  const browser = await chromium.launch({ executablePath: process.env.REASONER_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const points: RenderingResults['points'][number][] = [];
    for (const deltas of POINTS) {
      const text = answerText(deltas * DELTA_CHARS);
      const samples = await measure(runs, 1, async () => {
        await freshPage(page, url);
        const streamed = await renderStreamed(page, cdp, text, deltas, 'time');
        await freshPage(page, url);
        const once = await renderOnce(page, cdp, text);
        await freshPage(page, url);
        const floor = await renderStreamed(page, cdp, text, deltas, 'floor');
        await freshPage(page, url);
        const probed = await renderStreamed(page, cdp, text, deltas, 'latency');
        return { streamed: streamed.ms, once, floor: floor.ms, latency: figure(probed.latencies) };
      });
      points.push({
        deltas, chars: text.length,
        streamedMs: figure(samples.map((s) => s.streamed)),
        oneShotMs: figure(samples.map((s) => s.once)),
        ratio: figure(samples.map((s) => s.streamed / s.once)),
        floorRatio: figure(samples.map((s) => s.floor / s.once)),
        paintLatencyP95Ms: figure(samples.map((s) => s.latency.p95)),
        paintLatencyMedianMs: figure(samples.map((s) => s.latency.median)),
      });
    }
    const openCodeRuns = await measure(runs, 1, async () => {
      await freshPage(page, url);
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
    return { points, ratioAt5000: points.find((p) => p.deltas === 5000)!.ratio.median, deltasPerSecond: DELTAS_PER_SECOND, growthExponent: slope, openCodeBlock };
  } finally {
    await browser.close();
    await served.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** B5's heap: the chat page alone (its own renderer) holding the state of `conversations` stored conversations. */
export async function benchHistoryHeap(runs: number, conversations: number): Promise<Figure> {
  const dir = writePage('<link rel="stylesheet" href="chat-style.css">');
  const served = await servePage(dir);
  const browser = await chromium.launch({ executablePath: process.env.REASONER_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const samples = await measure(runs, 1, async () => {
      const page = await browser.newPage();
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      await freshPage(page, served.url);
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
    await served.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
