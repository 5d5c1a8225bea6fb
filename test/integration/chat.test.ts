/**
 * The chat sidebar's host side inside a real extension host, against the
 * gateway simulator through the extension's own request runner. Each test
 * builds its own ChatViewProvider on a fresh storage folder and reads the
 * chat's state from its model; the page, when a test needs it, is the real
 * bundle in a WebviewPanel.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AssistantTurn, Conversation } from '../../src/core/common/conversation';
import { actionIdsFor } from '../../src/core/common/errorPresenter';
import type { ReasoningEffort } from '../../src/core/common/types';
import { writeConversationMarkdown } from '../../src/vscode/chat/chatExport';
import { ChatViewProvider } from '../../src/vscode/chat/chatViewProvider';
import type { RequestRunner } from '../../src/vscode/runner';
import type { Simulator } from '../simulator/simulator';
import { type ChatHarness, type TestPage, active, makeChatProvider, openChatPage, waitForIndexed, waitForSaved } from './chatPage';
import { EXTENSION_ID, TEST_KEY, closeAllEditors, connectSimulator, reasoner, requestText, resetUserSettings, waitFor } from './helpers';

/** The extension's own request runner, remembering the retry each request offers (what "Set API Key" runs). */
function rememberingRetries(runner: RequestRunner): { readonly runner: RequestRunner; readonly retries: (() => unknown)[] } {
  const retries: (() => unknown)[] = [];
  return {
    retries,
    runner: {
      run: (request) => {
        if (request.retry) retries.push(request.retry);
        return runner.run(request);
      },
      cancelAll: () => runner.cancelAll(),
      get activeCount() { return runner.activeCount; },
    },
  };
}

function messagesOf(body: unknown): { role: string; content: unknown }[] {
  const record = body as { messages?: { role: string; content: unknown }[] };
  return record.messages ?? [];
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part: { text?: string }) => part.text ?? '').join('');
  return JSON.stringify(content);
}

