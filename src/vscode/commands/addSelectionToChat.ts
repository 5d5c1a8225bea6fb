import * as vscode from 'vscode';
import type { ChatViewProvider } from '../chat/chatViewProvider';

/** reasoner.addSelectionToChat: Attaches the editor's selection to the chat composer as a context chip. */
export function registerAddSelectionToChat(chat: ChatViewProvider): vscode.Disposable {
  return vscode.commands.registerCommand('reasoner.addSelectionToChat', () => chat.addSelection());
}
