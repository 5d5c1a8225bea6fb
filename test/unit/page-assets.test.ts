/**
 * The pages' scripts and styles are written into each page's HTML (src/vscode/webview/pageHtml.ts), so the built
 * files must not hold what would end their element early or change how the HTML parser reads a script.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const webviewDist = path.resolve(__dirname, '../../../dist/webview');

describe('page scripts and styles written into the HTML', () => {
  const files = fs.readdirSync(webviewDist).filter((name) => /\.(js|css)$/.test(name));

  it('the build made the pages\' scripts and styles', () => {
    for (const name of ['markdown-it.js', 'webview.js', 'usage.js', 'chat-style.css', 'compare-style.css', 'usage-style.css', 'codicon.css']) {
      assert.ok(files.includes(name), name);
    }
  });

  for (const name of ['markdown-it.js', 'webview.js', 'usage.js']) {
    it(`${name} holds no <script or </script`, () => {
      assert.doesNotMatch(fs.readFileSync(path.join(webviewDist, name), 'utf8'), /<\/?script/i);
    });
  }

  for (const name of ['chat-style.css', 'compare-style.css', 'usage-style.css', 'codicon.css']) {
    it(`${name} holds no </style, and names files only beside it`, () => {
      const css = fs.readFileSync(path.join(webviewDist, name), 'utf8');
      assert.doesNotMatch(css, /<\/style/i);
      for (const [, url] of css.matchAll(/url\(["']?([^"')]+)/g)) assert.match(url!, /^\.\/[\w.-]+(\?\w+)?$/, `${name}: ${url}`);
    });
  }
});
