import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getL10nJson } from '@vscode/l10n-dev';

const ROOT = path.join(__dirname, '..', '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

function filesUnder(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : entry.name.endsWith('.ts') ? [path.join(dir, entry.name)] : []);
}

describe('localization', () => {
  it('every %key% in package.json has a string in package.nls.json, and every string there is used', () => {
    const manifest = read('package.json');
    const strings = JSON.parse(read('package.nls.json')) as Record<string, unknown>;
    const used = [...manifest.matchAll(/"%([^"%]+)%"/g)].map((match) => match[1]!);
    assert.ok(used.length > 60, `${used.length} keys`);
    const missing = used.filter((key) => typeof strings[key] !== 'string' || (strings[key] as string).trim() === '');
    assert.deepEqual(missing, [], 'keys without a string');
    const unused = Object.keys(strings).filter((key) => !used.includes(key));
    assert.deepEqual(unused, [], 'strings no manifest entry uses');
  });

  it('the contributed titles are all localizable: no command, view or setting text is left in package.json', () => {
    const contributes = (JSON.parse(read('package.json')) as { contributes: Record<string, unknown> }).contributes;
    const literal: string[] = [];
    const walk = (value: unknown, where: string): void => {
      if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${where}.${i}`));
      else if (value && typeof value === 'object') {
        for (const [key, inner] of Object.entries(value)) {
          // A chat participant's name and its commands' names are what users type (@reasoner /explain), not text.
          const handle = key === 'name' && /^contributes\.chatParticipants\.\d+(\.commands\.\d+)?$/.test(where);
          const text = !handle && ['title', 'description', 'markdownDescription', 'name', 'fullName', 'displayName', 'contextualTitle', 'category', 'label'].includes(key);
          if (text && typeof inner === 'string' && !/^%[^%]+%$/.test(inner)) literal.push(`${where}.${key}: ${inner}`);
          else walk(inner, `${where}.${key}`);
        }
      }
    };
    walk(contributes, 'contributes');
    assert.deepEqual(literal, []);
  });

  it('l10n/bundle.l10n.json holds exactly the vscode.l10n.t strings of the source (run `npm run l10n` after changing them)', async () => {
    const sources = filesUnder('src/vscode').map((file) => ({ contents: read(file), extension: '.ts' }));
    const expected = await getL10nJson(sources);
    const bundle = JSON.parse(read('l10n/bundle.l10n.json')) as Record<string, string>;
    assert.deepEqual(Object.keys(bundle).sort(), Object.keys(expected).sort());
    assert.ok(Object.keys(bundle).length >= 40);
  });
});
