import * as vscode from 'vscode';
import type { Services } from '../../services';

/** reasoner.inline.dismiss: cancels the thread if running and removes it. */
export function registerThreadDismiss(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand('reasoner.inline.dismiss', (target?: unknown) => {
    const session = services.inline.find(target);
    if (!session) return undefined;
    session.dispose();
    return 'dismissed';
  });
}
