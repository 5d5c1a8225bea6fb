/** Shared moves for the integration suites (runs inside the extension host). */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ReasonerApi } from '../../src/extension';
import { start, type Simulator } from '../simulator/simulator';

export const EXTENSION_ID = 'reasoner-dev.reasoner';
export const TEST_KEY = 'sk-test-4f9a2c81d7e6b5a3';

export async function reasoner(): Promise<ReasonerApi> {
  const extension = vscode.extensions.getExtension<ReasonerApi>(EXTENSION_ID);
  assert.ok(extension, 'extension loaded');
  return extension.activate();
}

export function workspaceFolder(): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.env.REASONER_TEST_WORKSPACE;
  assert.ok(folder, 'a workspace folder is open');
  return folder;
}

export async function setUserSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('reasoner').update(key, value, vscode.ConfigurationTarget.Global);
}

const TOUCHED_SETTINGS = ['baseUrl', 'model', 'reasoningEffort', 'maxOutputTokens', 'stream', 'showReasoningSummary', 'models', 'prompts', 'backgroundMode', 'requestTimeoutSeconds', 'monthlyBudgetUsd'];

export async function resetUserSettings(): Promise<void> {
  for (const key of TOUCHED_SETTINGS) await setUserSetting(key, undefined);
}

/** A simulator on 127.0.0.1 that the extension talks to, with a key set. */
export async function connectSimulator(options: { key?: string | null } = {}): Promise<Simulator> {
  const sim = await start();
  await setUserSetting('baseUrl', sim.baseUrl);
  if (options.key !== null) {
    // Another test may have stored a different key, which the command would only replace after asking.
    await vscode.commands.executeCommand('reasoner.clearApiKey', { confirm: false });
    await vscode.commands.executeCommand('reasoner.setApiKey', options.key ?? TEST_KEY);
  }
  return sim;
}

export async function waitFor<T>(what: string, check: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function openFixture(relative: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(path.join(workspaceFolder(), relative));
  return vscode.window.showTextDocument(document, { preview: false });
}

/** Selects whole lines [first, last] (0-based, inclusive). */
export function selectLines(editor: vscode.TextEditor, first: number, last: number): void {
  editor.selection = new vscode.Selection(first, 0, last, editor.document.lineAt(last).text.length);
}

/** The text of the messages/input a request carried, flattened, for "contains" checks. */
export function requestText(body: unknown): string {
  return JSON.stringify(body);
}

export function markdownOf(comment: vscode.Comment): string {
  return typeof comment.body === 'string' ? comment.body : comment.body.value;
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/**
 * Sends a workbench command to a quick input the extension opens (accept, close) until `pending`
 * settles: the box can show a while after it was asked for on a loaded machine, and a command
 * sent before it shows is lost. Waits on the outcome, not on a guess of when the box is up.
 */
export async function commandQuickInputUntil<T>(command: string, pending: Thenable<T>, timeoutMs = 30_000): Promise<T> {
  let settled = false;
  const outcome = Promise.resolve(pending).finally(() => {
    settled = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (!settled) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms sending ${command} to a quick input`);
    await vscode.commands.executeCommand(command);
    await Promise.race([outcome.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 250))]);
  }
  return outcome;
}
