import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import type { ChatViewProvider } from '../chat/chatViewProvider';

/** reasoner.addSelectionToChat: Attaches the editor's selection to the chat composer as a context chip. */
export function registerAddSelectionToChat(chat: ChatViewProvider): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.addSelectionToChat, () => chat.addSelection());
}
