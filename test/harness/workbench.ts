/**
 * The end-to-end fixture: the real workbench (code-server 1.139) in headless
 * Chromium with Reasoner loaded, and the moves a person makes in it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import {
  REPO_ROOT, makeWorkspace, openBrowser, startCodeServer, workbenchUrl,
  type BrowserSession, type CodeServer,
} from './codeServer';

export interface Workbench {
  readonly page: Page;
  readonly server: CodeServer;
  readonly session: BrowserSession;
  readonly folder: string;
  /** Screenshot into test-results/ (kept by CI on failure). */
  screenshot(name: string): Promise<string>;
  /** After a failed test: its screenshot, with Reasoner's own logs from the server and the page's console kept beside it. */
  keepFailure(name: string): Promise<void>;
  close(): Promise<void>;
}

export interface WorkbenchOptions {
  readonly userSettings?: Record<string, unknown>;
  /** Use the extension installed in this extensions folder instead of the development path. */
  readonly extensionsDir?: string;
  readonly env?: Record<string, string>;
  /** Written to the folder's .vscode/settings.json before the workbench opens. */
  readonly workspaceSettings?: Record<string, unknown>;
  /** Open the folder untrusted, in restricted mode. */
  readonly untrusted?: boolean;
  /** The folder to open a copy of: the tests' workspace (default) or the try-it sandbox. */
  readonly fixture?: 'workspace' | 'sandbox';
  /** A file of the folder (relative) to open as the workbench starts, as the sandbox opens its README. */
  readonly openFile?: string;
}

/**
 * Workbenches launched and not yet closed: what a failed test leaves on screen. Each test file and the root
 * hooks are bundles of their own, each with its own copy of this module, so the set lives on the process.
 */
const openWorkbenches: Set<Workbench> = ((globalThis as Record<symbol, unknown>)[Symbol.for('reasoner.e2e.openWorkbenches')] ??= new Set<Workbench>()) as Set<Workbench>;

/**
 * After a failed test: each open workbench's screenshot, Reasoner's logs and the page's console, kept under
 * `test-results/failed-<title>`. Called by the e2e suites' root hook, so every suite keeps its failures alike.
 */
export async function keepFailedTest(testTitle: string): Promise<void> {
  const name = `failed-${testTitle.slice(0, 60).replace(/\W+/g, '-')}`;
  for (const [index, workbench] of [...openWorkbenches].entries()) {
    try {
      await workbench.keepFailure(index === 0 ? name : `${name}-${index + 1}`);
    } catch (error) {
      // The failure itself is what the run reports; a page too broken to photograph must not hide it.
      process.stderr.write(`could not keep the failure of "${testTitle}": ${String(error)}\n`);
    }
  }
}

