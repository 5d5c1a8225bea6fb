import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import type { ChatViewProvider } from '../chat/chatViewProvider';

/** reasoner.openChat: Shows the chat sidebar and focuses its composer; resolves to whether the composer got the focus. */
export function registerOpenChat(chat: ChatViewProvider): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.openChat, () => chat.openChat());
}
