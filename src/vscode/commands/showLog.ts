import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import type { Services } from '../services';

export function registerShowLog(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.showLog, () => {
    services.logChannel.show(true);
    return 'shown';
  });
}