export async function launchWorkbench(options: WorkbenchOptions = {}): Promise<Workbench> {
  const folder = makeWorkspace(options.fixture);
  if (options.workspaceSettings) {
    fs.mkdirSync(path.join(folder, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(folder, '.vscode', 'settings.json'), JSON.stringify(options.workspaceSettings, null, 2));
  }
  const server = await startCodeServer({
    folder,
    ...(options.untrusted ? { workspaceTrust: true } : {}),
    ...(options.userSettings ? { userSettings: options.userSettings } : {}),
    ...(options.extensionsDir ? { extensionsDir: options.extensionsDir } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  const session = await openBrowser();
  // The workbench's own log lines (lifecycle, storage, webview revival) live only in the page.
  const browserConsole: string[] = [];
  session.page.on('console', (message) => browserConsole.push(`${new Date().toISOString()} [${message.type()}] ${message.text()}`));
  session.page.on('pageerror', (error) => browserConsole.push(`${new Date().toISOString()} [pageerror] ${error.message}`));
  const openFile = options.openFile ? { openFile: path.join(folder, options.openFile) } : {};
  const url = options.extensionsDir
    ? workbenchUrl(server, folder, openFile)
    : workbenchUrl(server, folder, { extensionDevelopmentPath: REPO_ROOT, ...openFile });
  await session.page.goto(url);
  await session.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await session.page.locator('.statusbar').waitFor({ timeout: 60_000 });
  // The first seconds after load still move focus around.
  await session.page.waitForTimeout(3500);
  const workbench: Workbench = {
    page: session.page, server, session, folder,
    async screenshot(name) {
      const dir = path.join(REPO_ROOT, 'test-results');
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${name}.png`);
      await session.page.screenshot({ path: file });
      return file;
    },
    async keepFailure(name) {
      await workbench.screenshot(name);
      const logs = path.join(server.userDataDir, 'logs');
      const kept = path.join(REPO_ROOT, 'test-results', `${name}-logs`);
      for (const file of fs.existsSync(logs) ? fs.readdirSync(logs, { recursive: true, encoding: 'utf8' }) : []) {
        if (!/reasoner/i.test(path.basename(file)) || !fs.statSync(path.join(logs, file)).isFile()) continue;
        fs.mkdirSync(path.dirname(path.join(kept, file)), { recursive: true });
        fs.copyFileSync(path.join(logs, file), path.join(kept, file));
      }
      fs.mkdirSync(kept, { recursive: true });
      fs.writeFileSync(path.join(kept, 'browser-console.log'), browserConsole.join('\n'));
    },
    async close() {
      openWorkbenches.delete(workbench);
      await session.close();
      await server.stop();
      fs.rmSync(folder, { recursive: true, force: true });
    },
  };
  openWorkbenches.add(workbench);
  return workbench;
}

/**
 * Runs a command through the palette by its "Category: Title" words. Reasoner's own commands
 * run only once their row is the focused one (a loaded machine filters the list late; a fixed
 * wait was not enough), tried again if it never shows; the workbench's own get a short wait.
 */
export async function runCommand(page: Page, words: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${words}`);
    if (!words.startsWith('Reasoner:')) {
      await page.waitForTimeout(600);
      await page.keyboard.press('Enter');
      return;
    }
    const row = page.locator('.quick-input-widget .monaco-list-row.focused').filter({ hasText: words });
    try {
      await row.first().waitFor({ timeout: 30_000 });
      await page.keyboard.press('Enter');
      return;
    } catch (error) {
      await page.keyboard.press('Escape');
      if (attempt >= 3) throw error;
    }
  }
}

/** Waits for a quick input (box or pick) whose title contains `title`. */
export async function waitForQuickInput(page: Page, title: string): Promise<void> {
  await page.locator('.quick-input-widget .quick-input-title').filter({ hasText: title }).waitFor({ timeout: 60_000 });
}

/** Answers an open quick input (input box, password box or pick) with text and Enter. */
export async function answerQuickInput(page: Page, text: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(text);
  await page.waitForTimeout(300);
  await page.keyboard.press('Enter');
}

/** Opens a workspace file by name with Quick Open. */
export async function openFile(page: Page, name: string): Promise<void> {
  const editorTab = page.locator('.tabs-container .tab').filter({ hasText: name });
  // On a cold machine the file search answers late: wait for the file's row before Enter, and try again if it never came.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(name);
    // Enter opens the focused row: wait until the file's row is the focused one, not merely listed.
    const row = page.locator('.quick-input-widget .monaco-list-row.focused').filter({ hasText: name }).first();
    try {
      await row.waitFor({ timeout: 20_000 });
      await page.keyboard.press('Enter');
      await editorTab.first().waitFor({ timeout: 15_000 });
      break;
    } catch (error) {
      await page.keyboard.press('Escape');
      if (attempt >= 3) throw error;
    }
  }
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor();
  // Typing and selecting go to the editor only once it has the focus.
  await page.locator('.editor-instance .monaco-editor.focused').first().waitFor({ timeout: 15_000 });
}

/** A webview is an iframe inside an iframe: find the frame that holds `selector`. */
export async function findFrame(page: Page, selector: string, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      try {
        if (await frame.locator(selector).count() > 0) return frame;
      } catch {
        // frame navigated away while we looked
      }
    }
    if (Date.now() > deadline) throw new Error(`no frame holds ${selector} after ${timeoutMs} ms`);
    await page.waitForTimeout(250);
  }
}

/**
 * Reasoner's item in the activity bar: click its `a` to open the sidebar; its `.badge` holds the running jobs' count.
 * The link's label starts with "Reasoner" and goes on with the badge's tooltip while there is one.
 */
export function reasonerActivityItem(page: Page): Locator {
  return page.locator('.activitybar .action-item').filter({ has: page.locator('a[aria-label^="Reasoner"]') }).first();
}

/** Waits until `check` returns a truthy value, polling; fails with `what` on time-out. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Waits until the workbench has saved its open editors with one whose saved form contains `needle`.
 * In the browser the workbench saves its state every few seconds, not reliably as the page unloads:
 * a reload sooner than that brings back the editors as last saved.
 */
export async function savedEditorsInclude(page: Page, needle: string, timeoutMs = 60_000): Promise<void> {
  await eventually(`the workbench to save its editors with ${needle}`, () => page.evaluate(async (wanted) => {
    const read = (name: string) => new Promise<string>((resolve) => {
      const opening = indexedDB.open(name);
      opening.onerror = () => resolve('');
      opening.onsuccess = () => {
        const db = opening.result;
        if (!db.objectStoreNames.contains('ItemTable')) { db.close(); resolve(''); return; }
        const request = db.transaction('ItemTable', 'readonly').objectStore('ItemTable').get('memento/workbench.parts.editor');
        request.onsuccess = () => { db.close(); resolve(typeof request.result === 'string' ? request.result : ''); };
        request.onerror = () => { db.close(); resolve(''); };
      };
    });
    for (const { name } of await indexedDB.databases()) {
      if (name?.startsWith('vscode-web-state-db') && (await read(name)).includes(wanted)) return true;
    }
    return false;
  }, needle), timeoutMs);
}

/** Whether a request the page made stays on this machine (the gateway simulator, the workbench, the webviews' own files). */
export function isLoopback(url: string): boolean {
  try {
    const { hostname, protocol } = new URL(url);
    if (protocol === 'data:' || protocol === 'blob:' || protocol === 'vscode-webview:') return true;
    // The webview's own files: the workbench's service worker answers these; they never leave the machine.
    if (protocol === 'https:' && hostname.endsWith('.vscode-resource.vscode-cdn.net')) return true;
    return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
  } catch {
    return false;
  }
}

/** Selects `count` whole lines from line `first` (1-based) in the active editor, as a person would with Go to Line. */
export async function selectLines(page: Page, first: number, count: number): Promise<void> {
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+G');
  await answerQuickInput(page, `:${first}`);
  for (let i = 0; i < count; i++) await page.keyboard.press('Shift+ArrowDown');
}

/**
 * Stores an API key through Set API Key's password box, as a person would, and waits until the
 * status bar says it was saved. On a loaded machine the first palette command can be lost while
 * the workbench settles, or the box answered before it took input: then it is tried again.
 */
export async function setApiKeyThroughPalette(page: Page, key: string): Promise<void> {
  const saved = page.locator('.statusbar-item').filter({ hasText: 'API key saved' });
  for (let attempt = 1; ; attempt++) {
    await runCommand(page, 'Reasoner: Set API Key');
    try {
      await waitForQuickInput(page, 'Set API Key');
      await answerQuickInput(page, key);
      await saved.waitFor({ timeout: 15_000 });
      return;
    } catch (error) {
      await page.keyboard.press('Escape');
      if (attempt >= 3) throw error;
    }
  }
}

/** Opens `file`, waits for the language server's error squiggle, goes to `position` (`:12:7`) and picks "Reasoner: Explain this problem" from the light bulb. */
export async function explainProblemFromLightBulb(page: Page, file: string, position: string): Promise<void> {
  await openFile(page, file);
  await page.locator('.editor-instance .monaco-editor .squiggly-error').first().waitFor({ timeout: 90_000 });
  const item = page.locator('.action-widget .monaco-list-row').filter({ hasText: 'Reasoner: Explain this problem' });
  // The actions are asked for once, as the menu opens; on a loaded machine that can be before the
  // diagnostic reached the providers, and the menu then lacks Reasoner's action: open it again.
  for (let attempt = 1; ; attempt++) {
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+G');
    await answerQuickInput(page, position);
    await page.keyboard.press('Control+.');
    try {
      await item.waitFor({ timeout: 15_000 });
      break;
    } catch (error) {
      await page.keyboard.press('Escape');
      if (attempt >= 3) throw error;
    }
  }
  await item.click();
}
