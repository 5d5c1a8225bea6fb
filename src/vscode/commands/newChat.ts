import * as vscode from 'vscode';
import { COMMANDS } from '../../core/common/commands';
import type { ChatViewProvider } from '../chat/chatViewProvider';

/** reasoner.newChat: Starts a new conversation in the chat sidebar. */
export function registerNewChat(chat: ChatViewProvider): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.newChat, () => chat.newChat());
}
