/**
 * runTurn (src/core/common/runTurn.ts), the one way every surface runs an answer, in plain Node:
 * loading it here at all proves it does not import `vscode`. The runner below is the request
 * runner's contract on the real client against the gateway simulator: it links the caller's
 * signal to its own, hands every event on, and reports a run it left to the gateway at shutdown
 * as detached. Only the cases of a runner that throws use runners written for the case.
 */
import * as assert from 'node:assert/strict';
import { addUserTurn, createConversation, startAssistantTurn, type AssistantTurn } from '../../src/core/common/conversation';
import { DeltaBatcher } from '../../src/core/common/deltaBatcher';
import { ApiError } from '../../src/core/common/errors';
import { runTurn, type TurnRunHooks, type TurnRunResult } from '../../src/core/common/runTurn';
import type { AnswerChange } from '../../src/core/common/turnReducer';
import type { StreamEvent } from '../../src/core/common/types';
import { collectAnswer } from '../../src/core/node/answer';
import { isJobDetached, JobDetached } from '../../src/core/node/background';
import type { ReasoningClient } from '../../src/core/node/client';
import type { Simulator } from '../simulator/simulator';
import { model, request, simulatorSuite } from './support-core/harness';

interface SimRequest { readonly modelId: string; readonly background?: boolean; readonly resumeJob?: string }

/** The request runner's contract (src/vscode/runner.ts) over the real client. */
class ClientRunner {
  private readonly running = new Set<AbortController>();
  constructor(private readonly client: ReasoningClient) {}

  async run(asked: SimRequest & TurnRunHooks): Promise<TurnRunResult> {
    const own = new AbortController();
    const onAbort = () => own.abort();
    asked.signal.addEventListener('abort', onAbort, { once: true });
    this.running.add(own);
    try {
      const info = model(asked.modelId);
      const events = asked.resumeJob
        ? this.client.resume(info, asked.resumeJob, own.signal)
        : this.client.stream(request(info, { background: asked.background === true, reasoningSummary: info.capabilities.reasoningSummary }), own.signal);
      const answer = await collectAnswer(events, { onEvent: asked.onEvent });
      return { ...answer, model: { label: `${info.id} (label)` }, ...(isJobDetached(own.signal.reason) ? { detached: true } : {}) };
    } finally {
      asked.signal.removeEventListener('abort', onAbort);
      this.running.delete(own);
    }
  }

  /** What the request runner does to background runs as the window closes. */
  detachAll(): void {
    for (const controller of this.running) controller.abort(new JobDetached());
  }
}

function newTurn(modelId: string, askedAt = Date.now()): AssistantTurn {
  const conversation = createConversation(askedAt);
  addUserTurn(conversation, 'What does this function return?', [], askedAt);
  return startAssistantTurn(conversation, { id: modelId }, 'medium', askedAt);
}

/** What a surface sees of a run: each change, the batches of text, and the settling. */
function watch(turn: AssistantTurn) {
  const seen = {
    changes: [] as AnswerChange[],
    batches: [] as [string, string][],
    settled: [] as { status: string; text: string; batchesBefore: number }[],
    saves: 0,
  };
  const deltas = new DeltaBatcher((text, reasoning) => seen.batches.push([text, reasoning]));
  const hooks = {
    deltas,
    onChange: (change: AnswerChange) => { seen.changes.push(change); },
    onSettled: (settled: AssistantTurn) => { seen.settled.push({ status: settled.status, text: settled.text, batchesBefore: seen.batches.length }); },
    checkpoint: { everyMs: 60_000, save: () => { seen.saves++; } },
  };
  return { seen, hooks, turn };
}

const joined = (batches: readonly [string, string][], index: 0 | 1) => batches.map((batch) => batch[index]).join('');

