/**
 * The bundled chat page (dist/webview/webview.js) in jsdom: the real script, fed
 * host messages, answering with protocol messages. Checks the DOM hooks the
 * end-to-end tests rely on, streaming, sanitizing and the keyboard.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JSDOM } from 'jsdom';
import { endedEarlyNote, truncatedAnswerMessage } from '../../src/core/common/answerNotices';
import type { AssistantTurn, Conversation, UserTurn } from '../../src/core/common/conversation';
import { type ImageAttachment, checkImageData, imageAttachment } from '../../src/core/common/images';
import { PAGE_DATA_ID, embeddedJson, pageDataBlock } from '../../src/core/common/pageData';
import { MARKDOWN_PAGE_SCRIPTS } from '../../src/core/common/pageScripts';
import type { ChatPageData, ChatState, HostMessage, WebviewMessage } from '../../src/core/common/protocol';
import { pngImage } from '../fixtures/images';
import { OPEN_BLOCK_HIGHLIGHT_LIMIT } from '../../src/webview/highlight';
import { BLOCKS_PER_PART } from '../../src/webview/markdownParts';
import { HOSTILE_ANSWERS } from '../fixtures/hostile-answers';

const WEBVIEW_DIST = path.resolve(__dirname, '../../../dist/webview');
const BUNDLE = path.join(WEBVIEW_DIST, 'webview.js');

interface Page {
  readonly window: JSDOM['window'];
  readonly document: Document;
  readonly posted: WebviewMessage[];
  /** blob: URLs the page made and revoked (jsdom has no object URLs: these stand in, as the browser's would). */
  readonly objectUrls: { readonly created: string[]; readonly revoked: string[] };
  send(message: HostMessage): void;
  sendRaw(message: unknown): void;
  $(selector: string): HTMLElement;
  $$(selector: string): HTMLElement[];
  frame(): Promise<void>;
  close(): void;
}

