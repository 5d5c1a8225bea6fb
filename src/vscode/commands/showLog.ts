import * as vscode from 'vscode';
import type { Services } from '../services';

export function registerShowLog(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand('reasoner.showLog', () => {
    services.logChannel.show(true);
    return 'shown';
  });
}
