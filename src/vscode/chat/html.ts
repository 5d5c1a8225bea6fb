import type * as vscode from 'vscode';
import { createNonce, pageHtml } from '../webview/pageHtml';

/** The chat: the codicon font, its stylesheet and the webview bundle. */
export function chatHtml(webview: vscode.Webview, extensionUri: vscode.Uri, nonce = createNonce()): string {
  return pageHtml(webview, extensionUri, {
    title: 'Reasoner Chat', page: 'chat', styles: ['codicon.css', 'chat-style.css'], script: 'webview.js', rootClass: 'app', rootRole: 'chat-root',
  }, nonce);
}
