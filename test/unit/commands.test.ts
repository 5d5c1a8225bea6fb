/**
 * The table of command ids against what package.json contributes, and the
 * sources against the table: code names a command only through COMMANDS.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMANDS } from '../../src/core/common/commands';

const ROOT = process.cwd();
const TABLE_FILE = path.join('src', 'core', 'common', 'commands.ts');

interface MenuItem { readonly command?: string; readonly alt?: string; readonly submenu?: string }
interface Contributions {
  readonly commands: readonly { readonly command: string }[];
  readonly menus: Record<string, readonly MenuItem[]>;
  readonly submenus?: readonly { readonly id: string }[];
  readonly keybindings?: readonly { readonly command: string }[];
}

const contributes = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: Contributions }).contributes;
const contributed = new Set(contributes.commands.map((entry) => entry.command));
const tabled = new Set<string>(Object.values(COMMANDS));

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return /\.(ts|js)$/.test(entry.name) ? [relative] : [];
  });
}

/** Every quoted string that is one of our command ids (alone or as a `command:` link), comments aside. */
function commandLiterals(text: string, ids: ReadonlySet<string>): { readonly line: number; readonly id: string }[] {
  return text.split('\n').flatMap((line, index) => {
    if (/^\s*(\/\/|\/\*|\*)/.test(line)) return [];
    return [...line.matchAll(/(['"`])(?:command:)?(reasoner\.[\w.-]+)(?:\?[^'"`]*)?\1/g)]
      .map((match) => match[2]!)
      .filter((id) => ids.has(id))
      .map((id) => ({ line: index + 1, id }));
  });
}

describe('command ids', () => {
  it('COMMANDS holds exactly the commands package.json contributes', () => {
    const mismatch = {
      contributedButNotInCOMMANDS: [...contributed].filter((id) => !tabled.has(id)),
      inCOMMANDSButNotContributed: [...tabled].filter((id) => !contributed.has(id)),
    };
    assert.deepEqual(mismatch, { contributedButNotInCOMMANDS: [], inCOMMANDSButNotContributed: [] });
    assert.equal(tabled.size, Object.keys(COMMANDS).length, 'no id appears twice in COMMANDS');
  });

  it('every menu entry and keybinding names a contributed command or submenu', () => {
    const submenus = new Set((contributes.submenus ?? []).map((entry) => entry.id));
    const unknown: string[] = [];
    for (const [menu, items] of Object.entries(contributes.menus)) {
      for (const item of items) {
        for (const id of [item.command, item.alt]) if (id !== undefined && !contributed.has(id)) unknown.push(`menus.${menu}: ${id}`);
        if (item.submenu !== undefined && !submenus.has(item.submenu)) unknown.push(`menus.${menu}: submenu ${item.submenu}`);
      }
    }
    for (const binding of contributes.keybindings ?? []) {
      if (!contributed.has(binding.command)) unknown.push(`keybindings: ${binding.command}`);
    }
    assert.deepEqual(unknown, []);
  });

  it('no source file outside the table spells a command id of ours as a string', () => {
    const ids = new Set([...contributed, ...tabled]);
    const offenders = sourceFiles('src').filter((file) => file !== TABLE_FILE).flatMap((file) =>
      commandLiterals(fs.readFileSync(path.join(ROOT, file), 'utf8'), ids).map(({ line, id }) => `${file}:${line} '${id}'`));
    assert.deepEqual(offenders, [], 'use COMMANDS from src/core/common/commands.ts instead');
  });

  it('the scan recognises a command id in any quotes or in a command link, and nothing else', () => {
    const ids = new Set(['reasoner.showLog']);
    const sample = [
      "run('reasoner.showLog');",
      'run("reasoner.showLog", `reasoner.showLog`);',
      "link('command:reasoner.showLog?%5B1%5D');",
      "get('reasoner.models'); get('reasoner.showLogs');",
      "// 'reasoner.showLog' in a comment",
    ].join('\n');
    assert.deepEqual(commandLiterals(sample, ids).map(({ line }) => line), [1, 2, 2, 3]);
  });
});
