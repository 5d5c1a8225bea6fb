import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import type { Notifier } from '../notify';
import type { DiffPreview, Proposal, ProposalTarget } from './diffPreview';

/** Opens the diff of a proposed change and offers Apply and Discard in a notification. */
export async function offerProposal(
  proposals: DiffPreview, notifier: Notifier, target: ProposalTarget, proposed: string, request: string,
): Promise<Proposal> {
  const proposal = await proposals.show(target, proposed, { label: `current ↔ proposed (${request})` });
  notifier.show('info', `Reasoner proposes a change to ${proposal.name}: "${request}".`, [
    { title: 'Apply', run: () => vscode.commands.executeCommand(COMMANDS.refactorApply, proposal.id) },
    { title: 'Discard', run: () => vscode.commands.executeCommand(COMMANDS.refactorDiscard, proposal.id) },
  ]);
  return proposal;
}
