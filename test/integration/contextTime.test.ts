/**
 * Precise context when language servers are slow: a definition provider that
 * answers late and a hover that is still a placeholder, registered in the real
 * extension host for the tests' made-up language.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { gatherDefinitions } from '../../src/vscode/context/gatherer';
import type { Simulator } from '../simulator/simulator';
import { HeldClock } from '../unit/support-core/heldClock';
import { RTL, blockSymbols, blocks } from './contextLanguage';
import { closeAllEditors, connectSimulator, openFixture, selectLines, setUserSetting, waitFor, workspaceFolder } from './helpers';
import { cleanUpInline, disposeLeftoverThreads } from './inlineHelpers';

const LANG = 'src/context/lang';
const fixture = (name: string) => vscode.Uri.file(path.join(workspaceFolder(), LANG, name));
const wordAt = (document: vscode.TextDocument, position: vscode.Position) => document.getText(document.getWordRangeAtPosition(position));

/** Where `name`'s block starts in lib.rtl. */
async function libBlock(name: string): Promise<vscode.Location> {
  const lib = await vscode.workspace.openTextDocument(fixture('lib.rtl'));
  const block = blocks(lib.getText()).find((candidate) => candidate.name === name);
  assert.ok(block, `lib.rtl defines ${name}`);
  return new vscode.Location(lib.uri, new vscode.Position(block.start, 4));
}

/** An answer the test releases. */
function held<T>(): { readonly promise: Promise<T>; release(value: T): void } {
  let release!: (value: T) => void;
  const promise = new Promise<T>((resolve) => { release = resolve; });
  return { promise, release };
}

/**
 * A language server that is slow: `greet` is found at once (and leads to more.rtl too, listed after lib.rtl as the editor sorts by file, whose
 * symbols come only when released: asking for them says greet was found); `shout` answers only
 * when released, with a place in main.rtl outside the code. Counts the symbols asked for main.rtl.
 */
function slowLanguage(): vscode.Disposable & { readonly state: { moreAsked: boolean; shoutAsked: boolean; mainSymbolsAsked: number }; release(): void } {
  const state = { moreAsked: false, shoutAsked: false, mainSymbolsAsked: 0 };
  const moreSymbols = held<void>();
  const shout = held<void>();
  const registrations = vscode.Disposable.from(
    vscode.languages.registerDocumentSymbolProvider(RTL, {
      provideDocumentSymbols: async (document) => {
        const name = path.basename(document.uri.path);
        if (name === 'main.rtl') state.mainSymbolsAsked++;
        if (name === 'more.rtl') {
          state.moreAsked = true;
          await moreSymbols.promise;
        }
        return blockSymbols(document);
      },
    }),
    vscode.languages.registerDefinitionProvider(RTL, {
      provideDefinition: async (document, position) => {
        const word = wordAt(document, position);
        if (word === 'greet') return [await libBlock('greet'), new vscode.Location(fixture('more.rtl'), new vscode.Position(0, 4))];
        if (word !== 'shout') return [];
        state.shoutAsked = true;
        await shout.promise;
        return [new vscode.Location(fixture('main.rtl'), new vscode.Position(0, 4))];
      },
    }),
  );
  return { state, release: () => { moreSymbols.release(); shout.release(); }, dispose: () => registrations.dispose() };
}

suite('Precise context: slow and loading language servers', () => {
  let sim: Simulator;

  setup(async () => {
    await disposeLeftoverThreads();
    sim = await connectSimulator();
    // main.rtl in no editor: only the gathering asks for its symbols.
    await closeAllEditors();
  });

  teardown(async () => {
    await setUserSetting('context.timeLimitMs', undefined);
    await cleanUpInline(sim);
  });

  /** Gathers for main.rtl's two calls (lines 2–3) on a held clock, once greet was found and shout's provider is still working. */
  async function gatherWhileShoutIsSlow(language: ReturnType<typeof slowLanguage>, clock: HeldClock) {
    const main = await vscode.workspace.openTextDocument(fixture('main.rtl'));
    const gathering = gatherDefinitions({ document: main, range: new vscode.Range(1, 0, 2, main.lineAt(2).text.length), maxTokens: 4_000, timeLimitMs: 300, clock }, () => true);
    await waitFor('greet found, and shout asked for', () => language.state.moreAsked && language.state.shoutAsked, 30_000);
    // In an object: an async function returning the promise itself would wait for it.
    return { gathering };
  }

  test('the time limit returns what was found while a definition provider is still working: it is not waited for', async () => {
    const language = slowLanguage();
    try {
      const clock = new HeldClock();
      const { gathering } = await gatherWhileShoutIsSlow(language, clock);
      clock.time = 300;
      clock.fire();
      const gathered = await gathering;
      assert.deepEqual(gathered.selection.chosen.map((candidate) => candidate.symbol), ['greet']);
      assert.equal(gathered.timedOut, true);
    } finally {
      language.release();
      language.dispose();
    }
  });

  test('a busy host whose timer has not fired yet still ends at the limit: late answers read no file and add nothing', async () => {
    const language = slowLanguage();
    try {
      const clock = new HeldClock();
      const { gathering } = await gatherWhileShoutIsSlow(language, clock);
      // The limit passed; the timer is late (the host was busy). Then the slow answers arrive.
      clock.time = 520;
      language.release();
      const gathered = await gathering;
      assert.deepEqual(gathered.selection.chosen.map((candidate) => candidate.symbol), ['greet'], 'more.rtl\'s late symbols add nothing');
      assert.equal(gathered.timedOut, true);
      assert.equal(language.state.mainSymbolsAsked, 0, 'shout\'s late answer leads to no further lookup');
    } finally {
      language.dispose();
    }
  });

  test('a hover that is a loading placeholder ("(loading...) import greet") is not sent; a real signature is', async () => {
    // A server still loading: no document symbols yet, so the hover at each use gives the signature.
    const language = vscode.Disposable.from(
      vscode.languages.registerDefinitionProvider(RTL, {
        provideDefinition: async (document, position) => {
          const word = wordAt(document, position);
          return word === 'greet' || word === 'shout' ? [await libBlock(word)] : [];
        },
      }),
      vscode.languages.registerHoverProvider(RTL, {
        provideHover: (document, position) => {
          const word = wordAt(document, position);
          if (word === 'greet') return new vscode.Hover(new vscode.MarkdownString().appendCodeblock('(loading...) import greet', 'typescript'));
          if (word === 'shout') return new vscode.Hover(new vscode.MarkdownString('Says it loudly.').appendCodeblock('def shout(volume)', 'rtl'));
          return undefined;
        },
      }),
    );
    try {
      await setUserSetting('context.timeLimitMs', 30_000);
      const editor = await openFixture(`${LANG}/main.rtl`);
      selectLines(editor, 1, 2);
      sim.script({ text: 'It greets, then shouts.' });
      await vscode.commands.executeCommand('reasoner.explainSelection');
      const sent = JSON.stringify(sim.requests.at(-1)!.body);
      assert.match(sent, /Definition of `shout`: `src\/context\/lang\/lib\.rtl`, line 9\b/);
      assert.match(sent, /def shout\(volume\)/);
      assert.doesNotMatch(sent, /loading|import greet|Definition of `greet`/);
    } finally {
      language.dispose();
    }
  });
});
