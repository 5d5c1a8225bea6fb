/** B4 sizes: the extension bundle, the webview bundle and the packaged .vsix. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MARKDOWN_PAGE_SCRIPTS } from '../src/core/common/pageScripts';

const ROOT = path.join(__dirname, '..', '..');

export interface Footprint {
  readonly vsixBytes: number;
  readonly extensionJsBytes: number;
  /** What the chat page loads before its first paint: its scripts and the stylesheet. */
  readonly webviewBytes: number;
  readonly webviewScriptBytes: number;
  /** highlight.js and its languages, each fetched when a code block first needs it. */
  readonly highlightChunksBytes: number;
}

export function benchFootprint(): Footprint {
  const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const size = (file: string) => fs.statSync(path.join(ROOT, file)).size;
  const vsix = `reasoner-${version}.vsix`;
  if (!fs.existsSync(path.join(ROOT, vsix))) throw new Error(`${vsix} is missing: npm run bench packages it first`);
  const pageScriptBytes = MARKDOWN_PAGE_SCRIPTS.reduce((sum, name) => sum + size(`dist/webview/${name}`), 0);
  return {
    vsixBytes: size(vsix),
    extensionJsBytes: size('dist/extension.js'),
    // The chat's page runs markdown-it's shared file, then its own bundle: both are written into its HTML.
    webviewBytes: pageScriptBytes + size('dist/webview/chat-style.css'),
    webviewScriptBytes: pageScriptBytes,
    // The .js files only: a development build leaves source maps beside them, which the .vsix does not ship.
    highlightChunksBytes: fs.readdirSync(path.join(ROOT, 'dist', 'webview', 'hljs')).filter((name) => name.endsWith('.js'))
      .reduce((sum, name) => sum + size(`dist/webview/hljs/${name}`), 0),
  };
}
