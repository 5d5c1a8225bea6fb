/**
 * Precise context inside a real extension host: the definitions the code
 * uses, found by the TypeScript server built into code-server and by a tiny
 * definition provider for a made-up language, checked where they arrive (the
 * gateway simulator).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFINITIONS_INTRO } from '../../src/core/common/context';
import { TASK_QUESTIONS } from '../../src/core/common/prompts';
import type { ChatViewProvider } from '../../src/vscode/chat/chatViewProvider';
import { DefinitionContext } from '../../src/vscode/context/definitionContext';
import { askInline } from '../../src/vscode/inline/inlineTask';
import type { Simulator } from '../simulator/simulator';
import { commandQuickInputUntil, connectSimulator, markdownOf, openFixture, reasoner, requestText, selectLines, setUserSetting, waitFor, workspaceFolder } from './helpers';
import { cleanUpInline, onlySession } from './inlineHelpers';
import { RecordingStream } from './recordingStream';

const CHECKOUT = 'src/context/checkout.ts';
/** Lines 5–9 (1-based): the function `checkout`, without the imports. */
const CHECKOUT_FUNCTION: [number, number] = [4, 8];

/** `@reasoner /explain` with nothing attached: about the selection. */
const EXPLAIN_REQUEST = { prompt: '', command: 'explain', references: [], toolReferences: [], toolInvocationToken: undefined } as unknown as vscode.ChatRequest;

/** The user message of a request, as the model reads it. */
function sentText(body: unknown): string {
  const messages = (body as { messages?: { role: string; content: unknown }[] }).messages ?? [];
  const user = messages.filter((message) => message.role === 'user').pop();
  return typeof user?.content === 'string' ? user.content : JSON.stringify(user?.content ?? body);
}

/**
 * Waits until the TypeScript server answers from the whole project: `discount` leads to
 * pricing.ts (while it loads, it stops at the import or answers nothing).
 */
async function typeScriptReady(editor: vscode.TextEditor): Promise<void> {
  const at = new vscode.Position(7, editor.document.lineAt(7).text.indexOf('discount') + 1);
  await waitFor('the TypeScript server to find definitions in other files', async () => {
    const found = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[] | undefined>('vscode.executeDefinitionProvider', editor.document.uri, at);
    return (found ?? []).some((result) => ('targetUri' in result ? result.targetUri : result.uri).path.endsWith('/pricing.ts'));
  }, 60_000);
}

/**
 * A definition and symbol provider for `*.rtl` files: `def NAME` … `end` blocks,
 * and `call NAME` finds the block in any .rtl file of the same folder.
 */
function registerTestLanguage(): vscode.Disposable {
  const selector: vscode.DocumentSelector = { pattern: '**/*.rtl' };
  const blocks = (text: string) => {
    const lines = text.split('\n');
    const found: { name: string; start: number; end: number }[] = [];
    lines.forEach((line, index) => {
      const def = /^def (\w+)/.exec(line);
      if (def) found.push({ name: def[1]!, start: index, end: lines.findIndex((candidate, at) => at > index && candidate.trim() === 'end') });
    });
    return found;
  };
  return vscode.Disposable.from(
    vscode.languages.registerDocumentSymbolProvider(selector, {
      provideDocumentSymbols: (document) => blocks(document.getText()).map((block) => {
        const range = new vscode.Range(block.start, 0, block.end, 3);
        return new vscode.DocumentSymbol(block.name, '', vscode.SymbolKind.Function, range, new vscode.Range(block.start, 4, block.start, 4 + block.name.length));
      }),
    }),
    vscode.languages.registerDefinitionProvider(selector, {
      provideDefinition: async (document, position) => {
        const word = document.getText(document.getWordRangeAtPosition(position));
        const folder = vscode.Uri.joinPath(document.uri, '..');
        const locations: vscode.Location[] = [];
        for (const [name] of await vscode.workspace.fs.readDirectory(folder)) {
          if (!name.endsWith('.rtl')) continue;
          const uri = vscode.Uri.joinPath(folder, name);
          const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
          for (const block of blocks(text)) {
            if (block.name === word) locations.push(new vscode.Location(uri, new vscode.Position(block.start, 4)));
          }
        }
        return locations;
      },
    }),
  );
}

