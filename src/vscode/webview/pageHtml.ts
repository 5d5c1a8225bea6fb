/**
 * The HTML shell of every page of ours (the chat, Compare Models, the usage
 * report): the webview options, the CSP with a fresh nonce, and an empty root
 * the page's script fills.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { embeddedJson, pageDataBlock } from '../../core/common/pageData';

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
    `style-src 'nonce-${nonce}'`,
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
  /** Stylesheets and scripts, by file name in dist/webview, in the order the page runs them. */
  readonly styles: readonly string[];
  readonly scripts: readonly string[];
  /** The empty root the script fills: `<div id="app" class="…" data-role="…">`. */
  readonly rootClass: string;
  readonly rootRole: string;
  /** What the page draws first, embedded as a JSON data block (src/core/common/pageData.ts); none when left out. */
  readonly data?: unknown;
}

/** The pages' scripts and styles, read once per extension host: each page is written with them. */
const assetTexts = new Map<string, string>();

function assetText(file: vscode.Uri, endTag: 'script' | 'style'): string {
  let text = assetTexts.get(file.fsPath);
  if (text === undefined) {
    text = fs.readFileSync(file.fsPath, 'utf8');
    // Text that could end its element early, or (for a script) enter the HTML parser's escaped states, is never
    // built (a unit test checks the bundles); a page is refused rather than written wrong.
    if (new RegExp(endTag === 'script' ? '<\\/?script' : '<\\/style', 'i').test(text)) {
      throw new Error(`${file.fsPath} holds an HTML ${endTag} tag and cannot be written into a page`);
    }
    assetTexts.set(file.fsPath, text);
  }
  return text;
}

/**
 * A page of ours: a CSP with a nonce, its stylesheets and scripts from dist/webview written into the page
 * under that nonce, and an empty root the script fills. The page receives its data through messages after `ready`,
 * or, when `data` is given, reads the first of it from a JSON data block.
 *
 * Scripts and styles are written in rather than linked: a webview fetches each linked file through its service
 * worker and the workbench, which took about 100 ms for the chat's script before it could run. Files the page
 * loads later (highlight.js's chunks, the icon font) are named by their webview URLs: the import map sends the
 * script's `./hljs/` imports to the bundle's folder.
 */
export function pageHtml(webview: vscode.Webview, extensionUri: vscode.Uri, parts: PageParts, nonce = createNonce()): string {
  const root = webviewRoot(extensionUri);
  const assetUrl = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(root, name)).toString();
  const style = (name: string) => assetText(vscode.Uri.joinPath(root, name), 'style')
    .replace(/url\((["']?)\.\/([^"')?#]+)([?#][^"')]*)?\1\)/g, (_match, _quote, file: string, query = '') => `url("${assetUrl(file)}${query}")`);
  const importMap = { imports: { './hljs/': `${assetUrl('hljs')}/` } };
  const nonceAttribute = `nonce="${escapeAttribute(nonce)}"`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(contentSecurityPolicy(webview, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${parts.styles.map((name) => `<style ${nonceAttribute}>${style(name)}</style>`).join('\n')}
<script type="importmap" ${nonceAttribute}>${embeddedJson(importMap)}</script>
<title>${escapeAttribute(parts.title)}</title>
</head>
<body data-page="${escapeAttribute(parts.page)}">
<div id="app" class="${escapeAttribute(parts.rootClass)}" data-role="${escapeAttribute(parts.rootRole)}"></div>
${parts.data === undefined ? '' : pageDataBlock(parts.data)}
${parts.scripts.map((name) => `<script ${nonceAttribute}>${assetText(vscode.Uri.joinPath(root, name), 'script')}</script>`).join('\n')}
</body>
</html>`;
}
