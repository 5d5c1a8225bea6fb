import type * as vscode from 'vscode';
import type { ChatPageData } from '../../core/common/protocol';
import { MARKDOWN_PAGE_SCRIPTS } from '../../core/common/pageScripts';
import { createNonce, pageHtml } from '../webview/pageHtml';

/** The chat: the codicon font, its stylesheet and the webview bundle, and the state to draw first when there is one. */
export function chatHtml(webview: vscode.Webview, extensionUri: vscode.Uri, data?: ChatPageData, nonce = createNonce()): string {
  return pageHtml(webview, extensionUri, {
    title: 'Reasoner Chat', page: 'chat', styles: ['codicon.css', 'chat-style.css'], scripts: MARKDOWN_PAGE_SCRIPTS, rootClass: 'app', rootRole: 'chat-root',
    ...(data ? { data } : {}),
  }, nonce);
}