describe('runTurn: a turn run through the request runner, settled once', function () {
  let sim: Simulator;
  let runner: ClientRunner;

  simulatorSuite((s, client) => { sim = s; runner = new ClientRunner(client); });

  it('folds every event into the turn and hands the text on, all of it before the turn settles', async () => {
    sim.script({ text: 'It returns the distance between the two points.', reasoning: ['Reading the code.'], usage: { input: 12, output: 40, reasoning: 16 } });
    const { seen, hooks, turn } = watch(newTurn('o3-pro'));
    const ended = await runTurn({ runner, turn, request: { modelId: 'o3-pro' }, signal: new AbortController().signal, ...hooks });
    assert.equal(ended, turn);
    assert.equal(turn.status, 'complete');
    assert.equal(turn.text, 'It returns the distance between the two points.');
    assert.equal(turn.reasoning, 'Reading the code.');
    assert.equal(turn.usage?.outputTokens, 40);
    assert.equal(turn.finish, 'stop');
    assert.match(turn.requestId ?? '', /\w/);
    assert.equal(turn.modelLabel, 'o3-pro (label)', 'the label of the model that answered');
    assert.equal(turn.elapsedMs !== undefined && turn.completedAt !== undefined, true);
    assert.equal(joined(seen.batches, 0), turn.text, 'every piece of text went out, once');
    assert.equal(joined(seen.batches, 1), turn.reasoning);
    assert.deepEqual(seen.settled, [{ status: 'complete', text: turn.text, batchesBefore: seen.batches.length }], 'settled once, after the last batch');
    assert.ok(seen.changes.includes('usage') && seen.changes.includes('text'));
  });

  it('a failure mid-answer keeps the partial text and settles as an error with the server\'s words', async () => {
    sim.script({ text: 'First part. Second part. Third part.', deltaSize: 6, errorEvent: { message: 'The model overloaded.', code: 'server_error', afterDeltas: 2 } });
    const { seen, hooks, turn } = watch(newTurn('o3'));
    await runTurn({ runner, turn, request: { modelId: 'o3' }, signal: new AbortController().signal, ...hooks });
    assert.equal(turn.status, 'error');
    assert.equal(turn.text, 'First part. ', 'the two deltas that arrived are kept');
    assert.match(`${turn.error?.message} ${turn.error?.serverMessage ?? ''}`, /overloaded/);
    assert.ok((turn.error?.actions.length ?? 0) > 0);
    assert.equal(seen.settled.length, 1);
  });

  it('Stop settles the turn at once as stopped with what arrived, and nothing after it changes the text', async () => {
    sim.script({ text: 'word '.repeat(400), deltaSize: 5, chunkDelayMs: 20 });
    const turn = newTurn('o3');
    const stop = new AbortController();
    const settled: string[] = [];
    let atStop = '';
    const done = runTurn({
      runner, turn, request: { modelId: 'o3' }, signal: stop.signal,
      onChange: (change) => {
        if (change === 'text' && turn.text.length >= 15 && !stop.signal.aborted) {
          stop.abort();
          // Settled within abort(): the surface shows Stop at once, before the request has ended.
          assert.deepEqual(settled, ['stopped']);
          atStop = turn.text;
        }
      },
      onSettled: (ended) => settled.push(ended.status),
    });
    assert.equal(await done, turn);
    assert.equal(turn.status, 'stopped');
    assert.equal(turn.text, atStop, 'the text as it was when stopped');
    assert.ok(turn.text.length >= 15 && turn.text.length < 2000, `kept ${turn.text.length} characters`);
    assert.equal(turn.error, undefined, 'a stop is no error');
    assert.deepEqual(settled, ['stopped'], 'settled once');
    assert.equal((await sim.waitForClose(0)).completed, false, 'the request was aborted, not left to run');
  });

  it('a background job left running as the window closes keeps the turn streaming with its job; fetched later, its time counts from when it was asked', async () => {
    sim.script({ text: 'Deep answer.', holdJobs: true });
    const askedAt = Date.now() - 60_000;
    const { seen, hooks, turn } = watch(newTurn('o3-pro', askedAt));
    const first = runTurn({
      runner, turn, request: { modelId: 'o3-pro', background: true }, signal: new AbortController().signal, ...hooks,
      onChange: (_change, event) => { if (event.type === 'background') runner.detachAll(); },
    });
    await first;
    assert.equal(turn.status, 'streaming', 'still waiting for the job');
    assert.match(turn.jobId ?? '', /^resp_/);
    assert.equal(turn.progress, undefined);
    assert.equal(seen.settled.length, 1);
    assert.ok(seen.saves >= 1, 'kept as soon as the job had its id');
    assert.equal(sim.requests.filter((r) => r.route === 'cancel').length, 0, 'the gateway was not told to cancel');

    sim.finishJobs();
    await runTurn({ runner, turn, request: { modelId: 'o3-pro', resumeJob: turn.jobId! }, signal: new AbortController().signal });
    assert.equal(turn.status, 'complete');
    assert.equal(turn.text, 'Deep answer.');
    assert.equal(turn.jobId, undefined, 'an ended answer forgets its job');
    assert.ok((turn.elapsedMs ?? 0) >= 60_000, `counted from when it was asked: ${turn.elapsedMs} ms`);
  });

  it('an account problem before anything is sent settles with the runner\'s error and its actions', async () => {
    sim.script({ status: 401, message: 'Invalid API key provided.' });
    const turn = newTurn('o3-mini');
    await runTurn({ runner, turn, request: { modelId: 'o3-mini' }, signal: new AbortController().signal });
    assert.equal(turn.status, 'error');
    assert.equal(turn.error?.kind, 'auth');
    assert.ok(turn.error?.actions.includes('setApiKey'), `actions: ${turn.error?.actions.join(',')}`);
    assert.equal(turn.text, '');
  });
});

