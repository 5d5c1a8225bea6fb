import type * as vscode from 'vscode';
import type { Logger } from './log';
import type { Notifier } from './notify';
import type { ReasonerRequestRunner } from './requestRunner';
import type { ApiKeyStore } from './secrets';

/** What activate() builds once and hands to every command and view. */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly keys: ApiKeyStore;
  readonly log: Logger;
  readonly logChannel: vscode.LogOutputChannel;
  readonly notifier: Notifier;
  readonly runner: ReasonerRequestRunner;
}
