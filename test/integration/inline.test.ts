import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Simulator } from '../simulator/simulator';
import {
  closeAllEditors, connectSimulator, markdownOf, openFixture, reasoner, requestText, selectLines, setUserSetting, waitFor,
} from './helpers';
import { cleanUpInline, disposeLeftoverThreads, onlySession } from './inlineHelpers';

type Message = { role: string; content: unknown };
const messagesOf = (body: unknown) => (body as { messages: Message[] }).messages;

suite('Explain Selection and palette prompts, inline', () => {
  let sim: Simulator;

  setup(async () => {
    await disposeLeftoverThreads();
    sim = await connectSimulator();
  });

  teardown(() => cleanUpInline(sim));

  test('explains a selection: code, file and language are sent; the answer is in a thread at the selection', async () => {
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 9);
    sim.script({ text: 'It computes the **Euclidean distance** between two points.' });
    const answer = await vscode.commands.executeCommand<string>('reasoner.explainSelection');
    assert.equal(answer, 'It computes the **Euclidean distance** between two points.');
    const body = sim.requests[0].body;
    const text = requestText(body);
    assert.match(text, /export function distance\(a: Point, b: Point\): number/);
    assert.match(text, /src\/sample\.ts/);
    assert.match(text, /typescript/);
    assert.equal(messagesOf(body)[0].role, 'developer');

    const session = await onlySession();
    assert.equal(session.uri.toString(), editor.document.uri.toString());
    assert.equal(session.range?.start.line, 5);
    assert.equal(session.range?.end.line, 9);
    assert.equal(session.thread.collapsibleState, vscode.CommentThreadCollapsibleState.Expanded);
    const comments = session.thread.comments;
    assert.equal(comments.length, 2);
    assert.match(markdownOf(comments[1]), /Euclidean distance/);
    assert.match(String(comments[1].author.name), /o3-mini · medium/);
    assert.match(session.thread.label ?? '', /o3-mini · medium · done/);
    assert.match(markdownOf(comments[1]), /[\d,]+ in · [\d,]+ out · [\d,]+ reasoning/);
  });

  test('with an empty selection inside a method, the enclosing method is explained', async () => {
    const editor = await openFixture('src/sample.ts');
    editor.selection = new vscode.Selection(20, 6, 20, 6); // inside length()
    sim.script({ text: 'Sums the segment lengths.' });
    // The TypeScript server may still be starting: wait until it reports symbols.
    await waitFor('document symbols', async () => {
      const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', editor.document.uri);
      return symbols && symbols.length > 0;
    }, 30_000);
    const answer = await vscode.commands.executeCommand<string>('reasoner.explainSelection');
    assert.equal(answer, 'Sums the segment lengths.');
    const text = requestText(sim.requests[0].body);
    assert.match(text, /length\(\): number/);
    assert.match(text, /total \+= distance/);
    const session = await onlySession();
    assert.equal(session.range?.start.line, 18);
    assert.equal(session.range?.end.line, 24);
  });

  test('works on an untitled document', async () => {
    const document = await vscode.workspace.openTextDocument({ language: 'python', content: 'def twice(x):\n    return x * 2\n' });
    const editor = await vscode.window.showTextDocument(document);
    selectLines(editor, 0, 1);
    sim.script({ text: 'Doubles x.' });
    assert.equal(await vscode.commands.executeCommand('reasoner.explainSelection'), 'Doubles x.');
    const text = requestText(sim.requests[0].body);
    assert.match(text, /def twice\(x\)/);
    assert.match(text, /python/);
    const session = await onlySession();
    assert.equal(session.uri.scheme, 'untitled');
  });

  test('streams into the thread before the answer is complete', async () => {
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 0, 3);
    sim.script({ text: 'First part. Second part. Third part. Fourth part.', deltaSize: 6, chunkDelayMs: 150 });
    const pending = vscode.commands.executeCommand<string>('reasoner.explainSelection');
    const api = await reasoner();
    const partial = await waitFor('a partial answer in the thread', () => {
      const session = api.services.inline.sessions[0];
      if (!session || !session.running) return undefined;
      const body = session.thread.comments[1] ? markdownOf(session.thread.comments[1]) : '';
      return body.includes('First') && !body.includes('Fourth part.') ? body : undefined;
    });
    assert.ok(partial);
    assert.match(api.services.inline.sessions[0].thread.label ?? '', /running|writing|thinking/);
    assert.equal(await pending, 'First part. Second part. Third part. Fourth part.');
  });

  test('a reply in the thread continues the conversation with the first exchange in the request', async () => {
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 9);
    sim.script({ text: 'It is the distance.' }, { text: 'Use Math.hypot(dx, dy).' });
    await vscode.commands.executeCommand('reasoner.explainSelection');
    const session = await onlySession();
    const followUp = await vscode.commands.executeCommand<string>('reasoner.inline.reply', { thread: session.thread, text: 'How would you simplify it?' });
    assert.equal(followUp, 'Use Math.hypot(dx, dy).');
    const messages = messagesOf(sim.requests[1].body);
    assert.deepEqual(messages.map((m) => m.role), ['developer', 'user', 'assistant', 'user']);
    assert.match(JSON.stringify(messages[1].content), /export function distance/);
    assert.equal(messages[2].content, 'It is the distance.');
    assert.equal(messages[3].content, 'How would you simplify it?');
    assert.equal(session.thread.comments.length, 4);
    assert.match(markdownOf(session.thread.comments[3]), /Math\.hypot/);
  });

  test('cancel during a 30 s wait settles at once with undefined, marks the thread, and closes the connection', async () => {
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 9);
    sim.script({ firstByteDelayMs: 30_000, text: 'never' });
    const pending = vscode.commands.executeCommand<string | undefined>('reasoner.explainSelection');
    await sim.waitForRequests(1);
    const session = await onlySession();
    const started = Date.now();
    assert.equal(await vscode.commands.executeCommand('reasoner.inline.cancel', session.thread), 'cancelled');
    assert.equal(await pending, undefined);
    assert.ok(Date.now() - started < 1000, `settled in ${Date.now() - started} ms`);
    assert.equal(session.status, 'stopped');
    assert.match(session.thread.label ?? '', /cancelled/);
    const close = await sim.waitForClose(0, 5000);
    assert.equal(close.completed, false);
  });

  test('Cancel All stops every running thread', async () => {
    const editor = await openFixture('src/sample.ts');
    sim.setDefault({ firstByteDelayMs: 30_000 });
    selectLines(editor, 0, 3);
    const first = vscode.commands.executeCommand('reasoner.explainSelection');
    selectLines(editor, 5, 9);
    const second = vscode.commands.executeCommand('reasoner.findBugs');
    await sim.waitForRequests(2);
    assert.equal(await vscode.commands.executeCommand('reasoner.cancelAll'), 2);
    assert.deepEqual(await Promise.all([first, second]), [undefined, undefined]);
  });

  test('the thread follows its code when lines are added above it', async () => {
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 9);
    sim.script({ text: 'ok' });
    await vscode.commands.executeCommand('reasoner.explainSelection');
    const session = await onlySession();
    await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), '// one\n// two\n// three\n'));
    assert.equal(session.range?.start.line, 8);
    assert.equal(session.range?.end.line, 12);
    await vscode.commands.executeCommand('undo');
    assert.equal(session.range?.start.line, 5);
  });

  test('refactor opens a diff; Apply is one undoable edit; a changed original is refused', async () => {
    const api = await reasoner();
    const editor = await openFixture('src/sample.ts');
    const original = editor.document.getText();
    selectLines(editor, 6, 7);
    sim.script({ text: 'Here you go:\n```ts\n  const deltaX = a.x - b.x;\n  const deltaY = a.y - b.y;\n```\n- renamed' });
    const proposed = await vscode.commands.executeCommand<string>('reasoner.refactor', 'rename to deltaX/deltaY');
    assert.equal(proposed, '  const deltaX = a.x - b.x;\n  const deltaY = a.y - b.y;');
    assert.match(requestText(sim.requests[0].body), /rename to deltaX\/deltaY/);
    const diffTab = vscode.window.tabGroups.all.flatMap((group) => group.tabs).find((tab) => tab.input instanceof vscode.TabInputTextDiff);
    assert.ok(diffTab, 'a diff editor is open');
    const input = diffTab.input as vscode.TabInputTextDiff;
    assert.equal(input.modified.scheme, 'reasoner-proposal');
    const proposedDoc = await vscode.workspace.openTextDocument(input.modified);
    assert.match(proposedDoc.getText(), /const deltaX = a\.x - b\.x;\n {2}const deltaY/);

    assert.equal(await vscode.commands.executeCommand('reasoner.refactor.apply'), 'applied');
    assert.match(editor.document.getText(), /const deltaX = a\.x - b\.x;/);
    assert.doesNotMatch(editor.document.getText(), /const dx = /);
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), original, 'one undo restores the original');

    // A second proposal, then the code changes before Apply.
    const again = await vscode.window.showTextDocument(editor.document);
    selectLines(again, 6, 7);
    sim.script({ text: '```ts\n  const deltaX = a.x - b.x;\n  const deltaY = a.y - b.y;\n```' });
    await vscode.commands.executeCommand('reasoner.refactor', 'rename');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(again.document.uri, new vscode.Position(6, 2), '/* edited */ ');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const changed = again.document.getText();
    assert.equal(await vscode.commands.executeCommand('reasoner.refactor.apply', api.services.proposals.all.at(-1)!.id), undefined);
    assert.equal(again.document.getText(), changed, 'nothing applied over the changed code');
    assert.match(api.services.notifier.shown.at(-1)!.message, /changed since the proposal/);
    await vscode.window.showTextDocument(again.document);
    await vscode.commands.executeCommand('undo');
    assert.equal(again.document.getText(), original);
  });

  test('write tests streams into a new document in the same language, without the fence', async () => {
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 9);
    sim.script({ text: '```typescript\nimport { distance } from "./sample";\n\ntest("zero", () => expect(distance({x:0,y:0},{x:0,y:0})).toBe(0));\n```', chunkDelayMs: 20 });
    const text = await vscode.commands.executeCommand<string>('reasoner.writeTests');
    assert.equal(text, 'import { distance } from "./sample";\n\ntest("zero", () => expect(distance({x:0,y:0},{x:0,y:0})).toBe(0));\n');
    const active = vscode.window.activeTextEditor!.document;
    assert.equal(active.isUntitled, true);
    assert.equal(active.languageId, 'typescript');
    assert.equal(active.getText(), text);
  });

  test('a custom prompt expands its variables into the request', async () => {
    await setUserSetting('prompts', [{ name: 'Rate it', prompt: 'Rate this ${language} from ${fileName} for ${input}:\n${selection}', output: 'inline' }]);
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 5);
    sim.script({ text: '7/10' });
    assert.equal(await vscode.commands.executeCommand('reasoner.runPrompt', 'Rate it', 'clarity'), '7/10');
    const user = messagesOf(sim.requests[0].body).at(-1)!;
    assert.equal(user.content, 'Rate this typescript from src/sample.ts for clarity:\nexport function distance(a: Point, b: Point): number {');
  });

  test('ask sends a free question about the selection', async () => {
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 12, 13);
    sim.script({ text: 'Because it is private.' });
    assert.equal(await vscode.commands.executeCommand('reasoner.ask', 'Why readonly?'), 'Because it is private.');
    assert.match(requestText(sim.requests[0].body), /Why readonly\?/);
    assert.match(requestText(sim.requests[0].body), /private readonly points/);
  });

  test('a 401 shows the server message and Set API Key in the thread', async () => {
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 9);
    sim.script({ status: 401, message: 'Incorrect API key provided: sk-t…b5a3' });
    assert.equal(await vscode.commands.executeCommand('reasoner.explainSelection'), undefined);
    const session = await onlySession();
    assert.equal(session.status, 'error');
    assert.equal(session.thread.contextValue, 'reasoner-error-account');
    const body = markdownOf(session.thread.comments[1]);
    assert.match(body, /rejected your API key/);
    assert.match(body, /Incorrect API key provided/);
    assert.match(body, /\[Set API Key\]\(command:reasoner\.setApiKey\?%5B%5D\)/);
  });

  test('a 429 is retried and then succeeds', async () => {
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 9);
    sim.script({ status: 429, headers: { 'retry-after': '1' } }, { text: 'after the wait' });
    assert.equal(await vscode.commands.executeCommand('reasoner.explainSelection'), 'after the wait');
    assert.equal(sim.requests.length, 2);
    assert.equal((await onlySession()).status, 'complete');
  });

  test('a 500 with the gateway body shows its message and Retry, and Retry resends the same question', async () => {
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 9);
    sim.setDefault({ status: 500, errorShape: 'gateway', message: 'Upstream provider returned 400: context too long' });
    assert.equal(await vscode.commands.executeCommand('reasoner.explainSelection'), undefined);
    const session = await onlySession();
    const body = markdownOf(session.thread.comments[1]);
    assert.match(body, /Upstream provider returned 400: context too long/);
    assert.match(body, /\[Retry\]\(command:reasoner\.inline\.retry\?/);
    const attempts = sim.requests.length;
    assert.ok(attempts >= 2, 'a 500 is retried automatically before giving up');
    sim.setDefault({ text: 'second time lucky' });
    assert.equal(await vscode.commands.executeCommand('reasoner.inline.retry', session.id), 'second time lucky');
    assert.deepEqual(sim.requests.at(-1)!.body, sim.requests[0].body, 'the same question is sent again');
    assert.equal(session.thread.comments.length, 2, 'the retry replaces the failed answer');
  });

  test('Ask Another Model runs the last question again in place with the model picked', async () => {
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 9);
    sim.script({ text: 'From the first model.' }, { text: 'From the second model.' });
    await vscode.commands.executeCommand('reasoner.explainSelection');
    const session = await onlySession();
    assert.equal(await vscode.commands.executeCommand('reasoner.inline.askAnotherModel', session.id, 'o3'), 'From the second model.');
    assert.equal((sim.requests[1].body as { model: string }).model, 'openai/o3-2025-04-16');
    assert.deepEqual(messagesOf(sim.requests[1].body), messagesOf(sim.requests[0].body), 'the same question');
    assert.equal(session.thread.comments.length, 2, 'the answer is replaced, not added');
    assert.match(markdownOf(session.thread.comments[1]), /From the second model\./);
    assert.match(String(session.thread.comments[1].author.name), /^o3 · medium/);
    assert.match(session.thread.label ?? '', /Reasoner · o3 · medium · done/);
  });

  test('the reasoning summary is hidden above the answer until the answer\'s toolbar shows it, and an answer cut off by the budget is marked incomplete', async () => {
    await setUserSetting('model', 'o3-pro');
    await setUserSetting('backgroundMode', false);
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 9);
    sim.script({ text: 'It measures the distance', reasoning: 'Looked at dx and dy.', incomplete: 'max_output_tokens' });
    assert.equal(await vscode.commands.executeCommand('reasoner.explainSelection'), 'It measures the distance');
    const session = await onlySession();
    const answer = session.thread.comments[1]!;
    const body = markdownOf(answer);
    assert.doesNotMatch(body, /Looked at dx and dy/, 'hidden at first');
    assert.match(body, /Reasoning summary hidden.*\n\nIt measures the distance/);
    assert.match(answer.contextValue ?? '', /reasoning-hidden/, 'the toolbar offers Show Reasoning Summary');
    assert.equal(await vscode.commands.executeCommand('reasoner.inline.showReasoning', answer), 'shown');
    const shown = session.thread.comments[1]!;
    assert.match(markdownOf(shown), /^\*\*Reasoning summary\*\*\n\nLooked at dx and dy\.\n\n---\n\nIt measures the distance/);
    assert.match(shown.contextValue ?? '', /reasoning-shown/);
    assert.equal((shown.body as vscode.MarkdownString).supportHtml, false, 'model text is never rendered as HTML');
    assert.notEqual(shown, answer, 'a changed answer is a new comment, not the old one changed in place');
    assert.equal(await vscode.commands.executeCommand('reasoner.inline.hideReasoning', shown), 'hidden');
    assert.doesNotMatch(markdownOf(session.thread.comments[1]), /Looked at dx and dy/);
    const drawn = session.thread.comments;
    assert.equal(await vscode.commands.executeCommand('reasoner.inline.hideReasoning', drawn[1]), 'hidden');
    assert.equal(session.thread.comments, drawn, 'a draw that changes no comment sends none');
    assert.match(body, /\*\*Incomplete\.\*\* The answer was cut off at the output token limit\. Raise reasoner\.maxOutputTokens/, 'the same note as the chat\'s');
    assert.match(body, /[\d,]+ in · [\d,]+ out · [\d,]+ reasoning/);
    assert.match(session.thread.label ?? '', /o3-pro · medium · incomplete/);
    assert.equal(session.thread.contextValue, 'reasoner-incomplete');
  });

  test('closing the editor keeps the answer; it is there when the file is opened again', async () => {
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 9);
    sim.script({ text: 'Kept for later.' });
    await vscode.commands.executeCommand('reasoner.explainSelection');
    await closeAllEditors();
    const reopened = await openFixture('src/sample.ts');
    const session = await onlySession();
    assert.equal(session.uri.toString(), reopened.document.uri.toString());
    assert.match(markdownOf(session.thread.comments[1]), /Kept for later\./);
  });

  test('Open in Chat moves the conversation of the thread to the sidebar', async () => {
    const api = await reasoner();
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 9);
    sim.script({ text: 'Moved answer.' });
    await vscode.commands.executeCommand('reasoner.explainSelection');
    const session = await onlySession();
    const conversationId = await vscode.commands.executeCommand<string>('reasoner.inline.openInChat', session.thread);
    assert.ok(conversationId);
    const conversation = api.chat.getActiveConversation();
    assert.equal(conversation?.id, conversationId);
    assert.deepEqual(conversation?.turns.map((turn) => turn.role), ['user', 'assistant']);
    assert.equal(conversation?.turns[1].text, 'Moved answer.');
    assert.match(JSON.stringify(conversation?.turns[0]), /export function distance/);
    assert.deepEqual(conversation?.turns, JSON.parse(JSON.stringify(session.conversation.turns)), 'the chat shows the thread\'s own turns');
  });

  test('a custom prompt whose output is the chat answers there', async () => {
    const api = await reasoner();
    await setUserSetting('prompts', [{ name: 'Summarize in chat', prompt: 'Summarize ${fileName} in one line.', output: 'chat' }]);
    await openFixture('src/sample.ts');
    sim.script({ text: 'Geometry helpers.' });
    assert.equal(await vscode.commands.executeCommand('reasoner.runPrompt', 'Summarize in chat'), 'Geometry helpers.');
    const turns = api.chat.getActiveConversation()!.turns;
    assert.equal(turns.at(-1)!.text, 'Geometry helpers.');
    assert.match(requestText(sim.requests[0].body), /Summarize src\/sample\.ts in one line\./);
    assert.match(requestText(sim.requests[0].body), /class Path/, 'the file is attached when the template does not use ${selection}');
  });

  test('a partial answer is kept and marked; only the error comment, which holds no model text, may run commands', async () => {
    const editor = await openFixture('src/sample.ts');
    selectLines(editor, 5, 9);
    const hostile = 'Partial [click me](command:reasoner.setApiKey?%5B%22sk-attacker%22%5D) text';
    sim.setDefault({ text: `${hostile} and then a lot more that never arrives because the connection resets.`, deltaSize: 8, fault: 'reset', faultAfterBytes: 900 });
    assert.equal(await vscode.commands.executeCommand('reasoner.explainSelection'), undefined);
    const session = await onlySession();
    assert.equal(session.status, 'error');
    const [, answer, error] = session.thread.comments;
    assert.ok(answer && error, 'the partial answer and the error are both shown');
    assert.match(markdownOf(answer), /Partial/);
    assert.match(markdownOf(answer), /Incomplete.*partial/);
    assert.ok(!(answer.body as vscode.MarkdownString).isTrusted, 'model output never runs commands');
    assert.match(markdownOf(error), /Could not talk to the gateway|connection/i);
    assert.ok((error.body as vscode.MarkdownString).isTrusted);
    assert.doesNotMatch(markdownOf(error), /sk-attacker/);
  });
});
