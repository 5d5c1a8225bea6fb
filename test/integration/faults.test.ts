/**
 * The fault matrix through the UI (docs/fault-matrix.md): failures as the
 * person sees them in an inline thread and in the chat, each ending with a
 * message, a way forward, the partial answer kept and marked, no unhandled
 * rejection, and the same thread or conversation answering again once the
 * gateway behaves.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/core/common/commands';
import type { AssistantTurn } from '../../src/core/common/conversation';
import { actionIdsFor } from '../../src/core/common/errorPresenter';
import type { Simulator } from '../simulator/simulator';
import type { SimScript } from '../simulator/types';
import { active, makeChatProvider, openChatPage } from './chatPage';
import { connectSimulator, EXTENSION_ID, markdownOf, openFixture, reasoner, selectLines, setUserSetting, waitFor } from './helpers';
import { cleanUpInline, onlySession } from './inlineHelpers';

interface UiFault {
  readonly name: string;
  readonly scripts: readonly SimScript[];
  /** What the thread's error comment (or answer) says. */
  readonly says: RegExp;
  /** Link titles the error comment must offer. */
  readonly offers?: readonly string[];
  /** The partial answer that must stay, marked. */
  readonly keeps?: string;
  readonly timeoutSeconds?: number;
  /** Cancel once this much text has arrived. */
  readonly cancelAfterText?: boolean;
  readonly model?: string;
}

const FAULTS: readonly UiFault[] = [
  { name: 'a rejected key (401)', scripts: [{ status: 401, errorShape: 'gateway', message: 'Invalid API key provided' }], says: /Invalid API key provided/, offers: ['Set API Key', 'Open Log', 'Retry'] },
  { name: 'no credits (403)', scripts: [{ status: 403, message: 'Insufficient credits' }], says: /Insufficient credits/, offers: ['Retry', 'Open Billing', 'Open Log'] },
  { name: 'an HTML 500 on every retry', scripts: [{ status: 500, errorShape: 'html', times: 10 }], says: /HTML page/, offers: ['Retry', 'Open Log'] },
  { name: 'rate limited on every retry (429)', scripts: [{ status: 429, message: 'Rate limit reached', headers: { 'retry-after-ms': '10' }, times: 10 }], says: /Rate limit reached/, offers: ['Retry', 'Open Log'] },
  { name: 'the connection reset mid-answer', scripts: [{ text: 'The function returns the distance between two points and more', fault: 'reset' }], says: /Could not talk to the gateway/, keeps: 'The fu', offers: ['Retry'] },
  { name: 'the stream stalls mid-answer', scripts: [{ text: 'The function returns the distance between two points and more', fault: 'stall' }], says: /No data from the gateway for too long/, keeps: 'The fu', timeoutSeconds: 5, offers: ['Retry', 'Lower Effort'] },
  { name: 'an in-band error after some text', scripts: [{ text: 'The function returns the distance', errorEvent: { message: 'The upstream model crashed', afterDeltas: 2 } }], says: /The upstream model crashed/, keeps: 'The function', offers: ['Retry'] },
  { name: 'a proxy login page instead of an answer', scripts: [{ raw: '<html><head><title>Proxy login required</title></head></html>', contentType: 'text/html' }], says: /Proxy login required/, offers: ['Retry', 'Open Log'] },
  { name: 'the person cancels mid-answer', scripts: [{ text: 'A long answer that the person stops half way through, because it is slow', chunkDelayMs: 60 }], says: /Cancelled.*partial/, keeps: 'A long', cancelAfterText: true },
  { name: 'o3-pro stops at the output limit', model: 'o3-pro', scripts: [{ text: 'It measures the distance', incomplete: 'max_output_tokens' }], says: /Incomplete.*cut off at the output token limit/, keeps: 'It measures the distance' },
];

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
    sim = await connectSimulator();
    unhandled.length = 0;
  });
  teardown(() => cleanUpInline(sim));

  for (const fault of FAULTS) {
    test(`${fault.name}: a message and a way forward, the partial answer kept, and the thread answers again`, async () => {
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
      if (fault.offers) {
        const error = comments.at(-1)!;
        assert.equal(error.contextValue, 'reasoner-error');
        const titles = linkTitles(error);
        for (const title of fault.offers) assert.ok(titles.includes(title), `offers ${title}: ${titles.join(', ')}`);
      }
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

interface ChatFault {
  readonly name: string;
  readonly scripts: readonly SimScript[];
  readonly says: RegExp;
  /** Buttons the failed answer offers (the presenter's ids). */
  readonly offers: readonly string[];
  readonly keeps?: string;
}

const CHAT_FAULTS: readonly ChatFault[] = [
  { name: 'a rejected key (401)', scripts: [{ status: 401, message: 'Invalid API key provided' }], says: /rejected your API key/, offers: ['setApiKey', 'retry'] },
  { name: 'the connection reset mid-answer', scripts: [{ text: 'The cache is write-through and more', fault: 'reset' }], says: /Could not talk to the gateway/, offers: ['retry', 'openLog'], keeps: 'The ca' },
  { name: 'no credits (403)', scripts: [{ status: 403, message: 'Insufficient credits' }], says: /lack of credits/, offers: ['retry', 'openBilling', 'openLog'] },
  { name: 'a 200 that is not JSON nor a stream', scripts: [{ raw: 'this is not json', contentType: 'application/json' }], says: /could not read/, offers: ['retry', 'openLog'] },
];

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

  for (const fault of CHAT_FAULTS) {
    test(`${fault.name}: the answer shows the message and its buttons, keeps the prompt and the partial text, and Retry answers`, async () => {
      const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reasoner-chat-faults-'));
      const { provider } = await makeChatProvider(cleanup, { extensionUri, storageDir });
      const page = await openChatPage(cleanup, provider);
      sim.script(...fault.scripts);
      const failed = await provider.send('Explain the cache');
      assert.equal(failed.status, 'error');
      assert.match(failed.error?.message ?? '', fault.says);
      const offered = actionIdsFor(failed.error!, true);
      for (const id of fault.offers) assert.ok(offered.includes(id as never), `offers ${id}: ${offered.join(', ')}`);
      const conversation = active(provider);
      assert.equal(conversation.turns[0]?.role, 'user');
      assert.equal((conversation.turns[0] as { text: string }).text, 'Explain the cache', 'the prompt is kept');
      if (fault.keeps) assert.ok(failed.text.startsWith(fault.keeps), `keeps "${fault.keeps}": ${failed.text}`);
      await waitFor('the failure on the page', () => page.delivered.some((m) => m.type === 'turnUpdated' && m.turn.id === failed.id && m.turn.status === 'error'));

      sim.reset();
      sim.script({ text: 'The cache is write-through.' });
      page.fromPage({ type: 'retry', conversationId: conversation.id, turnId: failed.id });
      await waitFor('the retried answer', () => (conversation.turns.at(-1) as AssistantTurn | undefined)?.status === 'complete');
      assert.equal(conversation.turns.at(-1)?.text, 'The cache is write-through.');
      assert.deepEqual(unhandled, [], 'no unhandled rejection');
    });
  }
});
