import * as vscode from 'vscode';
import { COMMANDS } from '../../../core/common/commands';
import { inertMarkdown } from '../../../core/common/inertMarkdown';
import type { Services } from '../../services';

const SCHEME = 'reasoner-answer';
/** Answers kept for their documents; the oldest goes when there are more. */
const KEPT_ANSWERS = 20;

/**
 * reasoner.inline.openAnswer: the thread's last answer, whole, in a read-only Markdown document
 * (a comment shows only its start). The text is inert, so its preview fetches nothing either.
 */
export function registerThreadOpenAnswer(services: Services): vscode.Disposable {
  const answers = new Map<string, string>();
  const provider = vscode.workspace.registerTextDocumentContentProvider(SCHEME, {
    provideTextDocumentContent: (uri) => answers.get(uri.path),
  });
  const command = vscode.commands.registerCommand(COMMANDS.threadOpenAnswer, async (target?: unknown) => {
    const answer = services.inline.find(target)?.lastAnswer;
    if (!answer?.text) return undefined;
    const path = `/${vscode.l10n.t('Answer')} ${answer.id}.md`;
    answers.delete(path);
    answers.set(path, inertMarkdown(answer.text));
    for (const oldest of answers.keys()) {
      if (answers.size <= KEPT_ANSWERS) break;
      answers.delete(oldest);
    }
    const document = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: SCHEME, path }));
    await vscode.window.showTextDocument(document, { preview: false });
    return document.uri.toString();
  });
  return vscode.Disposable.from(provider, command);
}
