/**
 * Background answers kept as jobs: the client's side (a job named as it starts, left running when
 * the window closes, fetched again, forgotten by the gateway, polled through an outage), the
 * shared job list on disk (two windows, a corrupt file), the pure rules (finding code again,
 * leases, pruning), and the simulator keeping its jobs across a restart.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  canClaim, ENDED_JOBS_KEPT_MS, findCode, formatElapsed, jobDescription, MAX_ENDED_JOBS, pruneJobs, type JobRecord,
} from '../../src/core/common/jobs';
import {
  addUserTurn, createConversation, isChatTurn, recoverInterrupted, startAssistantTurn, type AssistantTurn,
} from '../../src/core/common/conversation';
import { ApiError } from '../../src/core/common/errors';
import { applyStreamEvent, settleTurn } from '../../src/core/common/turnReducer';
import type { StreamEvent } from '../../src/core/common/types';
import { collectAnswer } from '../../src/core/node/answer';
import { JobDetached } from '../../src/core/node/background';
import { JobStore } from '../../src/core/node/jobStore';
import { start, type Simulator } from '../simulator/simulator';
import { drain, makeClient, model, request } from './support-core/harness';

const hash = (text: string): string => createHash('sha256').update(text).digest('hex');

function job(id: string, overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    id, modelId: 'o3-pro', modelLabel: 'o3-pro', effort: 'high', about: 'Explain · cart.ts:3–5',
    place: { kind: 'chat', conversationId: 'c-1', turnId: 'a-1' }, startedAt: 1_000, status: 'running', ...overrides,
  };
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'reasoner-jobs-'));
}

describe('jobs: the pure rules', () => {
  const lines = ['import x', '', 'function total(cart) {', '  return cart.sum();', '}', '', 'export { total }'];
  const place = { startLine: 2, endLine: 4, codeHash: hash(lines.slice(2, 5).join('\n')) };

  it('finds code where it was, and again after lines were added above or removed', () => {
    assert.deepEqual(findCode(lines, place, hash), { startLine: 2, endLine: 4 });
    assert.deepEqual(findCode(['// a', '// b', '// c', ...lines], place, hash), { startLine: 5, endLine: 7 });
    assert.deepEqual(findCode(lines.slice(2), place, hash), { startLine: 0, endLine: 2 });
  });

  it('says the code is gone when it was changed or the file got shorter than it', () => {
    const edited = [...lines];
    edited[3] = '  return cart.total();';
    assert.equal(findCode(edited, place, hash), undefined);
    assert.equal(findCode(['x'], place, hash), undefined);
  });

  it('picks the copy nearest to where the code was when it appears twice', () => {
    const twice = [...lines.slice(2, 5), 'spacer', 'spacer', 'spacer', ...lines];
    assert.deepEqual(findCode(twice, { ...place, startLine: 8, endLine: 10 }, hash), { startLine: 8, endLine: 10 });
    assert.deepEqual(findCode(twice, { ...place, startLine: 1, endLine: 3 }, hash), { startLine: 0, endLine: 2 });
  });

  it('lets a window take a job nobody holds, its own, or one whose lease ran out; never an ended one', () => {
    assert.equal(canClaim(job('a'), 'me', 5_000), true);
    assert.equal(canClaim(job('a', { lease: { owner: 'me', until: 9_000 } }), 'me', 5_000), true);
    assert.equal(canClaim(job('a', { lease: { owner: 'other', until: 9_000 } }), 'me', 5_000), false);
    assert.equal(canClaim(job('a', { lease: { owner: 'other', until: 5_000 } }), 'me', 5_000), true);
    assert.equal(canClaim(job('a', { status: 'completed' }), 'me', 5_000), false);
  });

  it('keeps running jobs always, ended ones for a week and at most the newest 50', () => {
    const now = ENDED_JOBS_KEPT_MS + 100_000;
    const ended = Array.from({ length: MAX_ENDED_JOBS + 5 }, (_, i) => job(`e${i}`, { status: 'completed', endedAt: now - i * 1000 }));
    const kept = pruneJobs([job('old', { status: 'failed', endedAt: 1 }), job('run', { startedAt: 1 }), ...ended], now);
    assert.ok(kept.some((entry) => entry.id === 'run'));
    assert.ok(!kept.some((entry) => entry.id === 'old'));
    assert.equal(kept.filter((entry) => entry.status !== 'running').length, MAX_ENDED_JOBS);
    assert.ok(kept.some((entry) => entry.id === 'e0') && !kept.some((entry) => entry.id === `e${MAX_ENDED_JOBS}`));
  });

  it('describes a job as the Jobs view shows it', () => {
    assert.equal(formatElapsed(245_000), '4:05');
    assert.equal(formatElapsed(3_723_000), '1:02:03');
    assert.equal(jobDescription(job('a', { costEstimate: '≈ $0.40' }), 1_000 + 65_000), 'running 1:05 · o3-pro · Chat · ≈ $0.40');
    assert.equal(jobDescription(job('a', { status: 'lost', endedAt: 31_000 }), 999_999), 'lost 0:30 · o3-pro · Chat');
  });
});

describe('jobs: a turn waiting for its background answer', () => {
  function waitingTurn(): { conversation: ReturnType<typeof createConversation>; turn: AssistantTurn } {
    const conversation = createConversation(1_000);
    addUserTurn(conversation, 'Why is the total wrong?', [], 1_000);
    const turn = startAssistantTurn(conversation, { id: 'o3-pro' }, 'high', 1_000);
    return { conversation, turn };
  }

  it('the job id arrives with the background event and goes when the request left background mode', () => {
    const { turn } = waitingTurn();
    applyStreamEvent(turn, { type: 'background', responseId: 'resp_1' });
    assert.equal(turn.jobId, 'resp_1');
    applyStreamEvent(turn, { type: 'background' });
    assert.equal(turn.jobId, undefined);
  });

  it('a window closing leaves the turn streaming with its job; an ended answer forgets the job', () => {
    const { turn } = waitingTurn();
    applyStreamEvent(turn, { type: 'background', responseId: 'resp_1' });
    settleTurn(turn, { error: new ApiError({ kind: 'cancelled' }), detached: true, elapsedMs: 5 });
    assert.equal(turn.status, 'streaming');
    assert.equal(turn.jobId, 'resp_1');
    applyStreamEvent(turn, { type: 'text', delta: 'Done.' });
    settleTurn(turn, { elapsedMs: 9 });
    assert.equal(turn.status, 'complete');
    assert.equal(turn.text, 'Done.');
    assert.equal(turn.jobId, undefined);
  });

  it('loading the history marks a cut-off turn interrupted, but keeps one waiting for a job streaming', () => {
    const cut = waitingTurn();
    const waiting = waitingTurn();
    waiting.turn.jobId = 'resp_2';
    recoverInterrupted(cut.conversation);
    recoverInterrupted(waiting.conversation);
    assert.equal(cut.turn.status, 'error');
    assert.equal(cut.turn.error?.kind, 'interrupted');
    assert.equal(waiting.turn.status, 'streaming');
    assert.ok(isChatTurn(JSON.parse(JSON.stringify(waiting.turn))), 'the job id is part of a stored turn');
  });
});

describe('jobs: the shared list on disk', () => {
  it('two windows changing the list at once lose nothing (each change is made under the lock)', async () => {
    const file = path.join(tempDir(), 'jobs.json');
    const windowA = new JobStore(file);
    const windowB = new JobStore(file);
    await Promise.all(Array.from({ length: 15 }, (_, i) => [
      windowA.update((jobs) => [...jobs, job(`a${i}`)]),
      windowB.update((jobs) => [...jobs, job(`b${i}`)]),
    ]).flat());
    const ids = (await windowA.list()).map((entry) => entry.id).sort();
    assert.equal(ids.length, 30, ids.join(' '));
  });

  it('a list that does not parse is moved aside, reported once, and the list starts over', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'jobs.json');
    fs.writeFileSync(file, '{"version":1,"jobs":[{"id":');
    const reports: string[] = [];
    const store = new JobStore(file, undefined, (movedTo) => reports.push(movedTo));
    assert.deepEqual(await store.list(), []);
    assert.equal(reports.length, 1);
    assert.ok(fs.existsSync(reports[0]!), 'the unreadable file is kept aside for the user');
    assert.equal(fs.readFileSync(reports[0]!, 'utf8'), '{"version":1,"jobs":[{"id":');
    await store.update((jobs) => [...jobs, job('fresh')]);
    assert.deepEqual((await store.list()).map((entry) => entry.id), ['fresh']);
    assert.equal(reports.length, 1);
  });

  it('drops entries of the wrong shape and keeps the rest', async () => {
    const file = path.join(tempDir(), 'jobs.json');
    fs.writeFileSync(file, JSON.stringify({ version: 1, jobs: [job('good'), { id: 'bad', status: 'running' }, job('../../etc')] }));
    assert.deepEqual((await new JobStore(file).list()).map((entry) => entry.id), ['good']);
  });
});

describe('jobs: the client', () => {
  let sim: Simulator;
  let dir: string;

  beforeEach(async () => {
    dir = tempDir();
    sim = await start({ stateFile: path.join(dir, 'sim-jobs.json') });
  });
  afterEach(async () => {
    await sim.close();
  });

  /** Starts a held o3-pro background job and returns its id once it has been polled. */
  async function startHeldJob(signal: AbortSignal): Promise<{ id: string; events: Promise<StreamEvent[]> }> {
    sim.script({ text: 'The kept answer.', holdJobs: true, usage: { input: 10, output: 500, reasoning: 400 } });
    const { client } = makeClient(sim);
    const events = drain(client.stream(request('o3-pro', { background: true }), signal)).finally(() => client.dispose());
    await sim.waitForRequests(2);
    const background = sim.jobIds[0];
    assert.ok(background, 'the gateway queued a job');
    return { id: background, events };
  }

  it('names the job as soon as the gateway queued it, and leaves it running when the window closes', async () => {
    const controller = new AbortController();
    const { id, events } = await startHeldJob(controller.signal);
    controller.abort(new JobDetached());
    const seen = await events;
    assert.deepEqual(seen.filter((event) => event.type === 'background'), [{ type: 'background', responseId: id }]);
    assert.equal(seen.at(-1)?.type, 'error');
    assert.equal(sim.requests.filter((r) => r.route === 'cancel').length, 0, 'no cancel reached the gateway');
  });

  it('a later window fetches the answer of a job an earlier one left, with its usage', async () => {
    const controller = new AbortController();
    const { id, events } = await startHeldJob(controller.signal);
    controller.abort(new JobDetached());
    await events;
    sim.finishJobs();
    const { client } = makeClient(sim);
    try {
      const answer = await collectAnswer(client.resume(model('o3-pro'), id));
      assert.equal(answer.error, undefined, answer.error?.userMessage);
      assert.equal(answer.text, 'The kept answer.');
      assert.equal(answer.usage?.outputTokens, 500);
      assert.ok(sim.requests.slice(2).every((r) => r.method === 'GET' && r.path.endsWith(id)), 'only polls, nothing sent again');
    } finally {
      await client.dispose();
    }
  });

  it('a job the gateway no longer knows ends with a message saying so and a way to ask again', async () => {
    const { client } = makeClient(sim);
    try {
      const answer = await collectAnswer(client.resume(model('o3-pro'), 'resp_gone0001'));
      assert.equal(answer.error?.status, 404);
      assert.match(answer.error?.userMessage ?? '', /no longer knows this background answer/);
      assert.deepEqual(answer.error?.actions, ['retry']);
    } finally {
      await client.dispose();
    }
  });

  it('a job cancelled elsewhere ends as cancelled, not as an answer', async () => {
    const controller = new AbortController();
    const { id, events } = await startHeldJob(controller.signal);
    controller.abort(); // an ordinary cancel: the gateway is told
    await events;
    await sim.waitForRequests(sim.requests.length + (sim.requests.some((r) => r.route === 'cancel') ? 0 : 1));
    const { client } = makeClient(sim);
    try {
      const answer = await collectAnswer(client.resume(model('o3-pro'), id));
      assert.equal(answer.finish, 'cancelled');
      assert.equal(answer.text, '');
    } finally {
      await client.dispose();
    }
  });

  it('polls through an outage: while the gateway is down the waits grow, and the answer comes once it is back', async () => {
    const controller = new AbortController();
    const { id, events } = await startHeldJob(controller.signal);
    controller.abort(new JobDetached());
    await events;
    const port = sim.port;
    await sim.close();
    const { client, logger } = makeClient(sim, { background: { initialPollMs: 10, maxPollMs: 40, offlinePollMs: 200 } });
    try {
      const resumed = collectAnswer(client.resume(model('o3-pro'), id));
      const deadline = Date.now() + 20_000;
      while (logger.lines.filter((line) => /Polling .* failed/.test(line)).length < 4 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.ok(logger.lines.filter((line) => /Polling .* failed/.test(line)).length >= 4, 'it kept polling while the gateway was down');
      sim = await start({ port, stateFile: path.join(dir, 'sim-jobs.json') });
      sim.finishJobs();
      const answer = await resumed;
      assert.equal(answer.error, undefined, answer.error?.userMessage);
      assert.equal(answer.text, 'The kept answer.');
    } finally {
      await client.dispose();
    }
  });
});

describe('simulator: background jobs kept across its restart', () => {
  it('a simulator started again with the same state file still answers polls for the jobs it had', async () => {
    const stateFile = path.join(tempDir(), 'sim.json');
    let sim = await start({ stateFile });
    sim.script({ text: 'Survived.', pollsBeforeDone: 1 });
    const queued = await fetch(`${sim.baseUrl}/responses`, {
      method: 'POST', headers: { authorization: 'Bearer sk-x', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/o3-pro', input: 'hi', background: true, store: true }),
    }).then((response) => response.json() as Promise<{ id: string; status: string }>);
    assert.equal(queued.status, 'queued');
    await sim.close();
    sim = await start({ stateFile });
    try {
      const polled = await fetch(`${sim.baseUrl}/responses/${queued.id}`, { headers: { authorization: 'Bearer sk-x' } })
        .then((response) => response.json() as Promise<{ status: string; output: unknown[] }>);
      assert.equal(polled.status, 'completed');
      assert.match(JSON.stringify(polled.output), /Survived\./);
    } finally {
      await sim.close();
    }
  });
});
