/**
 * What VS Code loads to activate Reasoner: dist/extension.js, built by `node esbuild.js` (which every test run does
 * first). undici, markdown-it, proper-lockfile and ignore are files of their own, required when first used, so activation
 * does not pay for them. markdown-it's file is the one the chat and Compare Models pages run too (dist/webview/markdown-it.js).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { JSDOM } from 'jsdom';
import MarkdownIt from 'markdown-it';
import type * as Undici from 'undici';
import { MARKDOWN_PAGE_SCRIPTS } from '../../src/core/common/pageScripts';

const dist = path.resolve(__dirname, '../../../dist');
const read = (name: string) => fs.readFileSync(path.join(dist, name), 'utf8');

describe('the bundle loaded at activation', () => {
  it('leaves undici and markdown-it to files of their own, required by name', () => {
    const extension = read('extension.js');
    assert.match(extension, /require\("\.\/undici\.js"\)/);
    assert.match(extension, /require\("\.\/webview\/markdown-it\.js"\)/);
    // undici's HTTP parser (WebAssembly in base64) and markdown-it's rule chains are not in it.
    assert.doesNotMatch(extension, /AGFzbQ/);
    assert.doesNotMatch(extension, /class (\w+ )?ParserBlock|function ParserBlock|ParserBlock\.prototype/);
    // undici reads its parser from the binary beside it, which is WebAssembly.
    assert.doesNotMatch(read('undici.js'), /AGFzbQ/);
    assert.match(read('undici.js'), /"llhttp\.wasm"/);
    assert.deepEqual([...fs.readFileSync(path.join(dist, 'llhttp.wasm')).subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d]);
  });

  it('leaves the lock-file and .reasonerignore libraries to files of their own', () => {
    const extension = read('extension.js');
    assert.match(extension, /require\("\.\/proper-lockfile\.js"\)/);
    assert.match(extension, /require\("\.\/ignore\.js"\)/);
    // graceful-fs (under proper-lockfile) patches fs when it loads; ignore names relative paths in its errors.
    for (const library of [/graceful-fs/, /path\.relative\(\)/]) {
      assert.doesNotMatch(extension, library);
    }
    assert.match(read('proper-lockfile.js'), /graceful-fs/);
    assert.match(read('ignore.js'), /path\.relative\(\)/);
  });

  it('asks VS Code for its API once, so that modules do not each copy its names', () => {
    assert.equal(read('extension.js').match(/require\("vscode"\)/g)?.length, 1);
  });

  it('the separate files load and give what the extension uses', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const undici = require(path.join(dist, 'undici.js')) as typeof Undici;
    assert.equal(typeof undici.ProxyAgent, 'function');
    // A response read through the bundled undici: its HTTP parser loads from the binary beside it.
    const server = http.createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/plain' }).end('parsed'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const agent = new undici.Agent();
    try {
      const response = await agent.request({ origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, path: '/', method: 'GET' });
      assert.equal(response.statusCode, 200);
      assert.equal(await response.body.text(), 'parsed');
    } finally {
      await agent.close();
      server.close();
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const markdown = require(path.join(dist, 'webview', 'markdown-it.js')) as { default: typeof MarkdownIt };
    assert.deepEqual(new markdown.default().parse('# Title', {}).map((token) => token.type), ['heading_open', 'inline', 'heading_close']);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lockfile = require(path.join(dist, 'proper-lockfile.js')) as { lock: unknown };
    assert.equal(typeof lockfile.lock, 'function');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ignore } = require(path.join(dist, 'ignore.js')) as { ignore(): { add(rules: string): { ignores(file: string): boolean } } };
    assert.equal(ignore().add('secrets/\n').ignores('secrets/key.txt'), true);
  });
});

describe('markdown-it, shipped once for the extension and its pages', () => {
  const shared = read('webview/markdown-it.js');
  /** Entities (named, legacy without `;`, numeric), links, tables, strikethrough and escapes: what the package gives. */
  const SAMPLES = [
    '&copy; &notit; &amp;lt; &#x41; &#0; &bogus; &CounterClockwiseContourIntegral;',
    '| a | b |\n|---|---|\n| ~~x~~ | `&amp;` |',
    'see https://example.com/a_(b) and <https://example.com> [t](javascript:alert(1))',
    '```ts\nconst a = 1;\n```\n\n> quote\n\n1. one\n2. two',
  ];

  it('required by the extension, renders as the markdown-it package does', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Library = (require(path.join(dist, 'webview', 'markdown-it.js')) as { default: typeof MarkdownIt }).default;
    for (const preset of ['default', 'commonmark'] as const) {
      const fromFile = new Library(preset, { linkify: true });
      const fromPackage = new MarkdownIt(preset, { linkify: true });
      for (const sample of SAMPLES) assert.equal(fromFile.render(sample), fromPackage.render(sample), sample);
    }
  });

  it('run as a page script, leaves the library to the page and needs nothing of Node', () => {
    const dom = new JSDOM('<!doctype html><body></body>', { runScripts: 'outside-only' });
    const window = dom.window as unknown as { eval(code: string): unknown; reasonerMarkdownIt?: { default: typeof MarkdownIt } };
    window.eval(shared);
    const Library = window.reasonerMarkdownIt?.default;
    assert.equal(typeof Library, 'function');
    assert.equal(new Library!().render(SAMPLES[0]!), new MarkdownIt().render(SAMPLES[0]!));
    assert.doesNotMatch(shared, /\brequire\(/);
    dom.window.close();
  });

  it('the pages run it first, and their own bundle carries no copy of it', () => {
    assert.deepEqual(MARKDOWN_PAGE_SCRIPTS, ['markdown-it.js', 'webview.js']);
    const pageBundle = read('webview/webview.js');
    assert.match(shared, /Wrong `markdown-it` preset/);
    assert.doesNotMatch(pageBundle, /Wrong `markdown-it` preset/);
    // The entity table (entities' decode data) ships in the shared file only.
    assert.ok(pageBundle.length < shared.length, `webview.js ${pageBundle.length} bytes, markdown-it.js ${shared.length}`);
  });

  it('a page that did not run it first says so, instead of drawing answers without Markdown', () => {
    const dom = new JSDOM('<!doctype html><body data-page="chat"><div id="app"></div></body>', { runScripts: 'outside-only' });
    const window = dom.window as unknown as { eval(code: string): unknown };
    assert.throws(() => window.eval(read('webview/webview.js')), /runs markdown-it\.js before its own script/);
    dom.window.close();
  });
});
