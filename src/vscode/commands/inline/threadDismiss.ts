import * as vscode from 'vscode';
import { COMMANDS } from '../../../core/common/commands';
import type { Services } from '../../services';

/** reasoner.inline.dismiss: cancels the thread if running and removes it. */
export function registerThreadDismiss(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.threadDismiss, (target?: unknown) => {
    const session = services.inline.find(target);
    if (!session) return undefined;
    session.dispose();
    return 'dismissed';
  });
}
