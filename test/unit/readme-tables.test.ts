/**
 * The README's commands and settings tables against package.json: every
 * contributed command and setting has its row, no row names one that is gone,
 * and each setting's default and scope read as package.json declares them.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = process.cwd();

interface Setting { readonly default?: unknown; readonly scope?: string }
interface Manifest {
  readonly contributes: {
    readonly commands: readonly { readonly command: string }[];
    readonly configuration: { readonly properties: Record<string, Setting> } | readonly { readonly properties: Record<string, Setting> }[];
  };
}

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The body rows of every table under a `## heading`, up to the next `## `, each split into its cells. */
function tableRows(heading: string): string[][] {
  const start = readme.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `README.md has a "## ${heading}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end).split('\n')
    .filter((line) => line.startsWith('|') && !/^\|[-| ]+\|$/.test(line))
    .map((line) => line.slice(1, -1).split(/(?<!\\)\|/).map((cell) => cell.trim()))
    .filter((cells) => !['Command', 'Setting', 'Where'].includes(cells[0]!));
}

function sorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

describe('README.md tables', () => {
  it('name every command package.json contributes, and no other', () => {
    const named = tableRows('Commands').flatMap((cells) => [...cells[1]!.matchAll(/`(reasoner\.[\w.]+)`/g)].map((match) => match[1]!));
    const contributed = manifest.contributes.commands.map((entry) => entry.command);
    assert.deepEqual(sorted(named), sorted(contributed));
  });

  it('have a row for every setting, with the default and scope package.json declares', () => {
    const properties = Object.assign({}, ...[manifest.contributes.configuration].flat().map((section) => section.properties)) as Record<string, Setting>;
    const rows = tableRows('Settings');
    assert.deepEqual(sorted(rows.map((cells) => cells[0]!.replace(/`/g, ''))), sorted(Object.keys(properties)));
    for (const [id, defaultValue, scope] of rows) {
      const setting = properties[id!.replace(/`/g, '')]!;
      assert.equal(defaultValue!.replace(/`/g, ''), JSON.stringify(setting.default).replace(/^"(.*)"$/, '$1'), `${id}'s default`);
      assert.equal(scope, setting.scope ?? 'window', `${id}'s scope`);
    }
  });
});
