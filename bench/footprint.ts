/** B4 sizes: the extension bundle, the webview bundle and the packaged .vsix. */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

export function benchFootprint(): { vsixBytes: number; extensionJsBytes: number; webviewBytes: number } {
  const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const size = (file: string) => fs.statSync(path.join(ROOT, file)).size;
  const vsix = `reasoner-${version}.vsix`;
  if (!fs.existsSync(path.join(ROOT, vsix))) throw new Error(`${vsix} is missing: npm run bench packages it first`);
  return {
    vsixBytes: size(vsix),
    extensionJsBytes: size('dist/extension.js'),
    webviewBytes: size('dist/webview/webview.js') + size('dist/webview/chat-style.css'),
  };
}
