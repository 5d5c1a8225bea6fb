/**
 * The chat page for integration tests: the real bundle in a WebviewPanel,
 * adapted to the webview host's surface. The test sees what the host
 * delivered to the page, and can post to the host as the page would.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Conversation } from '../../src/core/common/conversation';
import { PAGE_DATA_ID } from '../../src/core/common/pageData';
import { type ChatPageData, type HostMessage, type WebviewMessage, isChatPageData } from '../../src/core/common/protocol';
import type { WebviewSurface } from '../../src/vscode/webview/webviewHost';
import * as assert from 'node:assert/strict';
import type { Logger } from '../../src/core/common/logger';
import { listModels } from '../../src/core/common/models';
import type { ReasoningEffort } from '../../src/core/common/types';
import { ChatViewProvider } from '../../src/vscode/chat/chatViewProvider';
import type { DefinitionContext } from '../../src/vscode/context/definitionContext';
import type { RequestRunner } from '../../src/vscode/runner';
import { reasoner, waitFor } from './helpers';

export interface TestPage extends WebviewSurface, vscode.Disposable {
  /** Every message the host delivered to the page, in order. */
  readonly delivered: HostMessage[];
  /** Posts to the host as the page's script would (the host checks it like any page message). */
  fromPage(message: unknown): void;
  /**
   * Resolves once the page said ready and the host answered: to the state the host then sent, or,
   * when it sent none because the page already showed it, to the state embedded in the page's HTML.
   */
  state(): Promise<Extract<HostMessage, { type: 'state' }>>;
  /** The state the page was last created with (embedded in its HTML), if any. */
  embedded(): ChatPageData | undefined;
  /** The `ready` messages the page's script posted. */
  readonly readies: Extract<WebviewMessage, { type: 'ready' }>[];
}

export function panelPage(panel: vscode.WebviewPanel): TestPage {
  const delivered: HostMessage[] = [];
  const readies: Extract<WebviewMessage, { type: 'ready' }>[] = [];
  /** Set a task after the page's `ready`: by then the host has handled it (its handler waits for nothing else). */
  let readyHandled = false;
  const visibility = new vscode.EventEmitter<void>();
  const fromPage = new vscode.EventEmitter<unknown>();
  const subscription = panel.onDidChangeViewState(() => visibility.fire());
  const real = panel.webview;
  const webview: vscode.Webview = {
    get options() { return real.options; },
    set options(value) { real.options = value; },
    get html() { return real.html; },
    set html(value) { real.html = value; },
    get cspSource() { return real.cspSource; },
    asWebviewUri: (uri) => real.asWebviewUri(uri),
    onDidReceiveMessage: (listener, thisArgs, disposables) => {
      const fromScript = real.onDidReceiveMessage((message: unknown) => {
        if ((message as { type?: unknown } | null)?.type === 'ready') {
          readies.push(message as Extract<WebviewMessage, { type: 'ready' }>);
          setTimeout(() => { readyHandled = true; }, 0);
        }
        return listener.call(thisArgs, message);
      });
      const fromTest = fromPage.event(listener, thisArgs);
      const both = vscode.Disposable.from(fromScript, fromTest);
      disposables?.push(both);
      return both;
    },
    postMessage: (message: HostMessage) => {
      delivered.push(message);
      return real.postMessage(message);
    },
  };
  return {
    webview,
    get visible() { return panel.visible; },
    onDidDispose: panel.onDidDispose,
    onDidChangeVisibility: visibility.event,
    show: (preserveFocus) => panel.reveal(undefined, preserveFocus),
    delivered,
    fromPage: (message) => fromPage.fire(message),
    readies,
    embedded: () => embeddedData(real.html),
    state: () => waitFor('the chat page to say ready and have the state', () => {
      const sent = delivered.find((m): m is Extract<HostMessage, { type: 'state' }> => m.type === 'state');
      if (sent) return sent;
      const data = readyHandled ? embeddedData(real.html) : undefined;
      return data ? { type: 'state' as const, state: data.state } : undefined;
    }, 30_000),
    dispose: () => { subscription.dispose(); visibility.dispose(); fromPage.dispose(); },
  };
}

/** The data block of a page's HTML, as the page's script reads it. */
export function embeddedData(html: string): ChatPageData | undefined {
  const text = new RegExp(`<script type="application/json" id="${PAGE_DATA_ID}">([^<]*)</script>`).exec(html)?.[1];
  const data: unknown = text === undefined ? undefined : JSON.parse(text);
  return isChatPageData(data) ? data : undefined;
}

/** Waits until the conversation's file holds what `check` looks for (saves are written in the background). */
export async function waitForSaved(storageDir: string, id: string, what: string, check: (saved: Conversation) => boolean): Promise<Conversation> {
  const file = path.join(storageDir, `${id}.json`);
  return waitFor(`${what} on disk`, () => {
    if (!fs.existsSync(file)) return undefined;
    try {
      const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as Conversation;
      return check(saved) ? saved : undefined;
    } catch {
      return undefined;
    }
  });
}

/** Waits until the history index lists the conversation with `title`. */
export async function waitForIndexed(storageDir: string, id: string, title: string): Promise<void> {
  const file = path.join(storageDir, 'index.json');
  await waitFor(`"${title}" in the history index`, () => {
    try {
      const index = JSON.parse(fs.readFileSync(file, 'utf8')) as { conversations: { id: string; title: string }[] };
      return index.conversations.some((c) => c.id === id && c.title === title);
    } catch {
      return false;
    }
  });
}

export class MemoryLog implements Logger {
  readonly lines: string[] = [];
  info(message: string): void { this.lines.push(`info ${message}`); }
  warn(message: string): void { this.lines.push(`warn ${message}`); }
  error(message: string): void { this.lines.push(`error ${message}`); }
  debug(message: string): void { this.lines.push(`debug ${message}`); }
}

export interface ChatHarness {
  readonly provider: ChatViewProvider;
  readonly log: MemoryLog;
}

/** A chat of its own on `storageDir`, through the extension's request runner unless another is given. */
export async function makeChatProvider(cleanup: vscode.Disposable[], options: {
  readonly extensionUri: vscode.Uri;
  readonly storageDir: string;
  readonly current?: { modelId: string; effort: ReasoningEffort };
  readonly runner?: RequestRunner;
  /** Definitions found for attached code, as the extension's own chat has them. */
  readonly definitions?: DefinitionContext;
}): Promise<ChatHarness> {
  const api = await reasoner();
  const log = new MemoryLog();
  const current = options.current ?? { modelId: 'o3-mini', effort: 'medium' };
  const provider = new ChatViewProvider({
    extensionUri: options.extensionUri,
    storageDir: options.storageDir,
    runner: options.runner ?? api.services.runner,
    getModels: () => listModels(),
    getCurrent: () => current,
    log,
    ...(options.definitions ? { definitions: options.definitions } : {}),
  });
  cleanup.push(provider);
  await provider.model.ready;
  return { provider, log };
}

/** The real page bundle in a WebviewPanel, attached to the provider, once it has the state. */
export async function openChatPage(cleanup: vscode.Disposable[], provider: ChatViewProvider): Promise<TestPage> {
  const panel = vscode.window.createWebviewPanel('reasoner.chatTest', 'Reasoner Chat (test)', vscode.ViewColumn.One, {});
  const page = panelPage(panel);
  cleanup.push(page, panel);
  provider.resolveWebviewView(page);
  await page.state();
  return page;
}

export function active(provider: ChatViewProvider): Conversation {
  const conversation = provider.model.getActiveConversation();
  assert.ok(conversation, 'a conversation is open');
  return conversation;
}
