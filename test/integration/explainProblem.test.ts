/**
 * Explain This Problem inside a real extension host: a TypeScript file with a
 * type error, the diagnostic reported by VS Code's own TypeScript server, the
 * quick fix offered on it, the request carrying the problem, the explanation
 * in a thread at the problem, and the suggested fix applied through the diff
 * preview (after which the TypeScript server reports the error gone).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/core/common/commands';
import { INSTRUCTIONS } from '../../src/core/common/prompts';
import type { Simulator } from '../simulator/simulator';
import { assertRecordedBodiesValid } from '../unit/support-core/openapi';
import { TEST_KEY, closeAllEditors, connectSimulator, markdownOf, reasoner, requestText, resetUserSettings, waitFor, workspaceFolder } from './helpers';

/**
 * Each test writes a file of its own: the TypeScript server and the editor keep state for a path they have seen,
 * and a test that applied the fix, reverted it and deleted the file could leave the next one waiting on a diagnostic.
 */
let files = 0;
const nextFile = () => `src/problem-${++files}.ts`;
const SOURCE = [
  'export function describeTotal(prices: number[]): number {', // 0
  '  let sum = 0;', // 1
  '  for (const price of prices) {', // 2
  '    sum += price;', // 3
  '  }', // 4
  '  const total: number = `${sum} in all`;', // 5: TS2322
  '  return total;', // 6
  '}', // 7
  '',
].join('\n');
const ERROR_LINE = 5;
/** The lines the fix may replace: the problem's line and three on each side (2–8, 0-based). */
const REGION = SOURCE.split('\n').slice(2, 9).join('\n');
const FIXED_REGION = REGION.replace('const total: number = `${sum} in all`;', 'const total: number = sum;');
const TYPE_ERROR = "Type 'string' is not assignable to type 'number'.";

type Message = { role: string; content: unknown };
const messagesOf = (body: unknown) => (body as { messages: Message[] }).messages;

function typeErrors(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.code === 2322 || (typeof diagnostic.code === 'object' && diagnostic.code.value === 2322));
}