suite('Precise context: the definitions the code uses', () => {
  let sim: Simulator;
  const ignoreFile = () => path.join(workspaceFolder(), '.reasonerignore');

  setup(async () => {
    sim = await connectSimulator();
    // The machine may be loaded: the limit is the longest wait, gathering ends as soon as all is found.
    await setUserSetting('context.timeLimitMs', 30_000);
    // The fixture's own, written again here so that these tests say what they rely on.
    fs.writeFileSync(ignoreFile(), '# nothing private leaves\nprivate/\n');
  });

  teardown(async () => {
    for (const key of ['context.timeLimitMs', 'context.maxTokens', 'context.mode']) await setUserSetting(key, undefined);
    await cleanUpInline(sim);
  });

  test('explaining a function sends the interface and the helper it uses from two other files, in order, after the code; never an ignored file', async () => {
    const editor = await openFixture(CHECKOUT);
    await typeScriptReady(editor);
    selectLines(editor, ...CHECKOUT_FUNCTION);
    sim.script({ text: 'It totals the cart and applies the coupon.' });
    await vscode.commands.executeCommand('reasoner.explainSelection');

    const text = sentText(sim.requests[0]!.body);
    const order = [
      'export function checkout(cart: Cart): string {',
      DEFINITIONS_INTRO,
      'Definition of `Cart`: `src/context/model.ts`, lines 2–5 (typescript):',
      'export interface Cart {',
      'Definition of `discount`: `src/context/pricing.ts`, lines 5–7 (typescript):',
      'export function discount(total: number, coupon?: string): number {',
    ];
    const at = order.map((piece) => text.indexOf(piece));
    assert.ok(at.every((index) => index >= 0), `missing ${order.filter((_p, i) => at[i]! < 0).join(' | ')} in:\n${text}`);
    assert.deepEqual([...at].sort((a, b) => a - b), at, `out of order:\n${text}`);
    assert.doesNotMatch(text, /private-salt-never-sent|private\/salt\.ts/, 'a file matched by .reasonerignore is never sent');
    assert.doesNotMatch(text, /interface Unused|not used by checkout/, 'only what the code uses');
    assert.doesNotMatch(text, /Definition of `items`/, 'a member of a type that is sent whole is not sent again');

    const prompt = markdownOf((await onlySession()).thread.comments[0]!);
    assert.match(prompt, /Definitions sent along:.*`model\.ts:2-5 · Cart` · `pricing\.ts:5-7 · discount`/);
  });

  test('an untrusted workspace sends only the open file: no other file is looked into, read or sent', async () => {
    const api = await reasoner();
    const editor = await openFixture(CHECKOUT);
    await typeScriptReady(editor);
    selectLines(editor, ...CHECKOUT_FUNCTION);
    // VS Code asks every definition provider of the language: this one counts the lookups.
    let lookups = 0;
    const counter = vscode.languages.registerDefinitionProvider({ language: 'typescript' }, { provideDefinition: () => { lookups++; return []; } });
    // The extension's own Explain Selection, with the workspace's trust answered by the test.
    const explain = async (trusted: boolean) => {
      lookups = 0;
      sim.script({ text: trusted ? 'Trusted.' : 'Restricted.' });
      await askInline(api.services.inline, 'explain', TASK_QUESTIONS.explain, { definitions: new DefinitionContext(api.services.log, api.services.settings, () => trusted) });
      return sentText(sim.requests.at(-1)!.body);
    };
    try {
      const trusted = await explain(true);
      assert.ok(lookups > 0, 'trusted: the definitions are looked up');
      assert.match(trusted, /Definition of `Cart`: `src\/context\/model\.ts`[\s\S]*Definition of `discount`: `src\/context\/pricing\.ts`/);

      const untrusted = await explain(false);
      assert.equal(sim.requests.length, 2);
      assert.equal(lookups, 0, 'untrusted: no definition is looked up, so no other file is opened');
      assert.match(untrusted, /export function checkout\(cart: Cart\): string \{/);
      assert.equal(untrusted.includes(DEFINITIONS_INTRO), false, untrusted);
      assert.doesNotMatch(untrusted, /export interface Cart|export function discount|model\.ts|pricing\.ts/);
      const threads = api.services.inline.sessions;
      assert.match(markdownOf(threads[0]!.thread.comments[0]!), /Definitions sent along/);
      assert.doesNotMatch(markdownOf(threads[1]!.thread.comments[0]!), /Definitions sent along/);
    } finally {
      counter.dispose();
    }
  });

  test('the budget cuts the list: what does not fit stays home, and 0 sends the code alone', async () => {
    const editor = await openFixture(CHECKOUT);
    await typeScriptReady(editor);
    selectLines(editor, ...CHECKOUT_FUNCTION);
    // Room for the interface (about 50 tokens with its heading), not for the helper after it.
    await setUserSetting('context.maxTokens', 60);
    sim.script({ text: 'one' });
    await vscode.commands.executeCommand('reasoner.explainSelection');
    const cut = sentText(sim.requests[0]!.body);
    assert.match(cut, /Definition of `Cart`/);
    assert.doesNotMatch(cut, /Definition of `discount`/);

    await setUserSetting('context.maxTokens', 0);
    sim.script({ text: 'two' });
    await vscode.commands.executeCommand('reasoner.explainSelection');
    const off = sentText(sim.requests[1]!.body);
    assert.match(off, /export function checkout/);
    assert.equal(off.includes(DEFINITIONS_INTRO), false, off);
  });

  test('a file hidden by files.exclude or search.exclude is not read for definitions', async () => {
    const editor = await openFixture(CHECKOUT);
    await typeScriptReady(editor);
    selectLines(editor, ...CHECKOUT_FUNCTION);
    const exclude = (section: string, value: Record<string, boolean> | undefined) =>
      vscode.workspace.getConfiguration(section).update('exclude', value, vscode.ConfigurationTarget.Global);
    try {
      await exclude('files', { '**/pricing.ts': true });
      sim.script({ text: 'one' });
      await vscode.commands.executeCommand('reasoner.explainSelection');
      const hidden = sentText(sim.requests[0]!.body);
      assert.match(hidden, /Definition of `Cart`/);
      assert.doesNotMatch(hidden, /Definition of `discount`|export function discount/);

      await exclude('files', undefined);
      await exclude('search', { 'src/context/model.ts': true });
      sim.script({ text: 'two' });
      await vscode.commands.executeCommand('reasoner.explainSelection');
      const unsearched = sentText(sim.requests[1]!.body);
      assert.match(unsearched, /Definition of `discount`/);
      assert.doesNotMatch(unsearched, /Definition of `Cart`|export interface Cart/);
    } finally {
      await exclude('files', undefined);
      await exclude('search', undefined);
    }
  });

  test('works with any language that has a definition provider: a made-up one registered by the test', async () => {
    const language = registerTestLanguage();
    try {
      const editor = await openFixture('src/context/lang/main.rtl');
      selectLines(editor, 0, 3);
      sim.script({ text: 'It greets.' });
      await vscode.commands.executeCommand('reasoner.explainSelection');
      const text = sentText(sim.requests[0]!.body);
      const greet = text.indexOf('Definition of `greet`: `src/context/lang/lib.rtl`, lines 5–7');
      const shout = text.indexOf('Definition of `shout`: `src/context/lang/lib.rtl`, lines 9–11');
      assert.ok(greet > 0 && shout > greet, text);
      assert.match(text, /def greet\n {2}say hello\nend/);
      assert.doesNotMatch(text, /unrelated/);
    } finally {
      language.dispose();
    }
  });

  test('in the chat each definition is a chip; removing one removes it from the request', async () => {
    const api = await reasoner();
    const chat = api.services.chat as ChatViewProvider;
    const editor = await openFixture(CHECKOUT);
    await typeScriptReady(editor);
    selectLines(editor, ...CHECKOUT_FUNCTION);
    await chat.addSelection(editor);
    const chips = api.chat.getContexts();
    assert.deepEqual(chips.map((chip) => `${chip.kind} ${chip.label}`), ['selection checkout.ts:5-9', 'definition model.ts:2-5 · Cart', 'definition pricing.ts:5-7 · discount']);
    api.chat.removeContext(chips[1]!.id);
    sim.script({ text: 'Fine.' });
    await chat.send('What does checkout return?');
    const text = requestText(sim.requests.at(-1)!.body);
    assert.match(text, /Definition of `discount`/);
    assert.doesNotMatch(text, /Definition of `Cart`|export interface Cart/);
  });

  test('@reasoner lists the definitions among its references, names each by file, lines and symbol, and sends them after the code', async () => {
    const api = await reasoner();
    const editor = await openFixture(CHECKOUT);
    await typeScriptReady(editor);
    selectLines(editor, ...CHECKOUT_FUNCTION);
    sim.script({ text: 'Explained.' });
    const recorded = new RecordingStream();
    await api.participant.participant.requestHandler(EXPLAIN_REQUEST, { history: [] }, recorded.stream, new vscode.CancellationTokenSource().token);
    const where = recorded.references.map((reference) => `${vscode.workspace.asRelativePath(reference.uri, false)}:${reference.range.start.line + 1}`);
    assert.deepEqual(where, ['src/context/checkout.ts:5', 'src/context/model.ts:2', 'src/context/pricing.ts:5']);
    // A reference carries no name: the answer opens with each definition's file, lines and symbol.
    assert.match(recorded.text, /^\*Definitions sent along:\* `model\.ts:2-5 · Cart` · `pricing\.ts:5-7 · discount`\n\nExplained\./);
    const text = sentText(sim.requests[0]!.body);
    assert.ok(text.indexOf('export function checkout') < text.indexOf('Definition of `Cart`'), text);
    assert.match(text, /Definition of `discount`/);
  });

  test('@reasoner with reasoner.context.mode "ask" shows the picker first: Enter sends every definition ticked, Escape cancels and says so', async () => {
    const api = await reasoner();
    const editor = await openFixture(CHECKOUT);
    await typeScriptReady(editor);
    selectLines(editor, ...CHECKOUT_FUNCTION);
    await setUserSetting('context.mode', 'ask');
    const explain = async (recorded: RecordingStream) =>
      await api.participant.participant.requestHandler(EXPLAIN_REQUEST, { history: [] }, recorded.stream, new vscode.CancellationTokenSource().token);

    const dismissed = new RecordingStream();
    const cancelled = await commandQuickInputUntil('workbench.action.closeQuickOpen', explain(dismissed));
    assert.equal(sim.requests.length, 0, 'Escape sends nothing');
    assert.equal(cancelled?.metadata?.status, 'cancelled');
    assert.match(dismissed.text, /^Cancelled in the definitions picker: nothing was sent\./);
    assert.deepEqual(dismissed.references, []);

    sim.script({ text: 'Explained after asking.' });
    const accepted = new RecordingStream();
    await commandQuickInputUntil('workbench.action.acceptSelectedQuickOpenItem', explain(accepted));
    assert.equal(sim.requests.length, 1);
    assert.match(accepted.text, /^\*Definitions sent along:\* `model\.ts:2-5 · Cart` · `pricing\.ts:5-7 · discount`\n\nExplained after asking\./);
    const text = sentText(sim.requests[0]!.body);
    assert.match(text, /Definition of `Cart`[\s\S]*Definition of `discount`/);
  });
});
