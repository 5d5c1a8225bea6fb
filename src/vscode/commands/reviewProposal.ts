import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import { proposalTarget } from '../diff/diffPreview';
import { isProposalArgument } from '../diff/proposalArgument';
import { offerProposal } from '../diff/offerProposal';
import type { Services } from '../services';

/**
 * reasoner.reviewProposal {uri, range, original, proposed, request}: opens the
 * diff of the code against a proposal made elsewhere (@reasoner /refactor),
 * with Apply and Discard. Refused when the code is no longer what was asked
 * about. Resolves to the proposal id, or undefined.
 */
export function registerReviewProposal(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.reviewProposal, async (argument?: unknown): Promise<string | undefined> => {
    if (!isProposalArgument(argument)) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Reasoner: there is no proposed change to review.'));
      return undefined;
    }
    const [startLine, startCharacter, endLine, endCharacter] = argument.range;
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(argument.uri, true));
    const range = document.validateRange(new vscode.Range(startLine, startCharacter, endLine, endCharacter));
    if (document.getText(range) !== argument.original) {
      services.notifier.show('warning', vscode.l10n.t('Reasoner: the code changed since this answer, so its proposal cannot be shown against it. Select the code and ask again.'));
      return undefined;
    }
    const proposal = await offerProposal(services.proposals, services.notifier, proposalTarget(document, range), argument.proposed, argument.request);
    return proposal.id;
  });
}
