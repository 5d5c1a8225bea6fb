import * as vscode from 'vscode';
import { COMMANDS } from '../../../core/common/commands';
import type { Services } from '../../services';

/** reasoner.inline.retry (thread title, error links): asks the thread's last question again. */
export function registerThreadRetry(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.threadRetry, (target?: unknown) => services.inline.find(target)?.retry());
}