suite('Chat sidebar (host side, real extension host, simulated gateway)', () => {
  let sim: Simulator;
  let storageRoot: string;
  let extensionUri: vscode.Uri;
  const cleanup: vscode.Disposable[] = [];

  const makeProvider = (storageDir = path.join(storageRoot, 'chat'), current: { modelId: string; effort: ReasoningEffort } = { modelId: 'o3-mini', effort: 'medium' }, runner?: RequestRunner): Promise<ChatHarness> =>
    makeChatProvider(cleanup, { extensionUri, storageDir, current, ...(runner ? { runner } : {}) });
  const openPage = (provider: ChatViewProvider): Promise<TestPage> => openChatPage(cleanup, provider);

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    extensionUri = extension.extensionUri;
    assert.ok(fs.existsSync(path.join(extensionUri.fsPath, 'dist', 'webview', 'webview.js')), 'the webview bundle is built');
    await reasoner();
    sim = await connectSimulator();
  });

  setup(() => {
    storageRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'reasoner-chat-it-'));
    sim.reset();
  });

  teardown(async () => {
    for (const disposable of cleanup.splice(0).reverse()) disposable.dispose();
    await closeAllEditors();
  });

  suiteTeardown(async () => {
    await sim?.close();
    await resetUserSettings();
  });

  test('a two-turn conversation sends the first turn along with the second, each turn keeping its model', async () => {
    const { provider } = await makeProvider();
    sim.script({ text: 'The loop never increments `i`.' }, { text: 'Use a for loop.' });

    const first = await provider.send('Why does my loop hang?');
    assert.equal(first.status, 'complete');
    assert.equal(first.text, 'The loop never increments `i`.');
    assert.equal(first.modelId, 'o3-mini');
    assert.ok(first.usage, 'usage is recorded on the turn');

    const second = await provider.send('How would you rewrite it?', { modelId: 'o3', effort: 'high' });
    assert.equal(second.status, 'complete');
    assert.equal(second.text, 'Use a for loop.');

    assert.equal(sim.requests.length, 2);
    const messages = messagesOf(sim.requests[1]!.body).filter((m) => m.role !== 'developer');
    assert.deepEqual(messages.map((m) => m.role), ['user', 'assistant', 'user']);
    assert.match(contentText(messages[0]!.content), /Why does my loop hang\?/);
    assert.equal(contentText(messages[1]!.content), 'The loop never increments `i`.');
    assert.match(contentText(messages[2]!.content), /How would you rewrite it\?/);
    const body = sim.requests[1]!.body as { model: string; reasoning_effort: string };
    assert.equal(body.reasoning_effort, 'high');
    assert.notEqual(body.model, (sim.requests[0]!.body as { model: string }).model, 'the second turn went to the other model');

    const turns = active(provider).turns.filter((t): t is AssistantTurn => t.role === 'assistant');
    assert.deepEqual(turns.map((t) => `${t.modelId}/${t.effort}`), ['o3-mini/medium', 'o3/high']);
    assert.equal(provider.model.getConversations()[0]!.title, 'Why does my loop hang?');
  });

  test('attached code travels as a fenced block with its file name and language', async () => {
    const { provider } = await makeProvider();
    sim.script({ text: 'ok' });
    await provider.send('What does this do?', {
      context: [{ fileName: 'src/sample.ts', languageId: 'typescript', code: 'export const answer = 42;', startLine: 3, endLine: 3 }],
    });
    const text = requestText(sim.requests[0]!.body);
    assert.match(text, /src\/sample\.ts/);
    assert.match(text, /```typescript/);
    assert.match(text, /export const answer = 42;/);
  });

  test('history is saved and a fresh provider on the same folder loads it back', async () => {
    const storageDir = path.join(storageRoot, 'chat');
    const { provider } = await makeProvider(storageDir);
    sim.script({ text: 'First answer.' }, { text: 'Second answer.' });
    await provider.send('first question');
    await provider.send('second question');
    const id = active(provider).id;
    await provider.model.rename(id, 'Renamed chat');
    await waitForSaved(storageDir, id, 'both answers', (saved) => saved.turns.length === 4 && saved.turns.at(-1)?.text === 'Second answer.');
    await waitForIndexed(storageDir, id, 'Renamed chat');
    provider.dispose();

    const { provider: reloaded } = await makeProvider(storageDir);
    assert.deepEqual(reloaded.model.getConversations().map((c) => [c.id, c.title]), [[id, 'Renamed chat']]);
    const conversation = active(reloaded);
    assert.equal(conversation.id, id);
    assert.deepEqual(conversation.turns.map((t) => `${t.role}:${t.text}`), [
      'user:first question', 'assistant:First answer.', 'user:second question', 'assistant:Second answer.',
    ]);

    // It goes on from where it was: the next request carries the reloaded turns.
    sim.script({ text: 'Third answer.' });
    await reloaded.send('third question');
    const roles = messagesOf(sim.requests[2]!.body).filter((m) => m.role !== 'developer').map((m) => m.role);
    assert.deepEqual(roles, ['user', 'assistant', 'user', 'assistant', 'user']);
  });

  test('a corrupt conversation file is moved aside, the others load, and the view still opens', async () => {
    const storageDir = path.join(storageRoot, 'chat');
    const { provider } = await makeProvider(storageDir);
    sim.script({ text: 'good answer' });
    await provider.send('good question');
    await provider.newChat();
    sim.script({ text: 'doomed answer' });
    await provider.send('doomed question');
    const [doomed, good] = provider.model.getConversations();
    assert.ok(doomed && good);
    for (const { id } of [doomed, good]) {
      await waitForSaved(storageDir, id, 'the finished answer', (saved) => (saved.turns.at(-1) as AssistantTurn | undefined)?.status === 'complete');
    }
    provider.dispose();
    fs.writeFileSync(path.join(storageDir, `${doomed.id}.json`), '{"version":1,"turns":[{"role":"us');

    const { provider: reloaded } = await makeProvider(storageDir);
    assert.equal(active(reloaded).id, good.id, 'the damaged one is skipped, the next one opens');
    assert.deepEqual(reloaded.model.getConversations().map((c) => c.id), [good.id]);
    assert.equal(reloaded.model.historyWarnings.length, 1);
    assert.match(reloaded.model.historyWarnings[0]!, /moved aside/);
    const aside = fs.readdirSync(storageDir).filter((name) => name.startsWith(`${doomed.id}.json.corrupt-`));
    assert.equal(aside.length, 1);

    const page = await openPage(reloaded);
    const state = await page.state();
    assert.equal(state.state.active.id, good.id);
    await waitFor('the warning to reach the page', () => page.delivered.some((m) => m.type === 'notice' && m.level === 'warning' && /moved aside/.test(m.message)));
  });

  test('Stop aborts the request at once, the gateway sees the connection close, and the partial answer is kept as stopped', async () => {
    const { provider } = await makeProvider();
    sim.script({ text: 'word '.repeat(2000), deltaSize: 5, chunkDelayMs: 40 });
    const pending = provider.send('Write a very long essay');
    await waitFor('the first words', () => (active(provider).turns.at(-1)?.text.length ?? 0) > 20);
    assert.equal(provider.model.isRunning(), true);

    assert.equal(provider.turns.stop(active(provider).id), true);
    // The script takes 80 s to send it all: the answer settling at all, stopped and short, shows Stop did not wait for the end.
    const turn = await pending;
    assert.equal(turn.status, 'stopped');
    assert.ok(turn.text.length > 20, 'the partial answer is kept');
    assert.ok(turn.text.length < 'word '.repeat(2000).length / 2, `stopped early, after ${turn.text.length} characters`);
    assert.equal(provider.model.isRunning(), false);

    const close = await sim.waitForClose(0, 10_000);
    assert.equal(close.completed, false, 'the client went away before the end');
    assert.ok(close.bytesWritten < 'word '.repeat(2000).length, 'the gateway was still sending when the connection closed');

    const saved = await waitForSaved(path.join(storageRoot, 'chat'), active(provider).id, 'the stopped answer',
      (conversation) => (conversation.turns.at(-1) as AssistantTurn | undefined)?.status === 'stopped');
    assert.ok(saved.turns.at(-1)!.text.length > 20, 'the partial answer is saved');
  });

  test('an error stays in the conversation with the server message and Retry; the prompt is not lost', async () => {
    const { provider } = await makeProvider();
    sim.script({ status: 400, message: "Unsupported value: 'reasoning_effort' does not support 'extreme'." });
    const failed = await provider.send('Please answer this');
    assert.equal(failed.status, 'error');
    assert.ok(failed.error);
    assert.match(`${failed.error.message} ${failed.error.serverMessage ?? ''}`, /does not support 'extreme'/);
    assert.ok(actionIdsFor(failed.error, true).includes('retry'), 'the page offers Retry');
    assert.equal(active(provider).turns[0]!.text, 'Please answer this');

    sim.script({ text: 'Now it works.' });
    const retried = await provider.turns.retry(active(provider).id, failed.id);
    assert.equal(retried?.status, 'complete');
    assert.deepEqual(active(provider).turns.map((t) => `${t.role}:${t.text}`), ['user:Please answer this', 'assistant:Now it works.']);
    assert.match(requestText(sim.requests[1]!.body), /Please answer this/);
  });

  test('Retry after Set API Key runs the failed turn in its own conversation, also after switching to another one', async () => {
    const api = await reasoner();
    const remembering = rememberingRetries(api.services.runner);
    const { provider } = await makeProvider(undefined, undefined, remembering.runner);
    assert.equal(await vscode.commands.executeCommand('reasoner.clearApiKey', { confirm: false }), 'cleared');
    let first: Conversation;
    try {
      const failed = await provider.send('What does this regex match?');
      assert.equal(failed.status, 'error');
      assert.match(failed.error?.message ?? '', /API key/);
      first = active(provider);
      await provider.newChat();
      assert.notEqual(active(provider).id, first.id, 'another conversation is open');
    } finally {
      assert.equal(await vscode.commands.executeCommand('reasoner.setApiKey', TEST_KEY), 'set');
    }
    const second = active(provider);
    sim.script({ text: 'It matches ISO dates.' });
    assert.equal(remembering.retries.length, 1, 'the request offered a retry');
    await remembering.retries[0]!();
    const answer = await waitFor('the retried answer', () => {
      const last = first.turns.at(-1);
      return last?.role === 'assistant' && last.status === 'complete' ? last : undefined;
    });
    assert.equal(answer.text, 'It matches ISO dates.');
    assert.deepEqual(first.turns.map((t) => t.role), ['user', 'assistant']);
    assert.match(requestText(sim.requests[0]!.body), /What does this regex match\?/);
    assert.equal(active(provider), second, 'the conversation on screen stays open');
    assert.equal(second.turns.length, 0);

    assert.equal(await provider.model.switchTo(first.id), true);
    assert.equal(active(provider).turns.at(-1)!.text, 'It matches ISO dates.');
  });

  test('Retry on the page runs in the conversation the page showed, even if another one opened meanwhile', async () => {
    const { provider } = await makeProvider();
    const page = await openPage(provider);
    sim.script({ status: 400, message: 'Unsupported parameter for this model.' });
    const failed = await provider.send('Explain the cache');
    assert.equal(failed.status, 'error');
    const first = active(provider);
    await provider.newChat();
    sim.script({ text: 'The cache is write-through.' });
    page.fromPage({ type: 'retry', conversationId: first.id, turnId: failed.id });
    // The text is whole a moment before the turn settles: wait for both.
    await waitFor('the retried answer, settled', () => {
      const turn = first.turns.at(-1) as AssistantTurn | undefined;
      return turn?.text === 'The cache is write-through.' && turn.status !== 'streaming';
    });
    assert.equal((first.turns.at(-1) as AssistantTurn).status, 'complete');
    assert.notEqual(active(provider), first, 'the other conversation stays open');
  });

  test('a message the protocol does not allow is ignored and logged, never run', async () => {
    const { provider, log } = await makeProvider();
    const page = await openPage(provider);
    const before = sim.requests.length;
    page.fromPage({ type: 'action', action: 'workbench.action.reloadWindow', conversationId: active(provider).id, turnId: 'a-1' });
    page.fromPage({ type: 'send', text: 42, modelId: 'o3-mini', effort: 'low' });
    await waitFor('both to be logged', () => log.lines.filter((line) => /ignored a malformed message/.test(line)).length === 2);
    assert.equal(sim.requests.length, before, 'nothing was sent');
    assert.equal(active(provider).turns.length, 0);
  });

  test('a model id the page sends that is not in the model list is refused: nothing is sent, the prompt goes back to the composer', async () => {
    const { provider, log } = await makeProvider();
    const page = await openPage(provider);
    const before = sim.requests.length;
    page.fromPage({ type: 'send', text: 'Explain this', modelId: 'openai/gpt-attacker', effort: 'low' });
    await waitFor('the refusal to be logged', () => log.lines.some((line) => /not in the list/.test(line)));
    assert.equal(sim.requests.length, before, 'nothing was sent');
    assert.equal(active(provider).turns.length, 0);
    assert.equal(provider.model.getComposer().modelId, 'o3-mini', 'the composer keeps a listed model');
    assert.ok(page.delivered.some((m) => m.type === 'setDraft' && m.text === 'Explain this'), 'the prompt is not lost');
    page.fromPage({ type: 'setComposer', modelId: 'not-a-model', effort: 'high' });
    await waitFor('the second refusal', () => log.lines.filter((line) => /not in the list/.test(line)).length === 2);
    assert.equal(provider.model.getComposer().modelId, 'o3-mini');
  });

  test('a request keeps running while no view is shown, and the view shows it on return', async () => {
    const { provider } = await makeProvider();
    sim.script({ text: 'slowly '.repeat(200), deltaSize: 7, chunkDelayMs: 30 });
    const pending = provider.send('Take your time');
    await waitFor('some text', () => (active(provider).turns.at(-1)?.text.length ?? 0) > 0);
    const page = await openPage(provider);
    const state = await page.state();
    assert.equal(state.state.running, true);
    assert.equal(state.state.active.turns.at(-1)!.role, 'assistant');
    await waitFor('deltas to reach the page', () => page.delivered.some((m) => m.type === 'turnDelta'));
    const turn = await pending;
    assert.equal(turn.status, 'complete');
    assert.ok(page.delivered.some((m) => m.type === 'turnUpdated' && m.turn.status === 'complete'));
  });

  test('export writes the conversation as Markdown to the given file', async () => {
    const { provider } = await makeProvider();
    sim.script({ text: 'Here:\n\n```ts\nlet x = 1;\n```' });
    await provider.send('Show code');
    const target = vscode.Uri.file(path.join(storageRoot, 'export.md'));
    await writeConversationMarkdown(active(provider), target, provider.log);
    const markdown = fs.readFileSync(target.fsPath, 'utf8');
    assert.match(markdown, /^# Show code\n/);
    assert.match(markdown, /## You\n\nShow code/);
    assert.match(markdown, /## o3\\-mini \(medium effort\)/, 'the model name is escaped to plain text');
    assert.match(markdown, /```ts\nlet x = 1;\n```/);
  });

  test('conversations can be switched, renamed and deleted', async () => {
    const { provider } = await makeProvider();
    sim.script({ text: 'a1' }, { text: 'b1' });
    await provider.send('first chat');
    const first = active(provider).id;
    await provider.newChat();
    await provider.send('second chat');
    const second = active(provider).id;
    assert.notEqual(first, second);
    const { model } = provider;
    assert.deepEqual(model.getConversations().map((c) => c.id), [second, first]);
    assert.equal(await model.switchTo(first), true);
    assert.equal(active(provider).turns[0]!.text, 'first chat');
    assert.equal(await model.rename(second, 'Second, renamed'), true);
    assert.equal(model.getConversations().find((c) => c.id === second)?.title, 'Second, renamed');
    assert.equal(await model.delete(first), true);
    assert.deepEqual(model.getConversations().map((c) => c.id), [second]);
    assert.equal(active(provider).id, second, 'deleting the open chat opens the next one');
  });

  test('code-block actions: insert at the cursor and apply to the selection are each one undoable edit', async () => {
    const { provider } = await makeProvider();
    const document = await vscode.workspace.openTextDocument({ content: 'line one\nline two\nline three\n', language: 'plaintext' });
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(1, 0, 1, 8);
    assert.equal(await provider.codeBlocks.run('apply', 'LINE TWO', 'plaintext', async () => true), 'done');
    assert.equal(document.getText(), 'line one\nLINE TWO\nline three\n');
    const again = await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('undo');
    assert.equal(document.getText(), 'line one\nline two\nline three\n');

    again.selection = new vscode.Selection(0, 0, 0, 0);
    assert.equal(await provider.codeBlocks.run('insert', '// inserted\n'), 'done');
    assert.equal(document.getText(), '// inserted\nline one\nline two\nline three\n');
    await vscode.commands.executeCommand('undo');
    assert.equal(document.getText(), 'line one\nline two\nline three\n');

    again.selection = new vscode.Selection(2, 0, 2, 10);
    assert.equal(await provider.codeBlocks.run('apply', 'nope', 'plaintext', async () => false), 'discarded');
    assert.equal(document.getText(), 'line one\nline two\nline three\n');
  });

  test('the registered sidebar view opens, answers ready, and its composer gets the focus', async () => {
    await reasoner();
    assert.equal(await vscode.commands.executeCommand('reasoner.openChat'), true);
  });
});
