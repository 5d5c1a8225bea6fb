/** "Export chat as Markdown": where to (a save dialog), and the writing. */
import * as vscode from 'vscode';
import type { Conversation } from '../../core/common/conversation';
import { conversationToMarkdown } from '../../core/common/conversationMarkdown';
import type { Logger } from '../../core/common/logger';
import type { NoticeLevel } from '../../core/common/pageMessages';

/** Asks where, writes, and says where it went. Resolves to the file, or undefined when the dialog was cancelled. */
export async function exportConversation(
  conversation: Conversation,
  page: { notice(level: NoticeLevel, message: string): void },
  log: Logger,
): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = `${slug(conversation.title) || 'chat'}.md`;
  const uri = await vscode.window.showSaveDialog({
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
    filters: { Markdown: ['md'] },
    saveLabel: 'Export Chat',
    title: 'Export Chat as Markdown',
  });
  if (!uri) return undefined;
  await writeConversationMarkdown(conversation, uri, log);
  page.notice('info', `Exported to ${vscode.workspace.asRelativePath(uri)}.`);
  return uri;
}

export async function writeConversationMarkdown(conversation: Conversation, uri: vscode.Uri, log: Logger): Promise<void> {
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(conversationToMarkdown(conversation)));
  log.info(`Chat: exported ${conversation.id} to ${uri.toString(true)}.`);
}

function slug(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
}
