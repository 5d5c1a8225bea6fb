/**
 * o3-pro answers kept as background jobs, inside a real extension host against the simulator:
 * a window closes while a chat turn and an inline explain run, and the next window on the same
 * storage delivers both where they belong, paying once; the Jobs view's Cancel reaches the gateway;
 * and each fault (a job the gateway forgot, one that failed or was cancelled there, a changed key,
 * two windows, an unreadable list) ends with a clear message and nothing lost.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/core/common/commands';
import type { AssistantTurn, Conversation } from '../../src/core/common/conversation';
import type { JobRecord } from '../../src/core/common/jobs';
import { TASK_QUESTIONS } from '../../src/core/common/prompts';
import { ComparisonStore } from '../../src/core/node/comparisonStore';
import { COMPARE_VIEW_TYPE, panelTitle } from '../../src/vscode/compare/comparePanel';
import type { Simulator } from '../simulator/simulator';
import {
  closeAllEditors, connectSimulator, markdownOf, openFixture, reasoner, resetUserSettings, setUserSetting, TEST_KEY, waitFor,
} from './helpers';
import { ledgerEntries, openWindow, storedJobs, windowFolders, type TestWindow, type WindowFolders } from './jobWindows';

const LONG = 60_000;

/** Replaces the stored key without the question the command asks before replacing a key. */
async function storeKey(key: string): Promise<void> {
  await vscode.commands.executeCommand('reasoner.clearApiKey', { confirm: false });
  await vscode.commands.executeCommand('reasoner.setApiKey', key);
}

function lastAnswer(conversation: Conversation | undefined): AssistantTurn | undefined {
  const turn = conversation?.turns.at(-1);
  return turn?.role === 'assistant' ? turn : undefined;
}

async function runningJobs(folders: WindowFolders, count: number): Promise<JobRecord[]> {
  return waitFor(`${count} running jobs in the list`, async () => {
    const jobs = (await storedJobs(folders)).filter((job) => job.status === 'running');
    return jobs.length >= count ? jobs : undefined;
  }, LONG);
}

async function jobEnded(folders: WindowFolders, id: string): Promise<JobRecord> {
  return waitFor(`job ${id} to end`, async () => (await storedJobs(folders)).find((job) => job.id === id && job.status !== 'running'), LONG);
}

