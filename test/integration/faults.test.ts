/**
 * The fault matrix through the UI (docs/fault-matrix.md): failures as the
 * person sees them in an inline thread and in the chat, each ending with a
 * message, exactly the actions its row lists (the thread's error comment's
 * links, the buttons the chat's page shows), the partial answer kept and
 * marked, no unhandled rejection, and the same thread or conversation
 * answering again once the gateway behaves. The cases are the rows of
 * test/fixtures/faultMatrix.ts, which the doc's table is written from.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/core/common/commands';
import type { AssistantTurn } from '../../src/core/common/conversation';
import { UI_FAULTS } from '../fixtures/faultMatrix';
import type { Simulator } from '../simulator/simulator';
import { active, makeChatProvider, openChatPage } from './chatPage';
import { connectSimulator, EXTENSION_ID, markdownOf, openFixture, reasoner, selectLines, setUserSetting, waitFor } from './helpers';
import { cleanUpInline, disposeLeftoverThreads, onlySession } from './inlineHelpers';
import { webviewDomUnavailable, webviewTexts } from './webviewDom';

/** The thread's link titles, in order, from its trusted error comment. */
function linkTitles(comment: vscode.Comment): string[] {
  return [...markdownOf(comment).matchAll(/\[([^\]]+)\]\(command:/g)].map((match) => match[1]!);
}

suite('Fault matrix in the UI: an inline thread', () => {
  let sim: Simulator;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  suiteSetup(() => process.on('unhandledRejection', onUnhandled));
  suiteTeardown(() => process.off('unhandledRejection', onUnhandled));
  setup(async () => {
    await disposeLeftoverThreads();
    sim = await connectSimulator();
    unhandled.length = 0;
  });
  teardown(() => cleanUpInline(sim));

  for (const fault of UI_FAULTS.filter((row) => row.where === 'inline thread')) {
    test(`${fault.case}: its message and exactly its actions, the partial answer kept, and the thread answers again`, async () => {
      if (fault.timeoutSeconds) await setUserSetting('requestTimeoutSeconds', fault.timeoutSeconds);
      if (fault.model) await setUserSetting('model', fault.model);
      await setUserSetting('backgroundMode', false);
      const api = await reasoner();
      const editor = await openFixture('src/sample.ts');
      selectLines(editor, 5, 9);
      sim.script(...fault.scripts);
      const answered = vscode.commands.executeCommand<string | undefined>(COMMANDS.explainSelection);
      if (fault.cancelAfterText) {
        const session = await waitFor('the thread', () => api.services.inline.sessions[0]);
        await waitFor('some text', () => (session.lastAnswer?.text.length ?? 0) > 6);
        await vscode.commands.executeCommand(COMMANDS.threadCancel, session.thread);
      }
      await answered;
      const session = await onlySession();
      const comments = session.thread.comments;
      const shown = comments.map(markdownOf).join('\n\n');
      assert.match(shown, fault.says);
      const errors = comments.filter((comment) => comment.contextValue === 'reasoner-error');
      assert.ok(errors.length <= 1, 'one error comment at most');
      assert.deepEqual(errors[0] ? linkTitles(errors[0]) : [], fault.actions, 'the error comment links the actions docs/fault-matrix.md lists, in order');
      if (fault.keeps) {
        const answer = comments.find((comment) => /^reasoner-answer-/.test(comment.contextValue ?? ''));
        assert.ok(answer, 'the partial answer has its comment');
        assert.ok(markdownOf(answer).includes(fault.keeps), `keeps "${fault.keeps}": ${markdownOf(answer).slice(0, 160)}`);
        assert.match(markdownOf(answer), /partial|Incomplete/, 'and says it is partial');
      }

      // The gateway behaves again: Retry in the same thread answers.
      await setUserSetting('requestTimeoutSeconds', undefined);
      sim.reset();
      sim.script({ text: 'Now it works.' });
      const again = await vscode.commands.executeCommand(COMMANDS.threadRetry, session.id);
      assert.equal(again, 'Now it works.');
      assert.match(markdownOf(session.thread.comments.at(-1)!), /Now it works\./);
      assert.deepEqual(unhandled, [], 'no unhandled rejection');
    });
  }
});

suite('Fault matrix in the UI: the chat', () => {
  let sim: Simulator;
  let extensionUri: vscode.Uri;
  const cleanup: vscode.Disposable[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  suiteSetup(async () => {
    process.on('unhandledRejection', onUnhandled);
    extensionUri = vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri;
    sim = await connectSimulator();
  });
  suiteTeardown(async () => {
    process.off('unhandledRejection', onUnhandled);
    await sim.close();
  });
  setup(() => {
    sim.reset();
    unhandled.length = 0;
  });
  teardown(() => {
    for (const disposable of cleanup.splice(0).reverse()) disposable.dispose();
  });

  for (const fault of UI_FAULTS.filter((row) => row.where === 'chat')) {
    test(`${fault.case}: the page shows the message and exactly its buttons, keeps the prompt and the partial text, and Retry answers`, async function () {
      const unavailable = webviewDomUnavailable();
      if (unavailable) {
        this.test!.title += ` (skipped: ${unavailable})`;
        this.skip();
      }
      const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reasoner-chat-faults-'));
      const { provider } = await makeChatProvider(cleanup, { extensionUri, storageDir });
      const page = await openChatPage(cleanup, provider);
      sim.script(...fault.scripts);
      const failed = await provider.send('Explain the cache');
      assert.equal(failed.status, 'error');
      assert.match(failed.error?.message ?? '', fault.says);
      const conversation = active(provider);
      assert.equal(conversation.turns[0]?.role, 'user');
      assert.equal((conversation.turns[0] as { text: string }).text, 'Explain the cache', 'the prompt is kept');
      if (fault.keeps) assert.ok(failed.text.startsWith(fault.keeps), `keeps "${fault.keeps}": ${failed.text}`);
      const shown = `article[data-role="answer"][data-turn-id="${failed.id}"][data-state="error"]`;
      const [message] = await webviewTexts(`${shown} [data-role="error-message"]`);
      assert.match(message ?? '', fault.says, 'the page shows the message');
      const buttons = await webviewTexts(`${shown} button[data-turn-action]`);
      assert.deepEqual(buttons, fault.actions, 'the page offers the buttons docs/fault-matrix.md lists, in order');

      sim.reset();
      sim.script({ text: 'The cache is write-through.' });
      page.fromPage({ type: 'retry', conversationId: conversation.id, turnId: failed.id });
      await waitFor('the retried answer', () => (conversation.turns.at(-1) as AssistantTurn | undefined)?.status === 'complete');
      assert.equal(conversation.turns.at(-1)?.text, 'The cache is write-through.');
      assert.deepEqual(unhandled, [], 'no unhandled rejection');
    });
  }
});
