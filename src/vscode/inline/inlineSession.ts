import * as vscode from 'vscode';
import {
  addUserTurn, createConversation, promptFor, startAssistantTurn, toRequestTurns, type AssistantTurn, type Conversation, type TurnStatus,
} from '../../core/common/conversation';
import { INSTRUCTIONS, type TaskKind } from '../../core/common/prompts';
import { drawIntervalMs } from '../../core/common/drawPacing';
import { runTurn } from '../../core/common/runTurn';
import { restartTurn } from '../../core/common/turnReducer';
import type { CodeContext, ReasoningEffort } from '../../core/common/types';
import type { SettingsReader } from '../config';
import { Disposable } from '../lifecycle';
import type { RequestRunner } from '../runner';
import { inlineJobSubject, type InlineJob } from './inlineJobs';
import { COMMENT_ANSWER_LIMIT, renderThread } from './threadRendering';

const TICK_MS = 1000;

/**
 * One inline conversation: a comment thread anchored at the code it is about,
 * showing a {@link Conversation} that this session owns and runs requests for.
 * Once disposed (dismissed) it never sends anything again.
 */
export class InlineSession extends Disposable {
  readonly conversation: Conversation = createConversation();
  private abort: AbortController | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private renderTimer: ReturnType<typeof setTimeout> | undefined;
  /** Reasoning summaries start hidden; the answer's toolbar shows and hides them. */
  private reasoningShown = false;
  private lastJobId: string | undefined;
  private readonly answered = this.register(new vscode.EventEmitter<AssistantTurn>());
  /** Fires each time an answer in this thread ends (complete, cut off, stopped or failed), Retry's and follow-ups' too. */
  readonly onDidAnswer = this.answered.event;

  constructor(
    readonly id: string,
    readonly thread: vscode.CommentThread,
    readonly task: TaskKind,
    private readonly runner: RequestRunner,
    private readonly settings: SettingsReader,
    private modelId: string | undefined,
    onDisposed: (session: InlineSession) => void,
  ) {
    super();
    this.register(thread);
    this.register({ dispose: () => onDisposed(this) });
    this.register({ dispose: () => this.stopTimers() });
  }

  get uri(): vscode.Uri { return this.thread.uri; }
  get range(): vscode.Range | undefined { return this.thread.range; }
  get running(): boolean { return this.abort !== undefined; }
  get status(): TurnStatus | undefined { return this.lastAnswer?.status; }

  /** The newest answer (the one Retry runs again, Copy Answer copies). */
  get lastAnswer(): AssistantTurn | undefined {
    for (let i = this.conversation.turns.length - 1; i >= 0; i--) {
      const turn = this.conversation.turns[i];
      if (turn?.role === 'assistant') return turn;
    }
    return undefined;
  }

  /** Asks a new question in this thread (the first, or a follow-up). Resolves to the answer, or undefined. */
  ask(question: string, context: readonly CodeContext[] = []): Promise<string | undefined> {
    if (this.isDisposed || this.running) return Promise.resolve(undefined);
    addUserTurn(this.conversation, question, context);
    const { model, effort } = this.choice();
    return this.run(startAssistantTurn(this.conversation, model, effort));
  }

  /** The background job whose answer this thread waits for or shows last. */
  get jobId(): string | undefined {
    return this.lastJobId;
  }

  /** Fetches a background answer started by an earlier window (its question shown again); true once it ended. */
  async resumeJob(job: InlineJob): Promise<boolean> {
    if (this.isDisposed || this.running) return false;
    let turn = this.lastAnswer;
    if (turn) {
      restartTurn(turn, { id: job.modelId, label: job.modelLabel }, turn.effort, job.startedAt);
    } else {
      addUserTurn(this.conversation, job.place.question, [], job.startedAt);
      turn = startAssistantTurn(this.conversation, { id: job.modelId, label: job.modelLabel }, job.effort as ReasoningEffort, job.startedAt);
    }
    await this.run(turn, job.id);
    return true;
  }

  /** Runs the last question again in place (optionally with another model). Nothing the user asked is lost. */
  retry(modelId?: string): Promise<string | undefined> {
    const turn = this.lastAnswer;
    if (this.isDisposed || !turn || this.running) return Promise.resolve(undefined);
    if (modelId) this.modelId = modelId;
    const { model, effort } = this.choice();
    restartTurn(turn, model, effort);
    return this.run(turn);
  }

  cancel(): void {
    this.abort?.abort();
  }

  get isReasoningShown(): boolean {
    return this.reasoningShown;
  }

  showReasoning(shown: boolean): void {
    this.reasoningShown = shown;
    this.render();
  }

  override dispose(): void {
    this.cancel();
    super.dispose();
  }

  /** The thread's model (a custom prompt's, or the one picked by Ask Another Model), else the current setting. */
  private choice(): { model: { id: string; label: string }; effort: AssistantTurn['effort'] } {
    const settings = this.settings.current();
    const id = this.modelId ?? settings.modelId;
    return { model: { id, label: settings.models.find((m) => m.id === id)?.label ?? id }, effort: settings.effort };
  }

  private async run(turn: AssistantTurn, resumeJob?: string): Promise<string | undefined> {
    const abort = new AbortController();
    this.abort = abort;
    // The elapsed time in the label. While the answer streams, the draw already scheduled shows it: a tick of its
    // own would draw a long answer once more.
    this.ticker = setInterval(() => {
      if (!this.renderTimer) this.render();
    }, TICK_MS);
    this.render();
    if (resumeJob) this.lastJobId = resumeJob;
    const question = promptFor(this.conversation, turn.id);
    const subject = this.range && question ? inlineJobSubject(this.uri, this.range, this.task, question.text) : undefined;
    await runTurn({
      runner: this.runner,
      turn,
      signal: abort.signal,
      request: {
        source: `inline:${this.task}`,
        modelId: turn.modelId,
        effort: turn.effort,
        instructions: INSTRUCTIONS[this.task],
        turns: toRequestTurns(this.conversation, question?.id),
        ...(resumeJob ? {} : { retry: () => this.retry() }),
        ...(subject ? { job: subject } : {}),
        ...(resumeJob ? { resumeJob } : {}),
      },
      onChange: (change, event) => {
        if (event.type === 'background' && event.responseId) this.lastJobId = event.responseId;
        if (change !== 'none') this.scheduleRender();
      },
      onSettled: () => {
        this.stopTimers();
        this.render();
      },
    });
    this.abort = undefined;
    if (!this.isDisposed) this.answered.fire(turn);
    return turn.status === 'complete' || (turn.status === 'incomplete' && turn.text) ? turn.text : undefined;
  }

  private scheduleRender(): void {
    if (this.renderTimer) return;
    const shownChars = Math.min(this.lastAnswer?.text.length ?? 0, COMMENT_ANSWER_LIMIT);
    this.renderTimer = setTimeout(() => {
      this.renderTimer = undefined;
      this.render();
    }, drawIntervalMs(shownChars));
  }

  private stopTimers(): void {
    clearInterval(this.ticker);
    clearTimeout(this.renderTimer);
    this.ticker = undefined;
    this.renderTimer = undefined;
  }

  private render(): void {
    if (!this.isDisposed) renderThread(this.thread, this.id, this.conversation, { reasoningShown: this.reasoningShown });
  }
}
