/**
 * Starts a pinned code-server (VS Code 1.139 plus its server) with throwaway
 * user-data and extensions folders, and opens its workbench in headless Chromium.
 * Used by the integration runner (VS Code's own extension-test payload) and by
 * the end-to-end suite (a person's view of the workbench).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { nearestPackageRoot } from '../repoRoot';

/**
 * The repository: the nearest folder up from this file's build with a package.json. A fixed
 * number of levels was wrong where the harness is bundled into out/bench/ (one level less deep):
 * the bench then opened an empty workspace and loaded the extension from the wrong folder.
 */
export const REPO_ROOT = nearestPackageRoot(__dirname);

export interface CodeServerOptions {
  /** Folder opened in the workbench. */
  readonly folder: string;
  /** User settings written before start. */
  readonly userSettings?: Record<string, unknown>;
  /** Extra environment for the server and so for the extension host. */
  readonly env?: Record<string, string>;
  /** Extensions folder (to test an installed .vsix); a fresh one otherwise. */
  readonly extensionsDir?: string;
  /** Leave workspace trust on (folders open in restricted mode); off by default. */
  readonly workspaceTrust?: boolean;
  /** Port to listen on; a free one otherwise. */
  readonly port?: number;
  /** VS Code's log level, which extension log channels start at (the integration suite checks debug logs). */
  readonly logLevel?: 'trace' | 'debug' | 'info';
}

export interface CodeServer {
  readonly url: string;
  readonly port: number;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** The server's process (the extension host is one of its descendants). */
  readonly pid: number | undefined;
  readonly output: () => string;
  stop(): Promise<void>;
}

export function codeServerEntry(): string {
  const entry = process.env.REASONER_CODE_SERVER_ENTRY
    ?? path.join(os.homedir(), '.cache', 'reasoner', 'code-server-4.139.1', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!fs.existsSync(entry)) {
    throw new Error(`code-server not found at ${entry}. Run "npm run setup" (scripts/toolchain.sh) first.`);
  }
  return entry;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `reasoner-${prefix}-`));
}

/**
 * The workbench's own marketplace queries (extension details, recommendations)
 * go to a closed loopback port: they are not the extension's doing, and a test
 * that records every request leaving the page must see only the extension's.
 */
const CLOSED_GALLERY = JSON.stringify({
  serviceUrl: 'http://127.0.0.1:9/gallery',
  itemUrl: 'http://127.0.0.1:9/items',
  resourceUrlTemplate: 'http://127.0.0.1:9/resources/{publisher}/{name}/{version}/{path}',
});

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const port = options.port ?? await freePort();
  const userDataDir = makeTempDir('user');
  const extensionsDir = options.extensionsDir ?? makeTempDir('ext');
  const userDir = path.join(userDataDir, 'User');
  fs.mkdirSync(userDir, { recursive: true });
  fs.writeFileSync(path.join(userDir, 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'security.workspace.trust.enabled': options.workspaceTrust === true,
    'security.workspace.trust.startupPrompt': 'never',
    'chat.disableAIFeatures': true,
    'extensions.ignoreRecommendations': true,
    ...options.userSettings,
  }, null, 2));

  const args = [
    codeServerEntry(),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--enable-smoke-test-driver',
    ...(options.logLevel ? ['--log', options.logLevel] : []),
    options.folder,
  ];
  let output = '';
  const child: ChildProcess = spawn(process.execPath, args, {
    env: { ...process.env, EXTENSIONS_GALLERY: CLOSED_GALLERY, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`code-server exited with ${child.exitCode}:\n${output}`);
    }
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`code-server did not start within 60 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  return {
    url, port, userDataDir, extensionsDir, pid: child.pid,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      fs.rmSync(userDataDir, { recursive: true, force: true });
      if (!options.extensionsDir) fs.rmSync(extensionsDir, { recursive: true, force: true });
    },
  };
}

export interface BrowserSession {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly consoleLines: string[];
  close(): Promise<void>;
}

export async function openBrowser(): Promise<BrowserSession> {
  const browser = await chromium.launch({
    executablePath: process.env.REASONER_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  const consoleLines: string[] = [];
  page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
  return {
    browser, context, page, consoleLines,
    async close() { await browser.close(); },
  };
}

/** The workbench URL with VS Code's extension-development (and optionally extension-test) payload. */
export function workbenchUrl(server: CodeServer, folder: string, payload: {
  readonly extensionDevelopmentPath?: string;
  readonly extensionTestsPath?: string;
  /** A file of the folder to open in an editor as the workbench starts. */
  readonly openFile?: string;
}): string {
  const remote = (file: string) => `vscode-remote://127.0.0.1:${server.port}${file}`;
  const entries: [string, string][] = [];
  if (payload.extensionDevelopmentPath) entries.push(['extensionDevelopmentPath', remote(payload.extensionDevelopmentPath)]);
  if (payload.extensionTestsPath) entries.push(['extensionTestsPath', remote(payload.extensionTestsPath)]);
  if (payload.openFile) entries.push(['openFile', remote(payload.openFile)]);
  const query = `folder=${encodeURIComponent(folder)}`;
  return entries.length
    ? `${server.url}/?${query}&payload=${encodeURIComponent(JSON.stringify(entries))}`
    : `${server.url}/?${query}`;
}

/** A workspace folder for tests, copied from test/fixtures/workspace. */
/** A fresh copy of a fixture folder: `workspace` (what tests expect) or `sandbox` (the try-it sample project). */
export function makeWorkspace(fixture: 'workspace' | 'sandbox' = 'workspace'): string {
  const folder = makeTempDir('ws');
  const fixtures = path.join(REPO_ROOT, 'test', 'fixtures', fixture);
  if (fs.existsSync(fixtures)) fs.cpSync(fixtures, folder, { recursive: true });
  return folder;
}
