import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import type { Services } from '../services';

/** reasoner.cancelAll: aborts every running request. Resolves to how many were cancelled. */
export function registerCancelAll(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.cancelAll, () => {
    const count: number = services.runner.cancelAll();
    void vscode.window.setStatusBarMessage(count === 0 ? vscode.l10n.t('Reasoner: nothing to cancel') : count === 1 ? vscode.l10n.t('Reasoner: cancelled 1 request') : vscode.l10n.t('Reasoner: cancelled {0} requests', count), 3000);
    return count;
  });
}
