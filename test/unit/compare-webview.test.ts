/**
 * The bundled Compare Models page (dist/webview/webview.js) in jsdom: the
 * real script, fed host messages, answering with protocol messages. One
 * column per model with its status, time, tokens and cost; a failure shows
 * the server's words and the presenter's actions; Keep, Stop and Retry post
 * their messages; model output is sanitized.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JSDOM } from 'jsdom';
import type { CompareColumn, CompareHostMessage, ComparePageMessage } from '../../src/core/common/compareProtocol';
import type { AssistantTurn } from '../../src/core/common/conversation';
import { MARKDOWN_PAGE_SCRIPTS } from '../../src/core/common/pageScripts';

const WEBVIEW_DIST = path.resolve(__dirname, '../../../dist/webview');
const BUNDLE = path.join(WEBVIEW_DIST, 'webview.js');
const NOW = Date.now();

interface Page {
  readonly window: JSDOM['window'];
  readonly posted: ComparePageMessage[];
  /** What the page asked VS Code to keep across a reload (webview state). */
  readonly saved: unknown[];
  send(message: CompareHostMessage): void;
  $(selector: string): HTMLElement;
  $$(selector: string): HTMLElement[];
  click(selector: string): void;
  frame(): Promise<void>;
  close(): void;
}

function loadPage(): Page {
  const dom = new JSDOM('<!DOCTYPE html><html><body class="vscode-dark" data-page="compare"><div id="app"></div></body></html>', { runScripts: 'outside-only', pretendToBeVisual: true });
  const posted: ComparePageMessage[] = [];
  const saved: unknown[] = [];
  const window = dom.window;
  (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({
    postMessage: (message: ComparePageMessage) => posted.push(JSON.parse(JSON.stringify(message)) as ComparePageMessage),
    setState: (state: unknown) => saved.push(JSON.parse(JSON.stringify(state))),
  });
  for (const script of MARKDOWN_PAGE_SCRIPTS) window.eval(fs.readFileSync(path.join(WEBVIEW_DIST, script), 'utf8'));
  const document = window.document;
  const $ = (selector: string) => {
    const element = document.querySelector<HTMLElement>(selector);
    assert.ok(element, `no element matches ${selector}`);
    return element;
  };
  return {
    window,
    posted,
    saved,
    send: (message) => { window.dispatchEvent(new window.MessageEvent('message', { data: JSON.parse(JSON.stringify(message)) })); },
    $,
    $$: (selector) => Array.from(document.querySelectorAll<HTMLElement>(selector)),
    click: (selector) => { $(selector).dispatchEvent(new window.MouseEvent('click', { bubbles: true, cancelable: true })); },
    // Streamed text is drawn every other frame at most (answer.ts): two frames see it drawn.
    frame: () => new Promise((resolve) => window.requestAnimationFrame(() => window.requestAnimationFrame(() => setTimeout(resolve, 0)))),
    close: () => window.close(),
  };
}

function turn(id: string, modelId: string, extra: Partial<AssistantTurn> = {}): AssistantTurn {
  return { role: 'assistant', id, modelId, modelLabel: modelId, effort: 'medium', status: 'complete', text: '', reasoning: '', createdAt: NOW, ...extra };
}

function column(t: AssistantTurn, kept = false): CompareColumn {
  return { turn: t, kept };
}

const DONE = turn('a-1', 'o3-mini', {
  text: 'It measures **distance**.\n\n```ts\nreturn Math.hypot(dx, dy);\n```\n', elapsedMs: 2400,
  usage: { inputTokens: 120, outputTokens: 340, reasoningTokens: 256, costUsd: 0.0031 },
});
const FAILED = turn('a-2', 'o1', {
  status: 'error', elapsedMs: 800,
  error: { kind: 'bad-request', message: 'The gateway refused the request (HTTP 400).', serverMessage: 'o1 is not available on your plan', status: 400, actions: ['switchModel', 'openLog'] },
});

describe('compare webview page (bundled script in jsdom)', function () {
  before(() => {
    assert.ok(fs.existsSync(BUNDLE), `${BUNDLE} is missing: npm run test:unit builds it (node esbuild.js --tests)`);
  });

  let page: Page;
  afterEach(() => page?.close());

  it('says ready, then shows the question and one column per model, in order, each with its status, time, tokens and cost', () => {
    page = loadPage();
    assert.deepEqual(page.posted, [{ type: 'ready' }]);
    assert.deepEqual(page.saved, [], 'nothing kept before the comparison arrives');
    page.send({ type: 'state', state: { id: 'cmp-1', question: 'What does it do?', contextLabels: ['sample.ts:6-10'], columns: [column(DONE), column(FAILED)] } });
    assert.deepEqual(page.saved, [{ comparisonId: 'cmp-1' }], 'the tab keeps which comparison it shows, for a reload');
    assert.equal(page.$('[data-role="question"]').textContent, 'What does it do?');
    assert.match(page.$('[data-role="context"]').textContent ?? '', /About sample\.ts:6-10/);
    const columns = page.$$('[data-role="column"]');
    assert.deepEqual(columns.map((c) => c.dataset.modelId), ['o3-mini', 'o1']);
    assert.equal(columns[0]!.getAttribute('aria-label'), 'Answer from o3-mini');

    const done = '[data-turn-id="a-1"][data-role="column"]';
    assert.equal(page.$(`${done} [data-role="answer"]`).dataset.state, 'complete');
    assert.equal(page.$(`${done} [data-role="elapsed"]`).textContent, '2s');
    assert.equal(page.$(`${done} [data-role="usage"]`).textContent, '120 in · 340 out · 256 reasoning · $0.0031');
    assert.equal(page.$(`${done} [data-role="answer-body"] strong`).textContent, 'distance');
    assert.equal(page.$$(`${done} [data-role="code-block"]`).length, 1);
    assert.equal(page.$(`${done} [data-role="keep"]`).textContent?.trim(), 'Keep this answer');

    const failed = '[data-turn-id="a-2"][data-role="column"]';
    assert.equal(page.$(`${failed} [data-role="answer"]`).dataset.state, 'error');
    assert.equal(page.$(`${failed} [data-role="status"]`).textContent, 'Failed');
    assert.match(page.$(`${failed} [data-role="error-message"]`).textContent ?? '', /refused the request \(HTTP 400\)/);
    assert.match(page.$(`${failed} [data-role="server-message"]`).textContent ?? '', /The server said \(HTTP 400\): o1 is not available on your plan/);
    assert.deepEqual(page.$$(`${failed} [data-turn-action]`).map((b) => b.dataset.turnAction), ['retry', 'switchModel', 'openLog']);
    assert.equal(page.$$(`${failed} [data-role="keep"]`).length, 0, 'a failed answer cannot be kept');
  });

  it('Keep, Retry, an error action and a code block\'s Copy post their messages for that column', () => {
    page = loadPage();
    page.send({ type: 'state', state: { id: 'cmp-1', question: 'q', contextLabels: [], columns: [column(DONE), column(FAILED)] } });
    page.posted.length = 0;
    page.click('[data-turn-id="a-1"] [data-role="keep"]');
    page.click('[data-turn-id="a-2"] [data-turn-action="retry"]');
    page.click('[data-turn-id="a-2"] [data-turn-action="switchModel"]');
    page.click('[data-turn-id="a-1"] [data-code-action="copy"]');
    assert.deepEqual(page.posted, [
      { type: 'keep', turnId: 'a-1' },
      { type: 'retry', turnId: 'a-2' },
      { type: 'action', action: 'switchModel', turnId: 'a-2' },
      { type: 'copyCode', code: 'return Math.hypot(dx, dy);\n' },
    ]);
  });

  it('streams into a column, offers Stop while it runs, then marks the fastest and cheapest and a kept answer', async () => {
    page = loadPage();
    const running = turn('a-3', 'o3', { status: 'streaming' });
    page.send({ type: 'state', state: { id: 'cmp-1', question: 'q', contextLabels: [], columns: [column(running), column(DONE)] } });
    page.send({ type: 'delta', turnId: 'a-3', text: 'Partial **bold', reasoning: '' });
    await page.frame();
    assert.match(page.$('[data-turn-id="a-3"] [data-role="answer-body"]').textContent ?? '', /Partial/);
    page.click('[data-turn-id="a-3"] [data-column-action="stop"]');
    assert.deepEqual(page.posted.at(-1), { type: 'stop', turnId: 'a-3' });

    const finished = { ...running, status: 'complete' as const, text: 'Partial **bold** and done.', elapsedMs: 1000, usage: { inputTokens: 1, outputTokens: 2, reasoningTokens: 0, costUsd: 0.01 } };
    page.send({ type: 'column', column: column(finished) });
    assert.equal(page.$$('[data-turn-id="a-3"] [data-column-action="stop"]').length, 0);
    assert.equal(page.$('[data-turn-id="a-3"] [data-badge="fastest"]').textContent?.trim(), 'Fastest');
    assert.equal(page.$('[data-turn-id="a-1"] [data-badge="cheapest"]').textContent?.trim(), 'Cheapest');

    page.send({ type: 'column', column: column(finished, true) });
    assert.match(page.$('[data-turn-id="a-3"] [data-role="kept"]').textContent ?? '', /Kept: continues in the chat/);
    assert.equal(page.$$('[data-turn-id="a-3"] [data-role="keep"]').length, 0);
  });

  it('model output is sanitized: no script, handler, image or non-web link reaches the page', () => {
    page = loadPage();
    const hostile = turn('a-1', 'o1', { text: '<img src=x onerror=alert(1)><script>alert(2)</script>[x](javascript:alert(3)) [ok](https://example.com)\n\n<b onclick="x()">b</b>' });
    page.send({ type: 'state', state: { id: 'cmp-1', question: '<img src=x onerror=alert(1)>', contextLabels: [], columns: [column(hostile), column(DONE)] } });
    const body = page.$('[data-turn-id="a-1"] [data-role="answer-body"]');
    assert.equal(body.querySelectorAll('img, script, [onerror], [onclick]').length, 0);
    assert.deepEqual(Array.from(body.querySelectorAll('a[href]')).map((a) => a.getAttribute('href')), ['https://example.com']);
    assert.equal(page.$('[data-role="question"]').textContent, '<img src=x onerror=alert(1)>', 'the question is text');
    assert.equal(page.$$('img').length, 0);
  });

  it('ignores malformed host messages', () => {
    page = loadPage();
    page.send({ type: 'state', state: { id: 'cmp-1', question: 'q', contextLabels: [], columns: [column(DONE), column(FAILED)] } });
    page.window.dispatchEvent(new page.window.MessageEvent('message', { data: { type: 'column', column: { turn: { id: 'a-1' } } } }));
    assert.equal(page.$$('[data-role="column"]').length, 2);
  });
});
