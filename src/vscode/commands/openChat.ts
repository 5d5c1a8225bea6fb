import * as vscode from 'vscode';
import type { ChatViewProvider } from '../chat/chatViewProvider';

/** reasoner.openChat: Shows the chat sidebar and focuses its composer. */
export function registerOpenChat(chat: ChatViewProvider): vscode.Disposable {
  return vscode.commands.registerCommand('reasoner.openChat', () => chat.openChat());
}
