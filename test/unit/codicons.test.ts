import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'opentype.js';
import { ICON_NAMES } from '../../src/webview/icons';

const ROOT = path.join(__dirname, '..', '..', '..');
// The build's own script, loaded from the tree as the build runs it.
const { writeCodiconSubset } = createRequire(path.join(ROOT, 'package.json'))('./scripts/codicons.js') as {
  writeCodiconSubset(targetDir: string): Promise<void>;
};

describe('the codicon font the pages ship', () => {
  let dir: string;
  let css: string;
  let font: Buffer;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reasoner-codicons-'));
    await writeCodiconSubset(dir);
    css = fs.readFileSync(path.join(dir, 'codicon.css'), 'utf8');
    font = fs.readFileSync(path.join(dir, 'codicon.ttf'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function codePoints(): Map<string, number> {
    return new Map([...css.matchAll(/^\.codicon-([a-z0-9-]+):before \{ content: "\\([0-9a-f]+)" \}$/gm)].map((match) => [match[1]!, parseInt(match[2]!, 16)]));
  }

  it('has a rule for every icon the pages draw and for no other', () => {
    assert.deepEqual([...codePoints().keys()].sort(), [...ICON_NAMES].sort());
  });

  it('draws every one of them: each code point maps to a glyph with an outline', () => {
    const parsed = parse(new Uint8Array(font).buffer);
    const blank = [...codePoints()].filter(([, codePoint]) => {
      const glyph = parsed.charToGlyph(String.fromCodePoint(codePoint));
      return glyph.index === 0 || glyph.path.commands.length === 0;
    });
    assert.deepEqual(blank, [], 'icons that would show as an empty box');
    assert.deepEqual(Object.keys(parsed.tables.cmap.glyphIndexMap).map(Number).sort(), [...codePoints().values()].sort(), 'the font carries only the icons used');
  });

  it('keeps the base class and the spinning modifier, and names the font file it was written with', () => {
    assert.match(css, /\.codicon\[class\*='codicon-'\] \{[^}]*font: normal normal normal 16px\/1 codicon;/);
    assert.match(css, /\.codicon-loading\.codicon-modifier-spin/);
    const hash = crypto.createHash('md5').update(font).digest('hex');
    assert.ok(css.includes(`src: url("./codicon.ttf?${hash}") format("truetype");`), 'the font URL changes with the font, so a webview never keeps a stale cached copy');
  });
});
