import * as vscode from 'vscode';
import { COMMANDS } from '../../../core/common/commands';
import type { Services } from '../../services';

/** reasoner.inline.copyAnswer: copies the thread's last answer (Markdown) to the clipboard. */
export function registerThreadCopyAnswer(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.threadCopyAnswer, async (target?: unknown) => {
    const answer = services.inline.find(target)?.lastAnswer?.text;
    if (!answer) return undefined;
    await vscode.env.clipboard.writeText(answer);
    void vscode.window.setStatusBarMessage(vscode.l10n.t('Reasoner: answer copied'), 2000);
    return answer;
  });
}
