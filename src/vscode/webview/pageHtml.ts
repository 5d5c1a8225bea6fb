import * as vscode from 'vscode';
import { contentSecurityPolicy, createNonce, webviewRoot } from '../chat/html';

export interface PageParts {
  readonly title: string;
  /** `data-page` on the body. */
  readonly page: string;
  /** Stylesheets and the one script, by file name in dist/webview. */
  readonly styles: readonly string[];
  readonly script: string;
  /** The root element the script fills: `<main id="app" class="…" data-role="…">`. */
  readonly rootClass: string;
  readonly rootRole: string;
}

const escapeAttribute = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A page of ours: the strict CSP with a fresh nonce, files only from dist/webview, an empty root; data arrives by message. */
export function pageHtml(webview: vscode.Webview, extensionUri: vscode.Uri, parts: PageParts, nonce = createNonce()): string {
  const root = webviewRoot(extensionUri);
  const asset = (name: string) => escapeAttribute(webview.asWebviewUri(vscode.Uri.joinPath(root, name)).toString());
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(contentSecurityPolicy(webview, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${parts.styles.map((style) => `<link rel="stylesheet" href="${asset(style)}">`).join('\n')}
<title>${escapeAttribute(parts.title)}</title>
</head>
<body data-page="${escapeAttribute(parts.page)}">
<main id="app" class="${escapeAttribute(parts.rootClass)}" data-role="${escapeAttribute(parts.rootRole)}"></main>
<script nonce="${escapeAttribute(nonce)}" src="${asset(parts.script)}"></script>
</body>
</html>`;
}
