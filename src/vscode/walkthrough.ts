import * as vscode from 'vscode';
import { Disposable } from './lifecycle';
import type { ApiKeyStore } from './secrets';

/**
 * Context keys the "Get started with Reasoner" walkthrough completes its steps on:
 * each is set by the real event (a key stored, an explanation answered), not by a
 * command merely being opened.
 */
export const WALKTHROUGH_CONTEXT = {
  hasApiKey: 'reasoner.hasApiKey',
  hasExplained: 'reasoner.hasExplained',
} as const;

export class WalkthroughProgress extends Disposable {
  constructor(private readonly keys: ApiKeyStore, secrets: vscode.SecretStorage) {
    super();
    this.register(secrets.onDidChange(() => void this.refreshKey()));
    void this.refreshKey();
  }

  /** An explanation was answered in an inline thread. */
  explained(): void {
    void vscode.commands.executeCommand('setContext', WALKTHROUGH_CONTEXT.hasExplained, true);
  }

  private async refreshKey(): Promise<void> {
    const key = await this.keys.get().catch(() => undefined);
    await vscode.commands.executeCommand('setContext', WALKTHROUGH_CONTEXT.hasApiKey, key !== undefined);
  }
}
