import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import type { Services } from '../services';

/** reasoner.cancelAll: aborts every running request. Resolves to how many were cancelled. */
export function registerCancelAll(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.cancelAll, () => {
    const count = services.runner.cancelAll();
    void vscode.window.setStatusBarMessage(count ? `Reasoner: cancelled ${count} request${count === 1 ? '' : 's'}` : 'Reasoner: nothing to cancel', 3000);
    return count;
  });
}