describe('runTurn: batching and runners that fail on their own', () => {
  /** A runner that plays events synchronously, as fast as anything could arrive, then ends. */
  const playing = (events: readonly StreamEvent[], result: Partial<TurnRunResult> = {}) => ({
    run: async (asked: TurnRunHooks) => {
      for (const event of events) asked.onEvent(event);
      return { elapsedMs: 7, ...result };
    },
  });

  it('text arriving together goes out as one batch, flushed before any other change and before the turn settles', async () => {
    const turn = newTurn('o3');
    const order: string[] = [];
    const deltas = new DeltaBatcher((text, reasoning) => order.push(`batch:${text}|${reasoning}`));
    await runTurn({
      runner: playing([
        { type: 'text', delta: 'It ' }, { type: 'reasoning', delta: 'Hmm. ' }, { type: 'text', delta: 'returns' },
        { type: 'progress', elapsedMs: 5, status: 'still going' }, { type: 'finish', reason: 'stop' }, { type: 'text', delta: ' x.' },
      ]),
      turn, request: {}, signal: new AbortController().signal, deltas,
      onChange: (change) => { if (change !== 'text' && change !== 'reasoning') order.push(change); },
      onSettled: () => order.push('settled'),
    });
    // The last text still waits when the run ends: it goes out before the turn settles.
    assert.deepEqual(order, ['batch:It returns|Hmm. ', 'progress', 'meta', 'batch: x.|', 'settled']);
    assert.equal(turn.text, 'It returns x.');
    assert.equal(turn.elapsedMs, 7, 'the run\'s time');
  });

  it('a runner that throws, at once or later, ends the turn as failed, keeping what arrived', async () => {
    const atOnce = newTurn('o3');
    await runTurn({ runner: { run: () => { throw new Error('no runner today'); } }, turn: atOnce, request: {}, signal: new AbortController().signal });
    assert.equal(atOnce.status, 'error');
    assert.equal(atOnce.error?.kind, 'internal');
    assert.match(atOnce.error?.message ?? '', /no runner today/);

    const later = newTurn('o3');
    const failing = {
      run: async (asked: TurnRunHooks): Promise<TurnRunResult> => {
        asked.onEvent({ type: 'text', delta: 'Half an ' });
        await Promise.resolve();
        throw new ApiError({ kind: 'protocol', detail: 'the stream broke' });
      },
    };
    await runTurn({ runner: failing, turn: later, request: {}, signal: new AbortController().signal });
    assert.equal(later.status, 'error');
    assert.equal(later.error?.kind, 'protocol');
    assert.equal(later.text, 'Half an ', 'the partial answer is kept');
  });

  it('usage and the request id that arrive after a stop still belong to the stopped turn; more text does not', async () => {
    const turn = newTurn('o3');
    const stop = new AbortController();
    const late: string[] = [];
    await runTurn({
      runner: {
        run: async (asked: TurnRunHooks) => {
          asked.onEvent({ type: 'text', delta: 'Kept.' });
          stop.abort();
          asked.onEvent({ type: 'text', delta: ' Dropped.' });
          asked.onEvent({ type: 'usage', usage: { inputTokens: 3, outputTokens: 9, reasoningTokens: 0 } });
          asked.onEvent({ type: 'request', api: 'responses', url: 'http://gateway/v1/responses', requestId: 'req_late' });
          return { error: ApiError.cancelled(), elapsedMs: 1 };
        },
      },
      turn, request: {}, signal: stop.signal,
      onChange: (change) => late.push(change),
      checkpoint: { everyMs: 60_000, save: () => late.push('saved') },
    });
    assert.equal(turn.status, 'stopped');
    assert.equal(turn.text, 'Kept.');
    assert.equal(turn.usage?.outputTokens, 9);
    assert.equal(turn.requestId, 'req_late');
    assert.deepEqual(late, ['text', 'usage', 'saved', 'meta', 'saved'], 'late usage is shown and kept');
  });

  it('a detached run without a job to wait for ends as stopped, not streaming forever', async () => {
    const turn = newTurn('o3');
    await runTurn({ runner: playing([{ type: 'text', delta: 'Some.' }], { error: ApiError.cancelled(), detached: true }), turn, request: {}, signal: new AbortController().signal });
    assert.equal(turn.status, 'stopped');
    assert.equal(turn.text, 'Some.');
  });
});
