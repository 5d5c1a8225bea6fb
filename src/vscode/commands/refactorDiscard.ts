import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import type { Services } from '../services';

/** reasoner.refactor.discard [proposal id or diff Uri]: drops a proposal and closes its diff. */
export function registerRefactorDiscard(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.refactorDiscard, async (target?: unknown): Promise<string | undefined> => {
    const proposal = services.proposals.find(target);
    if (!proposal) return undefined;
    await services.proposals.discard(proposal);
    return 'discarded';
  });
}
