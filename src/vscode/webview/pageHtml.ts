/**
 * The HTML shell of every page of ours (the chat, Compare Models, the usage
 * report): the webview options, the CSP with a fresh nonce, and an empty root
 * the page's script fills.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { pageDataBlock } from '../../core/common/pageData';

/** The folder the page may load from (and nothing else): the webview bundle. */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableForms: false,
    enableCommandUris: false,
    localResourceRoots: [webviewRoot(extensionUri)],
  };
}

/** A fresh nonce per page load: the only way a script runs. */
export function createNonce(): string {
  return randomBytes(18).toString('base64');
}

export function contentSecurityPolicy(webview: vscode.Webview, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    // Thumbnails of the user's own images, as blob: URLs the page makes from the data it holds; nothing else loads.
    'img-src blob:',
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

const escapeAttribute = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export interface PageParts {
  readonly title: string;
  /** `data-page` on the body: which page the script builds. */
  readonly page: string;
  /** Stylesheets and the one script, by file name in dist/webview. */
  readonly styles: readonly string[];
  readonly script: string;
  /** The empty root the script fills: `<div id="app" class="…" data-role="…">`. */
  readonly rootClass: string;
  readonly rootRole: string;
  /** What the page draws first, embedded as a JSON data block (src/core/common/pageData.ts); none when left out. */
  readonly data?: unknown;
}

/**
 * A page of ours: a CSP with a nonce, stylesheets and one script from dist/webview, and an
 * empty root the script fills. No inline script or style; the page receives its data through
 * messages after `ready`, or, when `data` is given, reads the first of it from a JSON data block.
 */
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
<div id="app" class="${escapeAttribute(parts.rootClass)}" data-role="${escapeAttribute(parts.rootRole)}"></div>
${parts.data === undefined ? '' : pageDataBlock(parts.data)}
<script nonce="${escapeAttribute(nonce)}" src="${asset(parts.script)}"></script>
</body>
</html>`;
}