/** `dataBlock`: the HTML of the data the page is created with (pageHtml puts it before the script). */
function loadPage(savedState?: unknown, dataBlock = ''): Page {
  const dom = new JSDOM(`<!DOCTYPE html><html><body class="vscode-dark" data-page="chat"><div id="app"></div>${dataBlock}</body></html>`, {
    runScripts: 'outside-only',
    pretendToBeVisual: true,
  });
  const posted: WebviewMessage[] = [];
  let state = savedState;
  const window = dom.window;
  (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({
    postMessage: (message: WebviewMessage) => posted.push(JSON.parse(JSON.stringify(message)) as WebviewMessage),
    getState: () => state,
    setState: (next: unknown) => { state = next; },
  });
  const objectUrls = { created: [] as string[], revoked: [] as string[] };
  const urls = window.URL as unknown as { createObjectURL(blob: Blob): string; revokeObjectURL(url: string): void };
  urls.createObjectURL = (blob) => {
    const url = `blob:vscode-webview://test/${objectUrls.created.length + 1}-${blob.type}-${blob.size}`;
    objectUrls.created.push(url);
    return url;
  };
  urls.revokeObjectURL = (url) => { objectUrls.revoked.push(url); };
  for (const script of MARKDOWN_PAGE_SCRIPTS) window.eval(fs.readFileSync(path.join(WEBVIEW_DIST, script), 'utf8'));
  const document = window.document;
  return {
    window,
    document,
    posted,
    objectUrls,
    send: (message) => { window.dispatchEvent(new window.MessageEvent('message', { data: JSON.parse(JSON.stringify(message)) })); },
    sendRaw: (message) => { window.dispatchEvent(new window.MessageEvent('message', { data: message })); },
    $: (selector) => {
      const element = document.querySelector<HTMLElement>(selector);
      assert.ok(element, `no element matches ${selector}`);
      return element;
    },
    $$: (selector) => Array.from(document.querySelectorAll<HTMLElement>(selector)),
    // Streamed text is drawn every other frame at most (answer.ts): two frames see it drawn.
    frame: () => new Promise((resolve) => window.requestAnimationFrame(() => window.requestAnimationFrame(() => setTimeout(resolve, 0)))),
    close: () => window.close(),
  };
}

const NOW = Date.now();

function userTurn(id: string, text: string): UserTurn {
  return { role: 'user', id, text, createdAt: NOW };
}

function answerTurn(id: string, text: string, extra: Partial<AssistantTurn> = {}): AssistantTurn {
  return { role: 'assistant', id, modelId: 'o3-mini', modelLabel: 'o3-mini', effort: 'high', status: 'complete', text, reasoning: '', createdAt: NOW, elapsedMs: 3200, ...extra };
}

function conversation(turns: Conversation['turns'], id = 'c-1'): Conversation {
  return { version: 1, id, title: 'Loop question', titleSource: 'auto', createdAt: NOW, updatedAt: NOW, turns };
}

function state(active: Conversation, extra: Partial<ChatState> = {}): ChatState {
  return {
    conversations: [{ id: active.id, title: active.title, createdAt: NOW, updatedAt: NOW, turnCount: active.turns.length }, { id: 'c-2', title: 'Older chat', createdAt: NOW - 1e7, updatedAt: NOW - 1e7, turnCount: 2 }],
    active,
    running: false,
    models: [
      { id: 'o3-mini', label: 'o3-mini', description: 'fast', api: 'chat' },
      { id: 'o3-pro', label: 'o3-pro', description: 'deep', api: 'responses' },
    ],
    efforts: ['low', 'medium', 'high'],
    composer: { modelId: 'o3-mini', effort: 'medium' },
    contexts: [],
    images: [],
    ...extra,
  };
}

const PNG = pngImage();

function shot(name = 'shot.png', bytes = PNG): ImageAttachment {
  const base64 = bytes.toString('base64');
  const check = checkImageData(name, base64);
  assert.ok(check.ok);
  return imageAttachment(name, base64, check);
}

const IMAGE_MODELS: ChatState['models'] = [
  { id: 'o3-mini', label: 'o3-mini', description: 'fast', api: 'chat', imageInput: false },
  { id: 'o3', label: 'o3', description: 'sees', api: 'chat', imageInput: true },
  { id: 'o3-pro', label: 'o3-pro', description: 'deep', api: 'responses', imageInput: true },
];

/** Waits until the live region says `text` (the page clears it, then sets it a moment later so that it is read out again). */
async function liveStatusSays(page: { $(selector: string): Element }, text: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (page.$('#live-status').textContent !== text) {
    if (Date.now() > deadline) assert.fail(`the live region says ${JSON.stringify(page.$('#live-status').textContent)}, not ${JSON.stringify(text)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function key(page: Page, element: HTMLElement, init: KeyboardEventInit): void {
  element.dispatchEvent(new page.window.KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init }));
}

describe('chat webview page (bundled script in jsdom)', function () {
  before(() => {
    assert.ok(fs.existsSync(BUNDLE), `${BUNDLE} is missing: npm run test:unit builds it (node esbuild.js --tests)`);
  });

  let page: Page;
  afterEach(() => page?.close());

  it('says ready, then shows the state with stable hooks for every control (the closed list once the page is idle)', async () => {
    page = loadPage();
    assert.deepEqual(page.posted, [{ type: 'ready' }]);
    page.send({ type: 'state', state: state(conversation([
      userTurn('u-1', 'Why?'),
      answerTurn('a-1', 'Because.\n\n```ts\nlet x = 1;\n```\n', { usage: { inputTokens: 10, outputTokens: 20, reasoningTokens: 5, costUsd: 0.001 } }),
    ])) });
    assert.equal(page.$('#composer-input').getAttribute('aria-label'), 'Message Reasoner');
    assert.equal(page.$('#send').getAttribute('aria-label'), 'Send');
    assert.equal(page.$('#stop').getAttribute('aria-label'), 'Stop');
    assert.equal(page.$('#stop').hidden, true);
    assert.equal(page.$('#model-picker').getAttribute('aria-label'), 'Model');
    assert.equal(page.$('#effort-picker').getAttribute('aria-label'), 'Reasoning effort');
    assert.deepEqual(page.$$('#model-picker option').map((o) => o.textContent), ['o3-mini', 'o3-pro']);
    assert.equal((page.$('#effort-picker') as HTMLSelectElement).value, 'medium');
    const answer = page.$('[data-role="answer"]');
    assert.equal(answer.dataset.state, 'complete');
    assert.equal(answer.dataset.turnId, 'a-1');
    assert.equal(page.$('[data-role="answer"] [data-role="model"]').textContent, 'o3-mini');
    assert.equal(page.$('[data-role="answer"] [data-role="effort"]').textContent, 'high effort');
    assert.equal(page.$('[data-role="answer"] [data-role="elapsed"]').textContent, '3s');
    assert.equal(page.$('[data-role="answer"] [data-role="usage"]').textContent, '10 in · 20 out · 5 reasoning · $0.0010');
    assert.equal(page.$$('[data-role="code-block"]').length, 1);
    for (const label of ['Copy', 'Insert at Cursor', 'Apply to Selection', 'New File']) {
      assert.equal(page.$$(`[data-role="code-block"] button[aria-label="${label}"]`).length, 1, label);
    }
    await page.frame();
    assert.deepEqual(page.$$('[data-role="conversation"]').map((li) => li.dataset.conversationId), ['c-1', 'c-2']);
    assert.equal(page.$('[data-role="conversation"][aria-current="true"]').dataset.conversationId, 'c-1');
    assert.equal(page.$('#conversation-title').textContent, 'Loop question');
    for (const button of page.$$('button')) {
      assert.ok(button.getAttribute('aria-label') || button.textContent?.trim(), `button has a name: ${button.outerHTML.slice(0, 80)}`);
    }
  });

  it('streams an answer incrementally and ends with the same HTML as a full render', async () => {
    page = loadPage();
    page.send({ type: 'state', state: state(conversation([])) });
    assert.ok(page.$('[data-role="empty-state"]'));
    page.send({ type: 'turnAdded', conversationId: 'c-1', turn: userTurn('u-1', 'Explain') });
    page.send({ type: 'turnAdded', conversationId: 'c-1', turn: answerTurn('a-1', '', { status: 'streaming', elapsedMs: undefined }) });
    page.send({ type: 'running', conversationId: 'c-1', running: true });
    assert.equal(page.$('#send').hidden, true);
    assert.equal(page.$('#stop').hidden, false);
    assert.equal(page.$('[data-role="answer"]').dataset.state, 'streaming');
    assert.equal(page.$('[data-role="answer"]').getAttribute('aria-busy'), 'true');
    const text = 'First paragraph.\n\n```python\nprint("hi")\n```\n\n- a\n- b\n\nLast [link](https://example.com).';
    for (let i = 0; i < text.length; i += 7) {
      page.send({ type: 'turnDelta', conversationId: 'c-1', turnId: 'a-1', text: text.slice(i, i + 7), reasoning: i === 0 ? 'Thinking about it.' : '' });
      if (i % 21 === 0) await page.frame();
    }
    await page.frame();
    const body = page.$('[data-role="answer-body"]');
    assert.match(body.textContent ?? '', /First paragraph\./);
    assert.equal(page.$('[data-role="reasoning"]').hidden, false);
    assert.equal(page.$('[data-role="reasoning"]').hasAttribute('open'), false, 'the reasoning summary starts collapsed');
    assert.ok(page.$('#live-answer').textContent?.includes('First paragraph.'), 'completed blocks are announced politely');
    page.send({ type: 'turnUpdated', conversationId: 'c-1', turn: answerTurn('a-1', text, { reasoning: 'Thinking about it.' }) });
    page.send({ type: 'running', conversationId: 'c-1', running: false });
    assert.equal(page.$('[data-role="answer"]').dataset.state, 'complete');
    assert.equal(page.$('#send').hidden, false);

    // The same text rendered from scratch (a reload) gives the same DOM.
    const streamed = body.innerHTML;
    const fresh = loadPage();
    fresh.send({ type: 'state', state: state(conversation([userTurn('u-1', 'Explain'), answerTurn('a-1', text)])) });
    await fresh.frame();
    assert.equal(fresh.$('[data-role="answer-body"]').innerHTML, streamed);
    fresh.close();
  });

  it('a long answer streamed in random pieces keeps its final blocks in parts that later draws leave alone, and ends as drawn at once', async () => {
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const blocks: string[] = [];
    for (let i = 0; i < 120; i++) {
      const kinds = [`Paragraph ${i} with **bold** and \`code\`.\nA second line.`, `- item ${i}\n- next\n\n  loose`, `\`\`\`ts\nconst n${i} = ${i};\n\`\`\``,
        `Title ${i}\n===`, `| a | b |\n|---|---|\n| ${i} | x |`, `> quoted ${i}\nlazy line`, `    indented ${i}`];
      blocks.push(kinds[Math.floor(random() * kinds.length)]!);
    }
    const long = blocks.join('\n\n');
    const hostile = HOSTILE_ANSWERS.map((answer) => answer.markdown).join('\n\n');
    for (const [index, text] of [long, `${long}\n\n${hostile}`].entries()) {
      page = loadPage();
      page.send({ type: 'state', state: state(conversation([userTurn('u-1', 'Explain')])) });
      page.send({ type: 'turnAdded', conversationId: 'c-1', turn: answerTurn('a-1', '', { status: 'streaming', elapsedMs: undefined }) });
      const body = page.$('[data-role="answer-body"]');
      let firstFull: { part: Element; html: string } | undefined;
      for (let at = 0; at < text.length;) {
        const size = 1 + Math.floor(random() * 40);
        page.send({ type: 'turnDelta', conversationId: 'c-1', turnId: 'a-1', text: text.slice(at, at + size), reasoning: '' });
        at += size;
        if (random() < 0.2) await page.frame();
        const parts = body.querySelectorAll(':scope > .markdown-part');
        if (!firstFull && parts.length > 1) firstFull = { part: parts[0]!, html: parts[0]!.innerHTML };
      }
      await page.frame();
      page.send({ type: 'turnUpdated', conversationId: 'c-1', turn: answerTurn('a-1', text) });
      const parts = page.$$('[data-role="answer-body"] > .markdown-part');
      assert.ok(parts.length >= 3, `${parts.length} parts`);
      assert.deepEqual(Array.from(body.children).filter((child) => !child.classList.contains('markdown-part')), [], 'every final block is in a part');
      assert.ok(parts.every((part) => part.childElementCount <= BLOCKS_PER_PART), 'no part holds more than its share of blocks');
      if (index === 0) {
        assert.ok(firstFull, 'a part filled up while the answer streamed');
        assert.equal(parts[0], firstFull.part, 'a full part is not drawn again by later draws');
        assert.equal(parts[0]!.innerHTML, firstFull.html);
      }
      assert.equal(body.querySelectorAll('pre').length, body.querySelectorAll('[data-role="code-block"] > pre').length, 'every code block has its toolbar');
      assert.equal(body.querySelectorAll('img, script, [onerror]').length, 0);

      const fresh = loadPage();
      fresh.send({ type: 'state', state: state(conversation([userTurn('u-1', 'Explain'), answerTurn('a-1', text)])) });
      await fresh.frame();
      assert.equal(fresh.$('[data-role="answer-body"]').innerHTML, body.innerHTML, 'streamed and drawn at once give the same DOM');
      fresh.close();
      if (index === 0) page.close();
    }
  });

  it('every draw of a streaming answer shows what drawing the text so far at once shows, while its open block grows in place', async () => {
    let seed = 5;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const blocks: string[] = [];
    for (let i = 0; i < 40; i++) {
      const kinds = [`Paragraph ${i} with **bold**, \`code\` and https://example.com/${i} that goes on for a while.`, `- item ${i}\n- next with *emphasis*\n- third`,
        `\`\`\`ts\nconst n${i} = ${i};\nexport function f${i}() { return n${i}; }\n\`\`\``, `> quoted ${i}\nlazy line`, `| a | b |\n|---|---|\n| ${i} | x |\n| y | z |`, `1. one\n2. two ${i}`];
      blocks.push(kinds[Math.floor(random() * kinds.length)]!);
    }
    const text = `${blocks.join('\n\n')}\n\n${HOSTILE_ANSWERS.slice(0, 4).map((answer) => answer.markdown).join('\n\n')}`;
    page = loadPage();
    page.send({ type: 'state', state: state(conversation([userTurn('u-1', 'Explain')])) });
    page.send({ type: 'turnAdded', conversationId: 'c-1', turn: answerTurn('a-1', '', { status: 'streaming', elapsedMs: undefined }) });
    const body = page.$('[data-role="answer-body"]');
    let open: { element: Element; text: string } | undefined;
    let grewInPlace = false;
    let checks = 0;
    for (let at = 0; at < text.length;) {
      const size = 1 + Math.floor(random() * 12);
      page.send({ type: 'turnDelta', conversationId: 'c-1', turnId: 'a-1', text: text.slice(at, at + size), reasoning: '' });
      at += size;
      await page.frame();
      const last = body.lastElementChild;
      if (last && last === open?.element && last.textContent !== open.text) grewInPlace = true;
      open = last ? { element: last, text: last.textContent ?? '' } : undefined;
      if (random() < 0.03) {
        const fresh = loadPage();
        try {
          fresh.send({ type: 'state', state: state(conversation([userTurn('u-1', 'Explain'), answerTurn('a-1', text.slice(0, at), { status: 'streaming', elapsedMs: undefined })])) });
          // Code waiting for its language (which jsdom cannot load) is marked until the page has tried: not a difference.
          const shown = (html: string) => html.replaceAll(' highlight-pending', '');
          assert.equal(shown(body.innerHTML), shown(fresh.$('[data-role="answer-body"]').innerHTML), `drawn after ${at} characters`);
        } finally {
          fresh.close();
        }
        checks++;
      }
    }
    assert.ok(checks >= 5, `${checks} draws compared`);
    assert.ok(grewInPlace, 'the open block kept its element while it grew');
    assert.equal(body.querySelectorAll('img, script, [onerror]').length, 0);
  });

  // Highlighted once final too, where highlight.js can load (jsdom cannot import its chunks): the chat e2e test.
  it('a long code block grows in place while it streams, escaped and sanitized, and is drawn whole once final', async () => {
    page = loadPage();
    page.send({ type: 'state', state: state(conversation([userTurn('u-1', 'Write it')])) });
    page.send({ type: 'turnAdded', conversationId: 'c-1', turn: answerTurn('a-1', '', { status: 'streaming', elapsedMs: undefined }) });
    const line = 'const tag = "<img src=x onerror=window.pwned=1>"; // & more\n';
    const opening = 'The module:\n\n```ts\n';
    let text = opening;
    let pre: Element | null = null;
    for (let i = 0; i < 600; i++) {
      text += line;
      page.send({ type: 'turnDelta', conversationId: 'c-1', turnId: 'a-1', text: i === 0 ? opening + line : line, reasoning: '' });
      if (i % 50 !== 49) continue;
      await page.frame();
      const code = page.$('[data-role="answer-body"] pre > code');
      assert.equal(code.textContent, text.slice(opening.length), 'every line shown, as text');
      if (text.length - opening.length <= OPEN_BLOCK_HIGHLIGHT_LIMIT) continue;
      assert.equal(code.querySelectorAll(':not(.code-chunk)').length, 0, 'escaped, not highlighted, while it streams');
      pre ??= code.parentElement;
      assert.equal(code.parentElement, pre, 'the block grows in place instead of being drawn again');
    }
    assert.ok(pre, 'the block passed the size above which it waits for highlighting');
    const chunks = page.$$('[data-role="answer-body"] pre > code > .code-chunk');
    assert.ok(chunks.length > 0 && chunks.every((chunk) => chunk.previousSibling?.textContent?.endsWith('\n')), 'laid out in parts that begin at line ends');
    const body = page.$('[data-role="answer-body"]');
    assert.equal(body.querySelectorAll('img, [onerror]').length, 0);
    assert.equal((page.window as unknown as { pwned?: number }).pwned, undefined);

    page.send({ type: 'turnUpdated', conversationId: 'c-1', turn: answerTurn('a-1', `${text}\`\`\`\n`) });
    await page.frame();
    const whole = body.querySelector('pre > code.language-ts');
    assert.equal(whole?.textContent, text.slice(opening.length), 'drawn whole once final');
    assert.equal(whole?.querySelectorAll('.code-chunk').length, 0, 'no longer in parts');
    const fresh = loadPage();
    fresh.send({ type: 'state', state: state(conversation([userTurn('u-1', 'Write it'), answerTurn('a-1', `${text}\`\`\`\n`)])) });
    await fresh.frame();
    assert.equal(fresh.$('[data-role="answer-body"]').innerHTML, body.innerHTML);
    fresh.close();
  });

  it('never lets hostile markup from an answer into the DOM, and opens links through the host', () => {
    page = loadPage();
    const hostile = '<script>window.pwned = 1</script> <img src=x onerror="window.pwned=2"> [x](javascript:window.pwned=3) <iframe src="https://evil.test"></iframe> [ok](https://example.com/docs)';
    page.send({ type: 'state', state: state(conversation([answerTurn('a-1', hostile)])) });
    const body = page.$('[data-role="answer-body"]');
    assert.equal(body.querySelectorAll('script, img, iframe, [onerror]').length, 0);
    assert.equal((page.window as unknown as { pwned?: number }).pwned, undefined);
    const links = Array.from(body.querySelectorAll('a[href]'));
    assert.ok(links.every((a) => /^https?:\/\//.test(a.getAttribute('href') ?? '')), 'only web links keep an href');
    const docs = links.find((a) => a.getAttribute('href') === 'https://example.com/docs') as HTMLElement;
    docs.click();
    assert.deepEqual(page.posted.at(-1), { type: 'openLink', href: 'https://example.com/docs' });
  });

  it('sends with Enter, keeps Shift+Enter for new lines, recalls the last prompt with Up, and stops with Escape', () => {
    page = loadPage();
    page.send({ type: 'state', state: state(conversation([userTurn('u-1', 'previous prompt'), answerTurn('a-1', 'ok')])) });
    const input = page.$('#composer-input') as HTMLTextAreaElement;
    key(page, input, { key: 'ArrowUp' });
    assert.equal(input.value, 'previous prompt');
    input.value = 'line one';
    key(page, input, { key: 'Enter', shiftKey: true });
    assert.equal(page.posted.filter((m) => m.type === 'send').length, 0);
    (page.$('#model-picker') as HTMLSelectElement).value = 'o3-pro';
    key(page, input, { key: 'Enter' });
    assert.deepEqual(page.posted.at(-1), { type: 'send', text: 'line one', modelId: 'o3-pro', effort: 'medium' });
    assert.equal(input.value, '');
    page.send({ type: 'running', conversationId: 'c-1', running: true });
    key(page, input, { key: 'Escape' });
    assert.deepEqual(page.posted.at(-1), { type: 'stop' });
    input.value = 'typed while running';
    key(page, input, { key: 'Enter' });
    assert.notEqual(page.posted.at(-1)?.type, 'send');
  });

  it('posts code-block actions with the code and its language', () => {
    page = loadPage();
    page.send({ type: 'state', state: state(conversation([answerTurn('a-1', '```typescript\nconst a = 1;\n```')])) });
    page.$('[data-role="code-block"] button[aria-label="Insert at Cursor"]').click();
    assert.deepEqual(page.posted.at(-1), { type: 'insertCode', code: 'const a = 1;\n' });
    page.$('[data-role="code-block"] button[aria-label="Apply to Selection"]').click();
    assert.deepEqual(page.posted.at(-1), { type: 'applyCode', code: 'const a = 1;\n', languageId: 'typescript' });
    page.$('[data-role="code-block"] button[aria-label="New File"]').click();
    assert.deepEqual(page.posted.at(-1), { type: 'newFile', code: 'const a = 1;\n', languageId: 'typescript' });
    page.$('[data-role="code-block"] button[aria-label="Copy"]').click();
    assert.deepEqual(page.posted.at(-1), { type: 'copyCode', code: 'const a = 1;\n' });
  });

  it('shows an error with the server message and its actions; a stopped answer keeps its text', () => {
    page = loadPage();
    page.send({ type: 'state', state: state(conversation([
      userTurn('u-1', 'q'),
      answerTurn('a-1', 'partial answer', { status: 'stopped' }),
      userTurn('u-2', 'q2'),
      answerTurn('a-2', '', { status: 'error', error: { kind: 'auth', message: 'The API key was rejected.', serverMessage: 'Invalid key sk-…', status: 401, actions: ['retry', 'setApiKey', 'switchModel'] } }),
    ])) });
    const [stopped, failed] = page.$$('[data-role="answer"]');
    assert.equal(stopped!.dataset.state, 'stopped');
    assert.match(stopped!.textContent ?? '', /partial answer/);
    assert.deepEqual(Array.from(stopped!.querySelectorAll('button[data-turn-action]'), (b) => b.textContent?.trim()), ['Retry']);
    assert.equal(failed!.dataset.state, 'error');
    assert.match(failed!.querySelector('[data-role="server-message"]')?.textContent ?? '', /HTTP 401.*Invalid key/);
    const buttons = Array.from(failed!.querySelectorAll<HTMLButtonElement>('button[data-turn-action]'));
    // The error presenter's order, the same as in notifications and inline threads: the fix first, Retry last.
    assert.deepEqual(buttons.map((b) => b.textContent?.trim()), ['Set API Key', 'Switch Model', 'Retry']);
    buttons[0]!.click();
    // The turn is named with its conversation: the host acts there even if another one opened meanwhile.
    assert.deepEqual(page.posted.at(-1), { type: 'action', action: 'setApiKey', conversationId: 'c-1', turnId: 'a-2' });
    buttons[2]!.click();
    assert.deepEqual(page.posted.at(-1), { type: 'retry', conversationId: 'c-1', turnId: 'a-2' });
  });

  it('says why an answer ended early in the answer notices\' words, the same the inline threads use', () => {
    page = loadPage();
    const endedEarly = [
      answerTurn('a-1', 'partial answer', { status: 'stopped' }),
      answerTurn('a-2', '', { status: 'stopped' }),
      answerTurn('a-3', 'It measures', { status: 'incomplete', finish: 'incomplete:max_output_tokens', notice: truncatedAnswerMessage('length', 'It measures') }),
      answerTurn('a-4', '', { status: 'incomplete', finish: 'length' }),
      answerTurn('a-5', 'Filtered', { status: 'incomplete', finish: 'content_filter' }),
    ];
    page.send({ type: 'state', state: state(conversation(endedEarly.flatMap((turn) => [userTurn(`u-${turn.id}`, 'q'), turn]))) });
    const notes = page.$$('[data-role="answer"]').map((answer) => answer.querySelector('.answer-note')?.textContent?.trim());
    assert.deepEqual(notes, [
      `Stopped. ${endedEarlyNote(endedEarly[0]!)}`, `Stopped. ${endedEarlyNote(endedEarly[1]!)}`,
      ...endedEarly.slice(2).map((turn) => endedEarlyNote(turn)),
    ]);
    assert.match(notes[2] ?? '', /cut off at the output token limit/);
    assert.match(notes[3] ?? '', /whole output budget on reasoning/, 'no text at the limit: the budget went to reasoning');
    assert.match(notes[4] ?? '', /content filter/);
  });

  it('shows and removes context chips, switches and renames conversations', () => {
    page = loadPage();
    page.send({ type: 'state', state: state(conversation([])) });
    page.send({ type: 'contexts', contexts: [{ id: 'ctx-1', kind: 'selection', label: 'loop.ts:3-5', context: { fileName: 'src/loop.ts', languageId: 'typescript', code: 'x', startLine: 3, endLine: 5 } }] });
    const chip = page.$('[data-role="context-chip"]');
    assert.match(chip.textContent ?? '', /loop\.ts:3-5/);
    page.$('[data-role="context-chip"] button[aria-label="Remove loop.ts:3-5"]').click();
    assert.deepEqual(page.posted.at(-1), { type: 'removeContext', id: 'ctx-1' });
    page.$('#add-selection').click();
    assert.deepEqual(page.posted.at(-1), { type: 'addContext', kind: 'selection' });

    page.$('#conversations-toggle').click();
    assert.equal(page.$('#conversation-list').hidden, false);
    page.$('[data-conversation-id="c-2"] .conversation-open').click();
    assert.deepEqual(page.posted.at(-1), { type: 'switchConversation', id: 'c-2' });
    page.$('#conversations-toggle').click();
    page.$('[data-conversation-id="c-2"] button[aria-label="Rename chat: Older chat"]').click();
    const input = page.$('.rename-input') as HTMLInputElement;
    input.value = 'Renamed';
    key(page, input, { key: 'Enter' });
    assert.deepEqual(page.posted.at(-1), { type: 'renameConversation', id: 'c-2', title: 'Renamed' });
    page.$('[data-conversation-id="c-2"] button[aria-label="Export chat as Markdown: Older chat"]').click();
    assert.deepEqual(page.posted.at(-1), { type: 'exportConversation', id: 'c-2' });
    page.$('#new-chat').click();
    assert.deepEqual(page.posted.at(-1), { type: 'newChat' });
  });

  it('shows each waiting image as a chip with its thumbnail, name and size, announces it, and removes it with a labelled button', async () => {
    page = loadPage();
    page.send({ type: 'state', state: state(conversation([]), { models: IMAGE_MODELS, composer: { modelId: 'o3', effort: 'medium' } }) });
    assert.equal(page.$('.image-attachments').hidden, true, 'no images, no chip row');
    page.send({ type: 'images', images: [{ id: 'img-1', ...shot() }] });
    const chip = page.$('[data-role="image-chip"]');
    assert.equal(page.$('.image-attachments').hidden, false);
    assert.match(chip.getAttribute('aria-label') ?? '', /^Image shot\.png \(PNG, \d+ bytes\)$/);
    const thumbnail = chip.querySelector('img[data-role="image-thumbnail"]');
    assert.ok(thumbnail, 'the chip has a thumbnail');
    assert.equal(thumbnail.getAttribute('src'), page.objectUrls.created[0], 'made by the page as a blob: URL');
    assert.match(page.objectUrls.created[0]!, new RegExp(`-image/png-${PNG.length}$`), 'from the image bytes, typed');
    assert.equal(page.$$('[data-role="image-unsupported"]').length, 0, 'o3 takes images');
    await liveStatusSays(page, 'Image shot.png attached.');

    const remove = chip.querySelector<HTMLButtonElement>('button[data-remove-image]');
    assert.equal(remove?.getAttribute('aria-label'), 'Remove image shot.png');
    assert.equal(remove?.tabIndex, 0, 'reachable by keyboard');
    remove!.click();
    assert.deepEqual(page.posted.at(-1), { type: 'removeImage', id: 'img-1' });
    page.send({ type: 'images', images: [] });
    assert.equal(page.$$('[data-role="image-chip"]').length, 0);
    assert.deepEqual(page.objectUrls.revoked, [page.objectUrls.created[0]], 'the thumbnail is released');
    await liveStatusSays(page, 'Image shot.png removed.');

    page.$('#attach-image').click();
    assert.deepEqual(page.posted.at(-1), { type: 'pickImages' });
    assert.equal(page.$('#attach-image').getAttribute('aria-label'), 'Attach Image');
  });

  it('with a model that cannot take images, the chip says so and offers to switch; sending is refused and the prompt kept', async () => {
    page = loadPage();
    page.send({ type: 'state', state: state(conversation([]), { models: IMAGE_MODELS, images: [{ id: 'img-1', ...shot() }] }) });
    assert.match(page.$('[data-role="image-unsupported"]').textContent ?? '', /o3-mini can't take images/);
    assert.match(page.$('[data-role="image-chip"]').getAttribute('aria-label') ?? '', /o3-mini cannot take it$/);
    const warning = page.$('[data-role="image-model-warning"]');
    assert.equal(warning.hidden, false);
    assert.match(warning.textContent ?? '', /o3-mini cannot take images\. Switch to o3 to send them\./);

    const input = page.$('#composer-input') as HTMLTextAreaElement;
    input.value = 'What is wrong here?';
    key(page, input, { key: 'Enter' });
    assert.equal(page.posted.filter((m) => m.type === 'send').length, 0, 'nothing is sent');
    assert.equal(input.value, 'What is wrong here?', 'the prompt is kept');
    assert.match(page.$('[data-role="notice"]').textContent ?? '', /o3-mini cannot take images, so nothing was sent\. Remove the image, or switch to o3 or o3-pro/);
    assert.equal(page.$$('[data-role="image-chip"]').length, 1, 'the image is kept');

    page.$('[data-role="switch-image-model"]').click();
    assert.deepEqual(page.posted.at(-1), { type: 'setComposer', modelId: 'o3', effort: 'medium' });
    assert.equal((page.$('#model-picker') as HTMLSelectElement).value, 'o3');
    assert.equal(warning.hidden, true);
    assert.equal(page.$$('[data-role="image-unsupported"]').length, 0);
    await liveStatusSays(page, 'Switched to o3.');
    key(page, input, { key: 'Enter' });
    assert.deepEqual(page.posted.at(-1), { type: 'send', text: 'What is wrong here?', modelId: 'o3', effort: 'medium' });

    // Picking the text-only model again brings the warning back.
    page.send({ type: 'images', images: [{ id: 'img-2', ...shot('second.png') }] });
    const picker = page.$('#model-picker') as HTMLSelectElement;
    picker.value = 'o3-mini';
    picker.dispatchEvent(new page.window.Event('change'));
    assert.equal(warning.hidden, false);
  });

  it('a prompt from the history shows its images as thumbnails the page made; anything else never becomes an image', () => {
    page = loadPage();
    const image = shot();
    page.send({ type: 'state', state: state(conversation([{ ...userTurn('u-1', 'What is wrong here?'), images: [image] }, answerTurn('a-1', 'The margin.')])) });
    const thumbnail = page.$('[data-role="prompt"] [data-role="prompt-image"] img[data-role="image-thumbnail"]');
    assert.equal(thumbnail.getAttribute('alt'), 'Image: shot.png');
    assert.equal(thumbnail.getAttribute('src'), page.objectUrls.created[0]);

    const hostile = [{ ...image, url: 'https://evil.test/pixel.png' }, { ...image, url: 'data:image/svg+xml;base64,PHN2Zz4=', mimeType: 'image/svg+xml' }];
    page.send({ type: 'turnAdded', conversationId: 'c-1', turn: { ...userTurn('u-2', 'Look'), images: hostile } as UserTurn });
    assert.equal(page.$$('[data-turn-id="u-2"] img').length, 0);
    assert.ok(page.$$('img').every((img) => img.getAttribute('src')?.startsWith('blob:vscode-webview://test/')), 'every image on the page is a blob: the page made');
    assert.equal(page.objectUrls.created.length, 1);

    page.send({ type: 'conversation', conversation: conversation([], 'c-2'), running: false });
    assert.deepEqual(page.objectUrls.revoked, page.objectUrls.created, 'thumbnails of a conversation no longer shown are released');
  });

  it('ignores malformed host messages and keeps a draft across reloads', () => {
    page = loadPage({ draft: 'half-typed', listOpen: false });
    assert.equal((page.$('#composer-input') as HTMLTextAreaElement).value, 'half-typed');
    page.sendRaw({ type: 'state' });
    page.sendRaw({ type: 'turnDelta', conversationId: 1 });
    page.sendRaw({ type: 'evil', html: '<script>1</script>' });
    page.sendRaw('state');
    assert.equal(page.$$('[data-role="answer"]').length, 0);
    page.send({ type: 'setDraft', text: 'returned prompt' });
    assert.equal((page.$('#composer-input') as HTMLTextAreaElement).value, 'half-typed\n\nreturned prompt');
  });
});

/** Titles that would become markup, end the data block or break a JavaScript string if they were not kept as text. */
const HOSTILE_TITLES = [
  '</script><img src=x onerror="window.pwned=1">',
  '<!--<script>window.pwned=2</script>',
  'line\u2028separator\u2029paragraph & <b>bold</b> ]]> \\u003c',
];

function hostileData(): ChatPageData {
  const active = { ...conversation([userTurn('u-1', 'Why?'), answerTurn('a-1', 'Because <i>so</i>.')]), title: HOSTILE_TITLES[0]! };
  const conversations = HOSTILE_TITLES.map((title, i) => ({ id: i === 0 ? active.id : `c-${i + 1}`, title, createdAt: NOW, updatedAt: NOW, turnCount: 2 }));
  return { revision: 7, state: state(active, { conversations }) };
}

describe('chat webview page created with its state (the JSON data block in its HTML)', function () {
  let page: Page;
  afterEach(() => page?.close());

  it('embeds hostile titles as JSON with no character HTML reads, and gives them back exactly', () => {
    const data = hostileData();
    const json = embeddedJson(data);
    assert.doesNotMatch(json, /[<>&\u2028\u2029]/);
    assert.deepEqual(JSON.parse(json), data);
    const { document } = new JSDOM(`<!DOCTYPE html><html><body>${pageDataBlock(data)}<p id="after">after</p></body></html>`).window;
    assert.equal(document.querySelectorAll('script').length, 1, 'one data block, nothing opened or closed by a title');
    assert.equal(document.querySelectorAll('img, b').length, 0);
    assert.equal(document.getElementById('after')?.textContent, 'after', 'the block ends where it should');
    assert.deepEqual(JSON.parse(document.getElementById(PAGE_DATA_ID)?.textContent ?? ''), data);
  });

  it('draws the embedded list and conversation before any message, titles as text, and names the revision in ready', async () => {
    const data = hostileData();
    page = loadPage({ draft: '', listOpen: true }, pageDataBlock(data));
    assert.deepEqual(page.posted, [{ type: 'ready', shown: 7 }]);
    assert.equal(page.$('[data-role="answer"]').dataset.turnId, 'a-1');
    assert.deepEqual(page.$$('[data-role="conversation"] .conversation-title').map((title) => title.textContent), HOSTILE_TITLES);
    assert.equal(page.$('#conversation-title').textContent, HOSTILE_TITLES[0]);
    assert.equal(page.document.querySelectorAll('#app img, #app b, #app i, #app script').length, 0, 'no title or answer became markup');
    assert.equal((page.window as unknown as { pwned?: number }).pwned, undefined);
    // Later state messages still apply.
    page.send({ type: 'conversations', conversations: [{ id: 'c-1', title: 'Renamed', createdAt: NOW, updatedAt: NOW, turnCount: 2 }] });
    assert.deepEqual(page.$$('[data-role="conversation"] .conversation-title').map((title) => title.textContent), ['Renamed']);
  });

  it('draws nothing from data it cannot read, and asks for the state without naming a revision', () => {
    const blocks = [
      `<script type="application/json" id="${PAGE_DATA_ID}">{"revision":1,"state":{}}</script>`,
      `<script type="application/json" id="${PAGE_DATA_ID}">{"revision":1,</script>`,
      `<script type="application/json" id="${PAGE_DATA_ID}">${embeddedJson({ ...hostileData(), revision: -1 })}</script>`,
    ];
    for (const block of blocks) {
      page = loadPage(undefined, block);
      assert.deepEqual(page.posted, [{ type: 'ready' }], block.slice(0, 80));
      assert.equal(page.$$('[data-role="answer"]').length, 0);
      page.close();
    }
  });
});
