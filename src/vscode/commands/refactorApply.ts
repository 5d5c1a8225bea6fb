import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import type { Services } from '../services';

/** reasoner.refactor.apply [proposal id or diff Uri]: applies a proposal as one undoable edit. Resolves to 'applied' or undefined. */
export function registerRefactorApply(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.refactorApply, async (target?: unknown): Promise<string | undefined> => {
    const proposal = services.proposals.find(target);
    if (!proposal) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Reasoner: there is no proposed change to apply.'));
      return undefined;
    }
    const outcome = await services.proposals.apply(proposal);
    if (outcome === 'changed') {
      services.notifier.show('warning', vscode.l10n.t('Reasoner: the code changed since the proposal was made, so it was not applied. Run Refactor Selection again on the new code.'));
      return undefined;
    }
    if (outcome === 'failed') {
      services.notifier.show('error', vscode.l10n.t('Reasoner: the edit could not be applied (is the file read-only or closed?).'));
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument(proposal.documentUri);
    await vscode.window.showTextDocument(document, { selection: new vscode.Range(proposal.range.start, proposal.range.start), preview: false });
    return 'applied';
  });
}
