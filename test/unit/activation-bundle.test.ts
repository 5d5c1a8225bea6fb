/**
 * What VS Code loads to activate Reasoner: dist/extension.js, built by `node esbuild.js` (which every test run does
 * first). undici, markdown-it, proper-lockfile and ignore are files of their own, required when first used, so activation
 * does not pay for them.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const dist = path.resolve(__dirname, '../../../dist');
const read = (name: string) => fs.readFileSync(path.join(dist, name), 'utf8');

describe('the bundle loaded at activation', () => {
  it('leaves undici and markdown-it to files of their own, required by name', () => {
    const extension = read('extension.js');
    assert.match(extension, /require\("\.\/undici\.js"\)/);
    assert.match(extension, /require\("\.\/markdown-it\.js"\)/);
    // undici's HTTP parser (WebAssembly in base64) and markdown-it's rule chains are not in it.
    assert.doesNotMatch(extension, /AGFzbQ/);
    assert.doesNotMatch(extension, /class (\w+ )?ParserBlock|function ParserBlock|ParserBlock\.prototype/);
    assert.match(read('undici.js'), /AGFzbQ/);
    assert.match(read('markdown-it.js'), /createMarkdownParser/);
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

  it('the separate files load and give what the extension uses', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const undici = require(path.join(dist, 'undici.js')) as { Agent: unknown; ProxyAgent: unknown };
    assert.equal(typeof undici.Agent, 'function');
    assert.equal(typeof undici.ProxyAgent, 'function');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const markdown = require(path.join(dist, 'markdown-it.js')) as { createMarkdownParser(): { parse(text: string, env: object): { type: string }[] } };
    assert.deepEqual(markdown.createMarkdownParser().parse('# Title', {}).map((token) => token.type), ['heading_open', 'inline', 'heading_close']);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lockfile = require(path.join(dist, 'proper-lockfile.js')) as { lock: unknown };
    assert.equal(typeof lockfile.lock, 'function');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ignore } = require(path.join(dist, 'ignore.js')) as { ignore(): { add(rules: string): { ignores(file: string): boolean } } };
    assert.equal(ignore().add('secrets/\n').ignores('secrets/key.txt'), true);
  });
});
