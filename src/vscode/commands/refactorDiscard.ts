import * as vscode from 'vscode';
import type { Services } from '../services';

/** reasoner.refactor.discard [proposal id]: drops a proposal and closes its diff. */
export function registerRefactorDiscard(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand('reasoner.refactor.discard', async (target?: unknown): Promise<string | undefined> => {
    const proposal = services.proposals.find(target);
    if (!proposal) return undefined;
    await services.proposals.closeDiff(proposal);
    services.proposals.discard(proposal);
    return 'discarded';
  });
}
