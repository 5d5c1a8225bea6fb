/**
 * Runs the chat's answers: each through the shared RequestRunner (the one
 * request pipeline), one AbortController per answer, at most one answer per
 * conversation. Each answer runs through `runTurn` (the stream folded into the
 * turn, the turn settled once); here its text goes to the page in batches, and
 * a long answer is saved now and then while it streams.
 *
 * Everything is addressed by conversation id and turn id, so a retry (from the
 * page, or from "Set API Key" in a notification) runs in the conversation the
 * turn belongs to, whichever one is open by then.
 */
import { type AssistantTurn, type Conversation, type UserTurn, findTurn, promptFor, toRequestTurns } from '../../core/common/conversation';
import { isApiError } from '../../core/common/errors';
import type { ImageAttachment } from '../../core/common/images';
import type { JobRecord } from '../../core/common/jobs';
import type { Logger } from '../../core/common/logger';
import { DeltaBatcher } from '../../core/common/deltaBatcher';
import { runTurn } from '../../core/common/runTurn';
import { restartTurn } from '../../core/common/turnReducer';
import type { CodeContext, ReasoningEffort } from '../../core/common/types';
import { messageOf } from '../errorMessage';
import { Disposable } from '../lifecycle';
import type { RequestRunner } from '../runner';
import type { ActiveRun, ChatModel } from './chatModel';

/** Where streamed text and progress go between the turn's updates (the page, for the active conversation). */
export interface TurnStream {
  delta(conversation: Conversation, turnId: string, text: string, reasoning: string): void;
  progress(conversation: Conversation, turnId: string, status: string): void;
}

export interface TurnRunnerOptions {
  readonly runner: RequestRunner;
  readonly model: ChatModel;
  readonly stream: TurnStream;
  readonly instructions: string;
  readonly log: Logger;
}

const STREAM_SAVE_INTERVAL_MS = 5_000;

class Run implements ActiveRun {
  readonly controller = new AbortController();
  readonly done: Promise<AssistantTurn>;
  resolve!: (turn: AssistantTurn) => void;

  constructor(readonly conversation: Conversation, readonly turn: AssistantTurn, readonly stop: () => void, readonly deltas: DeltaBatcher) {
    this.done = new Promise((resolve) => { this.resolve = resolve; });
  }
}

export class TurnRunner extends Disposable {
  constructor(private readonly options: TurnRunnerOptions) {
    super();
    // A conversation shown anew carries all its text so far: deltas still waiting would repeat it.
    this.register(options.model.onDidChange((change) => {
      const active = options.model.getActiveConversation();
      if (change.kind === 'active' && active) this.discardPendingDeltas(active.id);
    }));
  }

  /** A new prompt and its answer in the conversation; resolves with the answer once it ends (complete, stopped or failed). */
  send(
    conversation: Conversation, text: string, context: readonly CodeContext[], modelId: string, effort: ReasoningEffort,
    images: readonly ImageAttachment[] = [],
  ): Promise<AssistantTurn> {
    if (this.options.model.isRunning(conversation.id)) {
      return Promise.reject(new Error('A request is already running in this conversation; stop it first.'));
    }
    const prompt = this.options.model.addPrompt(conversation, text, context, images);
    return this.answer(conversation, prompt, this.options.model.startAnswer(conversation, modelId, effort));
  }

  /**
   * Runs the prompt of a failed or stopped answer again, with the composer's
   * model and effort: in place when it is the conversation's last answer,
   * otherwise as a new prompt at the end. Undefined when there is nothing to retry.
   */
  async retry(conversationId: string, turnId: string): Promise<AssistantTurn | undefined> {
    const model = this.options.model;
    const conversation = await model.find(conversationId);
    if (!conversation || model.isRunning(conversation.id)) return undefined;
    const turn = findTurn(conversation, turnId);
    const prompt = promptFor(conversation, turnId);
    if (!turn || turn.role !== 'assistant' || turn.status === 'streaming' || !prompt) return undefined;
    const { modelId, effort } = model.getComposer();
    if (conversation.turns.at(-1) === turn) {
      restartTurn(turn, model.modelRef(modelId), effort);
      model.conversationChanged(conversation);
      return this.answer(conversation, prompt, turn);
    }
    return this.send(conversation, prompt.text, prompt.context ?? [], modelId, effort, prompt.images ?? []);
  }

