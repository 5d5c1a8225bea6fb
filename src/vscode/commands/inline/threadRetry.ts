import * as vscode from 'vscode';
import type { Services } from '../../services';

/** reasoner.inline.retry (thread title, error links): asks the thread's last question again. */
export function registerThreadRetry(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand('reasoner.inline.retry', (target?: unknown) => services.inline.find(target)?.retry());
}
