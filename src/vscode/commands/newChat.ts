import * as vscode from 'vscode';
import type { ChatViewProvider } from '../chat/chatViewProvider';

/** reasoner.newChat: Starts a new conversation in the chat sidebar. */
export function registerNewChat(chat: ChatViewProvider): vscode.Disposable {
  return vscode.commands.registerCommand('reasoner.newChat', () => chat.newChat());
}
