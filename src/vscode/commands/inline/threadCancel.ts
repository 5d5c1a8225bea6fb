import * as vscode from 'vscode';
import { COMMANDS } from '../../../core/common/commands';
import type { Services } from '../../services';

/** reasoner.inline.cancel (thread title): stops the thread's running request; the partial answer stays. */
export function registerThreadCancel(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.threadCancel, (target?: unknown) => {
    const session = services.inline.find(target);
    if (!session?.running) return undefined;
    session.cancel();
    return 'cancelled';
  });
}
