import * as vscode from 'vscode';
import { COMMANDS } from '../../../core/common/commands';
import { inertMarkdown } from '../../../core/common/inertMarkdown';
import { ReadOnlyDocuments } from '../../readOnlyDocuments';
import type { Services } from '../../services';

/**
 * reasoner.inline.openAnswer: the thread's last answer, whole, in a read-only Markdown document
 * (a comment shows only its start). The text is inert, so its preview fetches nothing either.
 */
export function registerThreadOpenAnswer(services: Services): vscode.Disposable {
  // Answers are kept for their documents; the oldest goes when there are more than 20.
  const answers = new ReadOnlyDocuments('reasoner-answer', 20);
  const command = vscode.commands.registerCommand(COMMANDS.threadOpenAnswer, async (target?: unknown) => {
    const answer = services.inline.find(target)?.lastAnswer;
    if (!answer?.text) return undefined;
    const document = await answers.show(`/${vscode.l10n.t('Answer')} ${answer.id}.md`, inertMarkdown(answer.text));
    return document.uri.toString();
  });
  return vscode.Disposable.from(answers, command);
}
