import * as vscode from 'vscode';
import { redact } from '../core/common/redact';
import { Disposable } from './lifecycle';

const SECRET_KEY = 'reasoner.apiKey';

/**
 * The API key, kept only in VS Code's SecretStorage (the OS keychain on desktop).
 * Changes made in another window arrive through SecretStorage's own event.
 * Reads reject when the OS keyring is missing or locked; the request runner
 * turns that into a message for the user.
 */
export class ApiKeyStore extends Disposable {
  /** Kept so the log can redact the key even from text that should never hold it. */
  private known: string | undefined;
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** The key was set, replaced or cleared (in this window or another). */
  readonly onDidChange = this.changed.event;

  constructor(private readonly secrets: vscode.SecretStorage) {
    super();
    this.register(secrets.onDidChange((event) => {
      if (event.key !== SECRET_KEY) return;
      this.changed.fire();
      // Keeps the redaction current when another window changes the key; a keyring
      // that cannot be read now keeps the last known key for redaction.
      this.get().catch(() => undefined);
    }));
  }

  async get(): Promise<string | undefined> {
    const key = (await this.secrets.get(SECRET_KEY))?.trim() || undefined;
    this.known = key;
    return key;
  }

  async set(key: string): Promise<void> {
    this.known = key;
    await this.secrets.store(SECRET_KEY, key);
  }

  async clear(): Promise<void> {
    this.known = undefined;
    await this.secrets.delete(SECRET_KEY);
  }

  /** Replaces the key (if known) in text that is about to be logged or shown. */
  redact(text: string): string {
    return redact(text, this.known);
  }
}
