import * as vscode from 'vscode';
import { COMMANDS } from '../../../core/common/commands';
import type { Services } from '../../services';

/** reasoner.inline.showReasoning (an answer's toolbar): shows the thread's reasoning summaries. */
export function registerThreadShowReasoning(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.threadShowReasoning, (target?: unknown) => {
    const session = services.inline.find(target);
    if (!session) return undefined;
    session.showReasoning(true);
    return 'shown';
  });
}
