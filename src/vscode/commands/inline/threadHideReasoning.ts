import * as vscode from 'vscode';
import { COMMANDS } from '../../../core/common/commands';
import type { Services } from '../../services';

/** reasoner.inline.hideReasoning (an answer's toolbar): hides the thread's reasoning summaries again. */
export function registerThreadHideReasoning(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.threadHideReasoning, (target?: unknown) => {
    const session = services.inline.find(target);
    if (!session) return undefined;
    session.showReasoning(false);
    return 'hidden';
  });
}