  /**
   * Fetches a background answer into the turn waiting for it (after a reload or restart).
   * Resolves to false when the conversation or the turn is gone; otherwise once the turn has ended.
   */
  async resumeJob(job: JobRecord & { readonly place: { readonly kind: 'chat' } }): Promise<boolean> {
    const model = this.options.model;
    const conversation = await model.find(job.place.conversationId);
    const turn = conversation ? findTurn(conversation, job.place.turnId) : undefined;
    const prompt = conversation ? promptFor(conversation, job.place.turnId) : undefined;
    if (!conversation || !turn || turn.role !== 'assistant' || !prompt || model.isRunning(conversation.id)) return false;
    if (turn.status !== 'streaming') restartTurn(turn, { id: job.modelId, label: job.modelLabel }, turn.effort, job.startedAt);
    turn.jobId = job.id;
    model.conversationChanged(conversation);
    await this.answer(conversation, prompt, turn, job.id);
    return true;
  }

  /** Stops the answer running in the conversation, keeping what arrived. True if one was running. */
  stop(conversationId: string): boolean {
    const run = this.runIn(conversationId);
    if (!run) return false;
    // The turn is settled (and the run ended) as the signal aborts: the answer does not wait for the request to end.
    run.controller.abort();
    this.options.log.info(`Chat: stopped the answer in ${conversationId} after ${run.turn.elapsedMs} ms.`);
    return true;
  }

  /** Drops text waiting to be sent because the page is about to receive it whole (default: of every answer). */
  discardPendingDeltas(conversationId?: string): void {
    for (const run of this.runs()) {
      if (conversationId !== undefined && run.conversation.id !== conversationId) continue;
      run.deltas.discard();
    }
  }

  /** Stops every answer still running (each is kept as stopped and saved). */
  override dispose(): void {
    // An answer the gateway runs as a background job is not stopped: the window is closing, and the next one fetches it.
    for (const run of this.runs()) if (run.turn.jobId === undefined) this.stop(run.conversation.id);
    super.dispose();
  }

  // --- internals

  private runs(): Run[] {
    return this.options.model.runs().filter((run): run is Run => run instanceof Run);
  }

  private runIn(conversationId: string): Run | undefined {
    const run = this.options.model.runningIn(conversationId);
    return run instanceof Run ? run : undefined;
  }

  private answer(conversation: Conversation, prompt: UserTurn, turn: AssistantTurn, resumeJob?: string): Promise<AssistantTurn> {
    const model = this.options.model;
    const deltas = new DeltaBatcher((text, reasoning) => this.options.stream.delta(conversation, turn.id, text, reasoning));
    const run = new Run(conversation, turn, () => this.stop(conversation.id), deltas);
    model.runStarted(run);
    void model.save(conversation);
    void runTurn({
      runner: this.options.runner,
      turn,
      signal: run.controller.signal,
      request: {
        source: 'chat',
        modelId: turn.modelId,
        effort: turn.effort,
        instructions: this.options.instructions,
        turns: toRequestTurns(conversation, prompt.id, { imageInput: model.takesImages(turn.modelId) }),
        // After "Set API Key" on a missing or rejected key, the same prompt goes on, in its own conversation
        // (a fetched background answer is fetched again by the job list instead, once the key changed).
        ...(resumeJob ? {} : { retry: () => this.retry(conversation.id, turn.id) }),
        job: { place: { kind: 'chat', conversationId: conversation.id, turnId: turn.id }, about: conversation.title },
        ...(resumeJob ? { resumeJob } : {}),
      },
      deltas,
      onChange: (change) => {
        if (change === 'usage') model.turnChanged(conversation, turn);
        else if (change === 'progress' && turn.progress !== undefined) this.options.stream.progress(conversation, turn.id, turn.progress);
      },
      // A background job's id is on disk at once: a reload from now on fetches the answer instead of losing it.
      checkpoint: { everyMs: STREAM_SAVE_INTERVAL_MS, save: () => void model.save(conversation) },
      onSettled: (_turn, outcome) => {
        if (turn.status === 'error') {
          const error = outcome.error;
          this.options.log.warn(`Chat: the answer in ${conversation.id} failed: ${isApiError(error) ? error.toLogString() : messageOf(error)}`);
        }
        model.turnChanged(conversation, turn);
        model.runEnded(run);
        void model.save(conversation);
        run.resolve(turn);
      },
    });
    return run.done;
  }
}
