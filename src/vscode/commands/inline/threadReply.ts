import * as vscode from 'vscode';
import { COMMANDS } from '../../../core/common/commands';
import type { Services } from '../../services';

/** reasoner.inline.reply (the thread's reply box): a follow-up in the same conversation with the same model. */
export function registerThreadReply(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.threadReply, (reply?: vscode.CommentReply | { thread: unknown; text: string }) => {
    const session = services.inline.find(reply);
    const text = reply?.text?.trim();
    if (!session || !text) return undefined;
    if (session.running) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Reasoner: wait for the answer (or cancel it) before replying.'));
      return undefined;
    }
    return session.ask(text);
  });
}
