/**
 * The chat page for integration tests: the real bundle in a WebviewPanel,
 * adapted to the webview host's surface. The test sees what the host
 * delivered to the page, and can post to the host as the page would.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Conversation } from '../../src/core/common/conversation';
import type { HostMessage } from '../../src/core/common/protocol';
import type { WebviewSurface } from '../../src/vscode/webview/webviewHost';
import { waitFor } from './helpers';

export interface TestPage extends WebviewSurface, vscode.Disposable {
  /** Every message the host delivered to the page, in order. */
  readonly delivered: HostMessage[];
  /** Posts to the host as the page's script would (the host checks it like any page message). */
  fromPage(message: unknown): void;
  /** Resolves once the page said ready and received the chat's state. */
  state(): Promise<Extract<HostMessage, { type: 'state' }>>;
}

export function panelPage(panel: vscode.WebviewPanel): TestPage {
  const delivered: HostMessage[] = [];
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
      const fromScript = real.onDidReceiveMessage(listener, thisArgs);
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
    state: () => waitFor('the chat page to say ready and receive the state', () =>
      delivered.find((m): m is Extract<HostMessage, { type: 'state' }> => m.type === 'state'), 30_000),
    dispose: () => { subscription.dispose(); visibility.dispose(); fromPage.dispose(); },
  };
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