suite('Explain This Problem (real TypeScript diagnostics, simulated gateway)', function () {
  // The TypeScript server may take most of a minute to start on a loaded machine: openWithError's own limit names it.
  this.timeout(150_000);
  let sim: Simulator;
  let file: string;

  setup(async () => {
    sim = await connectSimulator();
    file = path.join(workspaceFolder(), nextFile());
    fs.writeFileSync(file, SOURCE);
  });

  teardown(async () => {
    const api = await reasoner();
    for (const session of api.services.inline.sessions) session.dispose();
    for (const proposal of api.services.proposals.all) await api.services.proposals.discard(proposal);
    const edited = vscode.workspace.textDocuments.find((document) => document.uri.fsPath === file && document.isDirty);
    if (edited) {
      await vscode.window.showTextDocument(edited);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    await closeAllEditors();
    fs.rmSync(file, { force: true });
    await resetUserSettings();
    try {
      assertRecordedBodiesValid(sim.requests);
    } finally {
      await sim.close();
    }
  });

  /** Opens the file and waits for the TypeScript server to report its type error. */
  async function openWithError(): Promise<{ editor: vscode.TextEditor; diagnostic: vscode.Diagnostic }> {
    const document = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(document, { preview: false });
    const [diagnostic] = await waitFor('the TypeScript server to report TS2322', () => {
      const found = typeErrors(document.uri);
      return found.length > 0 ? found : undefined;
    }, 90_000);
    return { editor, diagnostic: diagnostic! };
  }

  test('the quick fix is offered on a real TypeScript error; its request carries the message, source, code and code around; the fix applies and the error goes', async () => {
    const api = await reasoner();
    const { editor, diagnostic } = await openWithError();
    assert.equal(diagnostic.source, 'ts');
    assert.equal(diagnostic.range.start.line, ERROR_LINE);
    assert.equal(diagnostic.message, TYPE_ERROR);

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, diagnostic.range);
    const ours = actions.filter((action) => action.title === 'Reasoner: Explain this problem');
    assert.equal(ours.length, 1, `offered among ${actions.map((action) => action.title).join(' | ')}`);
    const action = ours[0]!;
    assert.equal(action.kind?.value, vscode.CodeActionKind.QuickFix.value);
    assert.equal(action.isPreferred, false, 'never the preferred fix: the language\'s own fixes come first');
    assert.equal(action.command?.command, COMMANDS.explainProblem);
    const [uri, given] = action.command?.arguments ?? [];
    assert.equal(String(uri), editor.document.uri.toString());
    assert.equal((given as vscode.Diagnostic).message, TYPE_ERROR, 'the action is about that problem');
    const clean = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, new vscode.Range(0, 0, 0, 5));
    assert.equal(clean.filter((a) => a.title.startsWith('Reasoner')).length, 0, 'nothing offered where there is no problem');

    const explanation = '`total` is declared as a `number`, but the template literal makes a `string`.';
    sim.script({ text: `${explanation}\n\n### Suggested fix\n\n\`\`\`typescript\n${FIXED_REGION}\n\`\`\`\n` });
    const answer = await vscode.commands.executeCommand<string>(action.command!.command, ...(action.command!.arguments ?? []));
    assert.match(answer, /template literal makes a `string`/);

    const body = sim.requests[0]!.body;
    const messages = messagesOf(body);
    assert.equal(messages[0]!.role, 'developer');
    assert.equal(messages[0]!.content, INSTRUCTIONS.explainProblem);
    const sent = JSON.stringify(messages[1]!.content);
    assert.ok(sent.includes(TYPE_ERROR), 'the message');
    assert.match(sent, /Error ts\(2322\) at line 6, column 9/, 'severity, source, code and where');
    assert.match(sent, /src\/problem-\d+\.ts/);
    assert.match(sent, /\(typescript\)/);
    assert.match(sent, /Selected \(lines 3–9\)/, 'the lines the fix may replace');
    assert.match(sent, /describeTotal\(prices: number\[\]\)/, 'the code around it');

    const [session] = api.services.inline.sessions;
    assert.ok(session, 'an inline thread');
    assert.equal(session.uri.toString(), editor.document.uri.toString());
    assert.equal(session.range?.start.line, ERROR_LINE, 'at the problem');
    assert.equal(session.task, 'explainProblem');
    assert.match(session.conversation.turns[0]!.text, /^Explain this problem and suggest a fix\.\n\nError ts\(2322\) at line 6, column 9: Type 'string'/);
    assert.match(markdownOf(session.thread.comments[0]!), /problem-\d+\.ts:3-9/, 'the prompt names the lines sent');
    assert.match(markdownOf(session.thread.comments[1]!), /template literal makes a/);
    assert.match(session.thread.label ?? '', /done/);

    const proposal = await waitFor('the suggested fix', () => api.services.proposals.all.at(-1));
    assert.equal(proposal.original, REGION);
    assert.equal(proposal.proposed, FIXED_REGION);
    assert.ok(api.services.notifier.shown.some((shown) => /suggests a fix for “Type 'string' is not assignable/.test(shown.message)
      && shown.actions.join() === 'Apply,Discard'));
    assert.ok(vscode.window.tabGroups.all.flatMap((group) => group.tabs).some((tab) => tab.input instanceof vscode.TabInputTextDiff
      && tab.label.includes('suggested fix')), 'the diff is open');

    assert.equal(await vscode.commands.executeCommand(COMMANDS.refactorApply, proposal.id), 'applied');
    assert.match(editor.document.getText(), /const total: number = sum;/);
    await waitFor('the TypeScript server to clear the error', () => typeErrors(editor.document.uri).length === 0, 60_000);
  });

  test('a first run without a key fails in the thread; after the key is set, Retry brings the explanation and still offers the fix', async () => {
    const api = await reasoner();
    const { editor, diagnostic } = await openWithError();
    await vscode.commands.executeCommand(COMMANDS.clearApiKey, { confirm: false });
    assert.equal(await vscode.commands.executeCommand(COMMANDS.explainProblem, editor.document.uri, diagnostic), undefined);
    const [session] = api.services.inline.sessions;
    assert.ok(session);
    assert.equal(session.lastAnswer?.error?.kind, 'no-key');
    assert.equal(sim.requests.length, 0);
    assert.equal(api.services.proposals.all.length, 0);

    await vscode.commands.executeCommand(COMMANDS.setApiKey, TEST_KEY);
    sim.script({ text: `A string is not a number.\n\n**Suggested fix:**\n\n\`\`\`ts\n${FIXED_REGION}\n\`\`\`` });
    assert.match(await vscode.commands.executeCommand<string>(COMMANDS.threadRetry, session.id), /A string is not a number/);
    const proposal = await waitFor('the suggested fix after Retry', () => api.services.proposals.all.at(-1));
    assert.equal(proposal.proposed, FIXED_REGION);
    assert.ok(requestText(sim.requests[0]!.body).includes(TYPE_ERROR), 'the retried request still carries the problem');
  });

  test('from the palette, on the problem under the cursor; an answer without a fix offers no diff', async () => {
    const api = await reasoner();
    const { editor } = await openWithError();
    editor.selection = new vscode.Selection(ERROR_LINE, 10, ERROR_LINE, 10);
    sim.script({ text: 'The template literal is a string. Changing these lines alone cannot say what you meant; decide whether `total` is a label or a number.' });
    const answer = await vscode.commands.executeCommand<string>(COMMANDS.explainProblem);
    assert.match(answer, /decide whether `total` is a label/);
    assert.ok(requestText(sim.requests[0]!.body).includes("Type 'string' is not assignable to type 'number'."));
    assert.equal(api.services.inline.sessions[0]?.range?.start.line, ERROR_LINE);
    assert.equal(api.services.proposals.all.length, 0, 'no fix, no diff');
  });
});