suite('Background jobs: o3-pro answers that survive a reload', () => {
  let sim: Simulator;
  const windows: TestWindow[] = [];

  const open = async (folders: WindowFolders, options?: Parameters<typeof openWindow>[1], onCorrupt?: (movedTo: string) => void): Promise<TestWindow> => {
    const window = await openWindow(folders, options, onCorrupt);
    windows.push(window);
    return window;
  };

  /** Window 1 asks o3-pro in the chat (the gateway holds the job) and closes; resolves to what the next window needs. */
  const askInChatThenClose = async (folders: WindowFolders, question: string): Promise<{ conversationId: string; jobId: string }> => {
    const first = await open(folders);
    const turn = first.chat.send(question, { modelId: 'o3-pro', effort: 'high' });
    const [job] = await runningJobs(folders, 1);
    const conversationId = first.chat.model.getActiveConversation()!.id;
    await first.close();
    assert.equal((await turn).status, 'streaming', 'the turn waits for its job');
    return { conversationId, jobId: job!.id };
  };

  suiteSetup(async () => {
    await reasoner();
    sim = await connectSimulator();
  });

  setup(async () => {
    sim.reset();
    await setUserSetting('baseUrl', sim.baseUrl);
  });

  teardown(async () => {
    for (const window of windows.splice(0)) await window.close();
    await storeKey(TEST_KEY);
    // Edits made to the fixture "while a window was closed" are undone.
    for (const document of vscode.workspace.textDocuments.filter((candidate) => candidate.isDirty)) {
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    await closeAllEditors();
  });

  suiteTeardown(async () => {
    await sim?.close();
    await resetUserSettings();
  });

  test('a chat turn and an inline explain running when the window closes are delivered in their turn and thread by the next window, paid once', async () => {
    const folders = windowFolders();
    sim.script(
      { text: 'The chat answer, kept.', reasoning: 'Weighed the cart.', holdJobs: true, usage: { input: 30, output: 900, reasoning: 800 } },
      { text: 'The inline answer, kept.', holdJobs: true, usage: { input: 40, output: 700, reasoning: 600 } },
    );
    const first = await open(folders);
    const chatTurn = first.chat.send('Why is the cart total wrong?', { modelId: 'o3-pro', effort: 'high' });
    await runningJobs(folders, 1);
    const conversationId = first.chat.model.getActiveConversation()!.id;
    const editor = await openFixture('src/sample.ts');
    const explained = first.inline.start('explain', editor.document.uri, new vscode.Range(5, 0, 9, 1), TASK_QUESTIONS.explain, [], 'o3-pro');
    const jobs = await runningJobs(folders, 2);
    assert.deepEqual(jobs.map((job) => job.place.kind).sort(), ['chat', 'inline']);
    const inlineJob = jobs.find((job) => job.place.kind === 'inline')!;
    assert.match(inlineJob.about, /^Explain · src\/sample\.ts:6–10$/);
    assert.ok(!JSON.stringify(jobs).includes(TEST_KEY), 'the key is never in the job list');
    assert.ok(!JSON.stringify(jobs).includes('Math.sqrt'), 'code is never in the job list');

    await first.close();
    assert.equal(sim.requests.filter((request) => request.route === 'cancel').length, 0, 'closing the window cancels nothing at the gateway');
    assert.equal((await chatTurn).status, 'streaming');
    await explained.answer;
    // While the window was closed, three lines were added above the code.
    await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), '// one\n// two\n// three\n'));

    sim.finishJobs();
    const second = await open(folders);
    await second.jobs.start();
    await second.jobs.settled();

    const turn = lastAnswer(await second.chat.model.find(conversationId));
    assert.equal(turn?.status, 'complete');
    assert.equal(turn?.text, 'The chat answer, kept.');
    assert.equal(turn?.reasoning, 'Weighed the cart.');
    assert.equal(turn?.jobId, undefined);
    const [session] = second.inline.sessions;
    assert.ok(session, 'the inline thread is made again');
    assert.equal(session.uri.toString(), editor.document.uri.toString());
    assert.equal(session.range?.start.line, 8, 'at its code, which moved down three lines');
    assert.equal(session.lastAnswer?.text, 'The inline answer, kept.');
    assert.match(session.thread.comments.map(markdownOf).join('\n'), /The inline answer, kept\./);

    assert.deepEqual(ledgerEntries(folders).map((entry) => `${entry.source} ${entry.outputTokens}`).sort(), ['chat 900', 'inline:explain 700'], 'each answer is paid once');
    // The chat was not on screen, the editor was: only the chat's answer is announced.
    const announced = second.notifier.shown.map((shown) => shown.message);
    assert.ok(announced.some((message) => /o3-pro finished “Why is the cart total wrong\?”/.test(message)), announced.join(' | '));
    assert.ok(!announced.some((message) => /Explain · src\/sample\.ts/.test(message)), announced.join(' | '));
    assert.equal(sim.requests.filter((request) => request.method === 'POST' && request.route === 'responses').length, 2, 'nothing was asked twice');
    assert.deepEqual((await storedJobs(folders)).map((job) => job.status), ['completed', 'completed']);
  });

  test('an inline answer whose code is gone after the reload opens in the chat with its question', async () => {
    const folders = windowFolders();
    sim.script({ text: 'Answer about deleted code.', holdJobs: true });
    const first = await open(folders);
    const editor = await openFixture('src/sample.ts');
    void first.inline.start('explain', editor.document.uri, new vscode.Range(11, 0, 25, 1), TASK_QUESTIONS.explain, [], 'o3-pro').answer;
    await runningJobs(folders, 1);
    await first.close();
    await editor.edit((edit) => edit.delete(new vscode.Range(11, 0, 26, 0)));

    sim.finishJobs();
    const second = await open(folders);
    await second.jobs.start();
    await second.jobs.settled();
    assert.equal(second.inline.sessions.length, 0, 'no thread where the code is gone');
    const shown = second.chat.model.getActiveConversation();
    assert.deepEqual(shown?.turns.map((turn) => `${turn.role}:${turn.text}`), [`user:${TASK_QUESTIONS.explain}`, 'assistant:Answer about deleted code.']);
  });

  test('a Compare Models tab open when the window closes comes back with its finished column, and the background column fills in', async () => {
    const folders = windowFolders();
    sim.script(
      { forModel: 'o3-mini', text: 'o3-mini: it measures the distance.', usage: { input: 20, output: 80, reasoning: 40 } },
      { forModel: 'openai/o3-pro', text: 'o3-pro: the Euclidean distance, kept.', holdJobs: true, usage: { input: 20, output: 900, reasoning: 700 } },
    );
    const first = await open(folders);
    const panel = first.comparisons.start({ question: 'What does distance do?', context: [], modelIds: ['o3-mini', 'o3-pro'], effort: 'medium' });
    const comparisonId = panel.session.id;
    const [job] = await runningJobs(folders, 1);
    assert.deepEqual(job!.place, { kind: 'compare', question: 'What does distance do?', comparisonId });
    await waitFor('the o3-mini column to finish', async () => panel.session.turns[0]!.status === 'complete' || undefined, LONG);
    await first.close();
    assert.equal(sim.requests.filter((request) => request.route === 'cancel').length, 0, 'closing the window cancels nothing at the gateway');

    sim.finishJobs();
    const second = await open(folders);
    await second.jobs.start();
    await second.jobs.settled();
    assert.equal((await jobEnded(folders, job!.id)).status, 'completed');
    // No tab showed the comparison meanwhile: its answer is kept with it, and the Jobs view's Open shows the tab.
    assert.ok(second.notifier.shown.some((shown) => /o3-pro finished “Compare · What does distance do\?”/.test(shown.message)), 'announced');
    await second.jobs.open(job!.id);
    const [shown] = second.comparisons.panelsOpen;
    assert.ok(shown, 'the comparison\'s tab opens');
    assert.equal(shown.session.id, comparisonId);
    assert.deepEqual(shown.session.state.columns.map((column) => `${column.turn.modelId} ${column.turn.status}: ${column.turn.text}`), [
      'o3-mini complete: o3-mini: it measures the distance.',
      'o3-pro complete: o3-pro: the Euclidean distance, kept.',
    ]);
    assert.deepEqual(second.chat.model.getActiveConversation()?.turns ?? [], [], 'the answer did not go to the chat instead');
    assert.deepEqual(ledgerEntries(folders).map((entry) => `${entry.source} ${entry.outputTokens}`).sort(), ['compare 80', 'compare 900'], 'each answer is paid once');
    assert.equal(sim.requests.filter((request) => request.method === 'POST' && request.route === 'responses').length, 1, 'o3-pro was asked once');
  });

  test('a Compare Models tab that comes back while its background column is being fetched shows that column finish', async () => {
    const folders = windowFolders();
    sim.script(
      { forModel: 'o3-mini', text: 'o3-mini answers first.' },
      { forModel: 'openai/o3-pro', text: 'o3-pro answers into the tab that came back.', holdJobs: true },
    );
    const first = await open(folders);
    const question = 'Which tab gets the answer?';
    const { session } = first.comparisons.start({ question, context: [], modelIds: ['o3-mini', 'o3-pro'], effort: 'low' });
    const [job] = await runningJobs(folders, 1);
    await waitFor('the o3-mini column to finish', async () => session.turns[0]!.status === 'complete' || undefined, LONG);
    await first.close();

    // After a reload both happen at once: the job list fetches the answer, and VS Code hands back the tab.
    const second = await open(folders);
    const fetched = second.comparisons.resume(job!);
    const tab = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, panelTitle(question), { viewColumn: vscode.ViewColumn.Active, preserveFocus: true });
    await second.comparisons.restoreTab(tab, { comparisonId: session.id });
    sim.finishJobs();
    assert.equal(await fetched, true, 'the answer was fetched into the comparison');

    const [shown, ...more] = second.comparisons.panelsOpen;
    assert.equal(more.length, 0, 'one tab');
    assert.equal(shown?.panel, tab, 'the tab that came back shows the comparison');
    assert.deepEqual(shown.session.state.columns.map((column) => `${column.turn.modelId} ${column.turn.status}: ${column.turn.text}`), [
      'o3-mini complete: o3-mini answers first.',
      'o3-pro complete: o3-pro answers into the tab that came back.',
    ]);
    tab.dispose();
  });

  test('closing a Compare Models tab cancels its background column at the gateway, and the workspace no longer keeps it', async () => {
    const folders = windowFolders();
    sim.script({ forModel: 'openai/o3-pro', text: 'never shown', holdJobs: true }, { forModel: 'o1', text: 'o1 answers.' });
    const first = await open(folders);
    const panel = first.comparisons.start({ question: 'Close me', context: [], modelIds: ['o1', 'o3-pro'], effort: 'low' });
    const [job] = await runningJobs(folders, 1);
    panel.panel.dispose();
    await waitFor('the cancel at the gateway', async () => sim.requests.some((request) => request.route === 'cancel') || undefined, LONG);
    assert.equal((await jobEnded(folders, job!.id)).status, 'cancelled');
    const kept = await waitFor('the comparison forgotten', async () => {
      const saved = await new ComparisonStore(folders.comparisons).all();
      return saved.some((comparison) => comparison.id === panel.session.id) ? undefined : saved;
    }, LONG);
    assert.deepEqual(kept, [], 'the closed comparison is not kept');
  });

  test('a job the gateway no longer knows ends as lost, says so, and keeps the question to ask again', async () => {
    const folders = windowFolders();
    const { conversationId, jobId } = await askInChatThenClose(folders, 'A question the gateway will forget');
    sim.reset(); // the gateway forgot every job
    await setUserSetting('baseUrl', sim.baseUrl);
    const second = await open(folders);
    await second.jobs.start();
    await second.jobs.settled();
    const ended = await jobEnded(folders, jobId);
    assert.equal(ended.status, 'lost');
    assert.match(ended.message ?? '', /no longer knows this background answer/);
    const turn = lastAnswer(await second.chat.model.find(conversationId));
    assert.equal(turn?.status, 'error');
    assert.deepEqual(turn?.error?.actions, ['retry']);
    const prompt = (await second.chat.model.find(conversationId))?.turns.at(-2);
    assert.equal(prompt?.text, 'A question the gateway will forget');
    assert.ok(second.notifier.shown.some((shown) => /could not finish/.test(shown.message)), 'a notification says so');
  });

  test('a job that failed at the gateway ends with the gateway\'s own message', async () => {
    const folders = windowFolders();
    sim.script({ holdJobs: true, failed: { message: 'The upstream model crashed while reasoning.', code: 'server_error' } });
    const { conversationId, jobId } = await askInChatThenClose(folders, 'Will this fail?');
    sim.finishJobs();
    const second = await open(folders);
    await second.jobs.start();
    await second.jobs.settled();
    const ended = await jobEnded(folders, jobId);
    assert.equal(ended.status, 'failed');
    const turn = lastAnswer(await second.chat.model.find(conversationId));
    assert.equal(turn?.status, 'error');
    assert.match(`${turn?.error?.message} ${turn?.error?.serverMessage}`, /The upstream model crashed while reasoning\./);
  });

  test('a job cancelled at the gateway by someone else ends as cancelled, with a message saying where', async () => {
    const folders = windowFolders();
    sim.script({ text: 'never shown', holdJobs: true });
    const { conversationId, jobId } = await askInChatThenClose(folders, 'Cancel me elsewhere');
    await fetch(`${sim.baseUrl}/responses/${jobId}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}` } });
    const second = await open(folders);
    await second.jobs.start();
    await second.jobs.settled();
    const ended = await jobEnded(folders, jobId);
    assert.equal(ended.status, 'cancelled');
    assert.match(ended.message ?? '', /cancelled at the gateway/);
    assert.equal(lastAnswer(await second.chat.model.find(conversationId))?.status, 'stopped');
  });

  test('a rejected key pauses a job with a Set API Key message; setting the new key fetches it', async () => {
    const folders = windowFolders();
    sim.script({ text: 'Fetched with the new key.', holdJobs: true });
    const { conversationId, jobId } = await askInChatThenClose(folders, 'Rotate my key');
    sim.configure({ apiKey: 'sk-rotated-key-000111' });
    sim.finishJobs();
    const second = await open(folders);
    await second.jobs.start();
    await second.jobs.settled();
    const paused = (await storedJobs(folders)).find((job) => job.id === jobId);
    assert.equal(paused?.status, 'running', 'the job is kept');
    assert.equal(paused?.lease, undefined, 'and free for whichever window has a good key');
    assert.ok(second.notifier.shown.some((shown) => shown.actions.some((action) => /API Key/.test(action))), 'the user is offered Set API Key');

    await storeKey('sk-rotated-key-000111');
    await jobEnded(folders, jobId);
    await waitFor('the turn to fill in', async () => lastAnswer(await second.chat.model.find(conversationId))?.status === 'complete', LONG);
    assert.equal(lastAnswer(await second.chat.model.find(conversationId))?.text, 'Fetched with the new key.');
  });

  test('two windows: one polls a job; when it dies, the other takes over after its lease and delivers it once', async () => {
    const folders = windowFolders();
    const fast = { leaseMs: 1500, heartbeatMs: 300 };
    sim.script({ text: 'Delivered once.', holdJobs: true, usage: { input: 10, output: 300, reasoning: 200 } });
    const first = await open(folders, fast);
    await first.jobs.start();
    void first.chat.send('Two windows', { modelId: 'o3-pro', effort: 'high' });
    const [job] = await runningJobs(folders, 1);
    const conversationId = first.chat.model.getActiveConversation()!.id;
    const second = await open(folders, fast);
    await second.jobs.start();
    await second.jobs.settled();
    assert.equal((await storedJobs(folders))[0]?.lease?.owner, first.jobs.owner, 'the window that started it keeps polling it');

    await first.crash();
    sim.finishJobs();
    await jobEnded(folders, job!.id);
    assert.equal((await storedJobs(folders))[0]?.status, 'completed');
    await second.jobs.settled();
    assert.equal(lastAnswer(await second.chat.model.find(conversationId))?.text, 'Delivered once.');
    assert.equal(ledgerEntries(folders).length, 1, 'paid once');
  });

  test('an unreadable job list is moved aside with a message, and a chat turn still waiting fetches its answer when it shows', async () => {
    const folders = windowFolders();
    sim.script({ text: 'Found through the turn.', holdJobs: true });
    const { conversationId } = await askInChatThenClose(folders, 'Survive a corrupt list');
    fs.writeFileSync(folders.jobs, '{"version":1,"jobs":[{');
    sim.finishJobs();
    const movedAside: string[] = [];
    const second = await open(folders, {}, (movedTo) => movedAside.push(movedTo));
    await second.jobs.start();
    assert.equal(movedAside.length, 1);
    assert.ok(fs.existsSync(movedAside[0]!));
    second.chat.model.startNew();
    assert.ok(await second.chat.model.switchTo(conversationId));
    await waitFor('the waiting turn to fill in', async () => lastAnswer(await second.chat.model.find(conversationId))?.status === 'complete', LONG);
    assert.equal(lastAnswer(await second.chat.model.find(conversationId))?.text, 'Found through the turn.');
  });

  test('Cancel in the Jobs view reaches the gateway\'s cancel endpoint, and the job is polled no more', async () => {
    const api = await reasoner();
    sim.script({ text: 'never', holdJobs: true });
    const result = api.services.runner.run({
      source: 'palette:ask', modelId: 'o3-pro', turns: [{ role: 'user', text: 'Think for long' }],
      job: { place: { kind: 'palette', question: 'Think for long' }, about: 'Think for long' },
    });
    const item = await waitFor('the job in the Jobs view', () => api.jobsView.getChildren().find((job) => job.status === 'running' && job.about === 'Think for long'), LONG);
    assert.match(String(api.jobsView.getTreeItem(item).description), /^running \d+:\d\d · o3-pro · Command/);
    assert.match(api.jobsView.statusText, /1 Reasoner job/);
    assert.deepEqual(api.jobsView.badge, { value: 1, tooltip: '1 Reasoner job' });
    await waitFor('a poll', () => sim.requests.some((request) => request.route === 'poll'), LONG);

    await vscode.commands.executeCommand(COMMANDS.cancelJob, item.id);
    assert.equal((await result).error?.kind, 'cancelled');
    const cancel = await waitFor('the cancel call', () => sim.requests.find((request) => request.route === 'cancel'), LONG);
    assert.equal(cancel.path, `/v1/responses/${item.id}/cancel`);
    const polls = sim.requests.filter((request) => request.route === 'poll').length;
    await new Promise((resolve) => setTimeout(resolve, 3000)); // longer than the first waits between polls
    assert.equal(sim.requests.filter((request) => request.route === 'poll').length, polls, 'nothing is polled after the cancel');
    const ended = await waitFor('the job to show as cancelled', () => api.jobsView.getChildren().find((job) => job.id === item.id && job.status === 'cancelled'), LONG);
    assert.equal(api.jobsView.getTreeItem(ended).contextValue, 'job.ended');
    assert.equal(api.jobsView.badge, undefined, 'no count once nothing runs');
    await vscode.commands.executeCommand(COMMANDS.forgetJob, item.id);
    await waitFor('the job to be forgotten', () => !api.jobsView.getChildren().some((job) => job.id === item.id), LONG);
  });
});
