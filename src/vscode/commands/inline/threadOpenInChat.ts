import * as vscode from 'vscode';
import { COMMANDS } from '../../../core/common/commands';
import type { Services } from '../../services';

/** reasoner.inline.openInChat: shows a copy of the thread's conversation as a new chat; resolves to its id. */
export function registerThreadOpenInChat(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.threadOpenInChat, (target?: unknown) => {
    const session = services.inline.find(target);
    if (!session) return undefined;
    return services.chat.openConversation(session.conversation);
  });
}
