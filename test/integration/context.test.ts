/**
 * Precise context inside a real extension host: the definitions the code
 * uses, found by the TypeScript server built into code-server and by a tiny
 * definition provider for a made-up language, checked where they arrive (the
 * gateway simulator).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFINITIONS_INTRO } from '../../src/core/common/context';
import type { ContextChip, HostMessage } from '../../src/core/common/protocol';
import { TASK_QUESTIONS } from '../../src/core/common/prompts';
import { DefinitionContext } from '../../src/vscode/context/definitionContext';
import { askInline } from '../../src/vscode/inline/inlineTask';
import type { Simulator } from '../simulator/simulator';
import { makeChatProvider, openChatPage, type TestPage } from './chatPage';
import { EXTENSION_ID, commandQuickInputUntil, connectSimulator, markdownOf, openFixture, reasoner, requestText, selectLines, setUserSetting, waitFor, workspaceFolder } from './helpers';
import { cleanUpInline, disposeLeftoverThreads, onlySession } from './inlineHelpers';
import { registerTestLanguage } from './contextLanguage';
import { RecordingStream } from './recordingStream';

const CHECKOUT = 'src/context/checkout.ts';
/** Lines 5–9 (1-based): the function `checkout`, without the imports. */
const CHECKOUT_FUNCTION: [number, number] = [4, 8];

/** `@reasoner /explain` with nothing attached: about the selection. */
const EXPLAIN_REQUEST = { prompt: '', command: 'explain', references: [], toolReferences: [], toolInvocationToken: undefined } as unknown as vscode.ChatRequest;

/** The chips the page was last sent. */
function chipsShown(page: TestPage): readonly ContextChip[] | undefined {
  return page.delivered.filter((m): m is Extract<HostMessage, { type: 'contexts' }> => m.type === 'contexts').at(-1)?.contexts;
}

/**
 * Tells when the extension shows a QuickPick, and its items once given: the picker is the real
 * one, driven by the workbench's own commands (sent before it shows, they would do nothing).
 */
function watchPicker(): vscode.Disposable & { readonly shown: Promise<readonly vscode.QuickPickItem[]> } {
  const window = vscode.window as { showQuickPick: typeof vscode.window.showQuickPick };
  const real = window.showQuickPick;
  let announce!: (items: readonly vscode.QuickPickItem[]) => void;
  const shown = new Promise<readonly vscode.QuickPickItem[]>((resolve) => { announce = resolve; });
  window.showQuickPick = ((items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>, ...rest: unknown[]) => {
    const answer = (real as (...args: unknown[]) => unknown)(items, ...rest);
    // Resolved after the items went to the workbench (they are sent a few turns after the call).
    void Promise.resolve(items).then((list) => setImmediate(() => announce(list)));
    return answer;
  }) as typeof vscode.window.showQuickPick;
  return { shown, dispose: () => { window.showQuickPick = real; } };
}

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

suite('Precise context: the definitions the code uses', () => {
  let sim: Simulator;
  const ignoreFile = () => path.join(workspaceFolder(), '.reasonerignore');

  setup(async () => {
    await disposeLeftoverThreads();
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

  test('in the chat each definition is a chip; the × on one (the page\'s removeContext) leaves it out of the request', async () => {
    const api = await reasoner();
    const editor = await openFixture(CHECKOUT);
    await typeScriptReady(editor);
    selectLines(editor, ...CHECKOUT_FUNCTION);
    const cleanup: vscode.Disposable[] = [];
    try {
      // A chat of its own, finding definitions as the extension's does, driven by the messages its page posts.
      const { provider } = await makeChatProvider(cleanup, {
        extensionUri: vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri,
        storageDir: fs.mkdtempSync(path.join(os.tmpdir(), 'reasoner-context-chips-')),
        definitions: new DefinitionContext(api.services.log, api.services.settings),
      });
      const page = await openChatPage(cleanup, provider);
      page.fromPage({ type: 'addContext', kind: 'selection' });
      const chips = await waitFor('the selection and its two definitions as chips on the page', () => {
        const shown = chipsShown(page);
        return shown?.length === 3 ? shown : undefined;
      }, 30_000);
      assert.deepEqual(chips.map((chip) => `${chip.kind} ${chip.label}`), ['selection checkout.ts:5-9', 'definition model.ts:2-5 · Cart', 'definition pricing.ts:5-7 · discount']);
      page.fromPage({ type: 'removeContext', id: chips[1]!.id });
      await waitFor('the Cart chip to go', () => chipsShown(page)?.length === 2);
      sim.script({ text: 'Fine.' });
      page.fromPage({ type: 'send', text: 'What does checkout return?', modelId: 'o3-mini', effort: 'low' });
      const text = requestText((await waitFor('the request', () => sim.requests.at(-1)))!.body);
      assert.match(text, /export function checkout/);
      assert.match(text, /Definition of `discount`/);
      assert.doesNotMatch(text, /Definition of `Cart`|export interface Cart/);
    } finally {
      for (const disposable of cleanup.reverse()) disposable.dispose();
    }
  });

  test('with reasoner.context.mode "ask", a definition unticked in the picker is neither sent nor listed; the other one is', async () => {
    const editor = await openFixture(CHECKOUT);
    await typeScriptReady(editor);
    selectLines(editor, ...CHECKOUT_FUNCTION);
    await setUserSetting('context.mode', 'ask');
    const picker = watchPicker();
    try {
      sim.script({ text: 'Only the helper went along.' });
      const explained = vscode.commands.executeCommand('reasoner.explainSelection');
      const items = await picker.shown;
      assert.deepEqual(items.map((item) => [item.label, item.picked]), [['model.ts:2-5 · Cart', true], ['pricing.ts:5-7 · discount', true]]);
      // As the user does: the first row, Space unticks it, Enter sends. The workbench runs a command's
      // first call only after a turn of its own, by which the items may not be in the list yet: twice.
      await vscode.commands.executeCommand('quickInput.first');
      await vscode.commands.executeCommand('quickInput.first');
      await vscode.commands.executeCommand('quickInput.toggleCheckbox');
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      await explained;
    } finally {
      picker.dispose();
    }
    assert.equal(sim.requests.length, 1);
    const text = sentText(sim.requests[0]!.body);
    assert.match(text, /Definition of `discount`: `src\/context\/pricing\.ts`/);
    assert.doesNotMatch(text, /Definition of `Cart`|export interface Cart/);
    const prompt = markdownOf((await onlySession()).thread.comments[0]!);
    assert.match(prompt, /Definitions sent along:.*`pricing\.ts:5-7 · discount`/);
    assert.doesNotMatch(prompt, /Cart/);
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
