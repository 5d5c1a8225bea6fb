/**
 * One comparison: the same question and code sent to each model at once,
 * each answer a column with its own status, time, tokens, cost and error.
 * Every request goes through the shared request runner. Disposing the
 * session cancels whatever still runs; it never sends anything afterwards.
 * A comparison is saved as it changes, so that its tab comes back after a
 * reload and a column the gateway runs as a background job is fetched into it.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import {
  compareResult, canKeep, keptConversation, restoredColumns, type CompareRequest, type CompareResult, type SavedComparison,
} from '../../core/common/compare';
import type { CompareColumn, CompareState } from '../../core/common/compareProtocol';
import { autoTitle, contextLabel, startAssistantTurn, createConversation, type AssistantTurn } from '../../core/common/conversation';
import { isAccountProblem } from '../../core/common/errorPresenter';
import type { JobRecord } from '../../core/common/jobs';
import { INSTRUCTIONS } from '../../core/common/prompts';
import { DeltaBatcher } from '../../core/common/deltaBatcher';
import { runTurn } from '../../core/common/runTurn';
import { restartTurn } from '../../core/common/turnReducer';
import type { SettingsReader } from '../config';
import { Disposable } from '../lifecycle';
import type { RequestRunner } from '../runner';
import type { ChatBridge } from '../chatBridge';

/** A streaming column is saved at most this often: a reload keeps its text so far. */
const STREAM_SAVE_INTERVAL_MS = 2_000;

export type CompareChange =
  | { readonly kind: 'delta'; readonly turnId: string; readonly text: string; readonly reasoning: string }
  | { readonly kind: 'progress'; readonly turnId: string; readonly status: string }
  | { readonly kind: 'column'; readonly column: CompareColumn };

export type { CompareRequest };

export interface CompareSessionOptions {
  /** A comparison coming back after a reload: its columns as saved; nothing is asked again. */
  readonly saved?: SavedComparison;
  /** Keeps the comparison as it changes (in the workspace). */
  readonly save?: (comparison: SavedComparison) => void;
}

interface Column {
  readonly turn: AssistantTurn;
  kept: boolean;
  abort?: AbortController;
  readonly deltas: DeltaBatcher;
}

export class CompareSession extends Disposable {
  private readonly columns: Column[];
  private readonly changed = this.register(new vscode.EventEmitter<CompareChange>());
  readonly onDidChange = this.changed.event;
  /** Resolves once every column has ended its first run, in the order asked. */
  readonly results: Promise<CompareResult[]>;

  readonly id: string;

  constructor(
    readonly request: CompareRequest, private readonly runner: RequestRunner, private readonly settings: SettingsReader,
    private readonly chat: ChatBridge,
    private readonly options: CompareSessionOptions = {},
  ) {
    super();
    this.register({ dispose: () => this.cancelAll() });
    const { saved } = options;
    this.id = saved?.id ?? randomUUID();
    if (saved) {
      this.columns = restoredColumns(saved).map((column) => this.column(column.turn, column.kept));
      this.results = Promise.resolve(this.columns.map((column) => compareResult(column.turn)));
      this.save();
      return;
    }
    // Turns come from a throwaway conversation: the same ids and shapes as chat turns, so the page renders them alike.
    const scratch = createConversation();
    const labels = new Map(this.settings.current().models.map((model) => [model.id, model.label]));
    this.columns = request.modelIds.map((id) => this.column(startAssistantTurn(scratch, { id, label: labels.get(id) ?? id }, request.effort), false));
    this.save();
    this.results = Promise.all(this.columns.map((column) => this.run(column))).then(() => this.columns.map((column) => compareResult(column.turn)));
  }

  get state(): CompareState {
    return { id: this.id, question: this.request.question, contextLabels: this.request.context.map(contextLabel), columns: this.columns.map(snapshot) };
  }

  /** The comparison as it is kept in the workspace. */
  get saved(): SavedComparison {
    return { id: this.id, request: this.request, columns: this.columns.map(snapshot), savedAt: Date.now() };
  }

  private column(turn: AssistantTurn, kept: boolean): Column {
    const deltas = new DeltaBatcher((text, reasoning) => {
      if (!this.isDisposed) this.changed.fire({ kind: 'delta', turnId: turn.id, text, reasoning });
    });
    return { turn, kept, deltas };
  }

  /** Whether a column waits for this background job's answer. */
  waitsFor(jobId: string): boolean {
    return this.columns.some((column) => column.turn.jobId === jobId && column.turn.status === 'streaming');
  }

  /**
   * Fetches a background answer (started before a reload) into its column.
   * False when no column waits for it; otherwise resolves once the column has ended.
   */
  async resumeJob(job: JobRecord): Promise<boolean> {
    const column = this.columns.find((candidate) => candidate.turn.jobId === job.id && candidate.turn.status === 'streaming');
    if (!column || this.isDisposed) return false;
    if (!column.abort) await this.run(column, job.id);
    return true;
  }

  /** The columns' answers as they stand. */
  get turns(): readonly AssistantTurn[] {
    return this.columns.map((column) => column.turn);
  }

  get running(): boolean {
    return this.columns.some((column) => column.abort !== undefined);
  }

  /** Text waiting to be posted is already in the turns: the page is about to get the whole state. */
  discardPendingDeltas(): void {
    for (const column of this.columns) column.deltas.discard();
  }

  stop(turnId: string): boolean {
    const column = this.find(turnId);
    if (!column?.abort) return false;
    column.abort.abort();
    return true;
  }

  /** Asks the column's question again, of `modelId` when given (Switch Model). */
  async retry(turnId: string, modelId?: string): Promise<CompareResult | undefined> {
    const column = this.find(turnId);
    if (!column || column.abort || this.isDisposed) return undefined;
    const id = modelId ?? column.turn.modelId;
    const label = this.settings.current().models.find((model) => model.id === id)?.label ?? id;
    restartTurn(column.turn, { id, label }, this.request.effort);
    column.kept = false;
    this.fire(column);
    await this.run(column);
    return compareResult(column.turn);
  }

  /**
   * Keeps one answer: the question and that answer open as a chat
   * conversation, ready for the next message. Resolves to its id.
   */
  async keep(turnId: string): Promise<string | undefined> {
    const column = this.find(turnId);
    if (!column || !canKeep(column.turn)) return undefined;
    const id = await this.chat.openConversation(keptConversation(this.request.question, this.request.context, column.turn));
    if (id && !this.isDisposed) {
      column.kept = true;
      this.fire(column);
    }
    return id;
  }

  private find(turnId: string): Column | undefined {
    return this.columns.find((column) => column.turn.id === turnId);
  }

  private cancelAll(): void {
    for (const column of this.columns) column.abort?.abort();
    this.discardPendingDeltas();
  }

  private async run(column: Column, resumeJob?: string): Promise<void> {
    const turn = column.turn;
    const abort = new AbortController();
    column.abort = abort;
    await runTurn({
      runner: this.runner,
      turn,
      signal: abort.signal,
      request: {
        source: 'compare',
        modelId: turn.modelId,
        effort: turn.effort,
        instructions: INSTRUCTIONS.ask,
        turns: [{ role: 'user', text: this.request.question, context: this.request.context }],
        // Once the account is fixed (a key set, credits topped up), every column that failed for it goes on, not only this one.
        retry: () => this.retryAccountFailures(),
        job: { place: { kind: 'compare', question: this.request.question, comparisonId: this.id }, about: `Compare · ${autoTitle(this.request.question)}` },
        ...(resumeJob ? { resumeJob } : {}),
      },
      deltas: column.deltas,
      onChange: (change, event) => {
        if (change === 'progress' && event.type === 'progress' && !this.isDisposed) this.changed.fire({ kind: 'progress', turnId: turn.id, status: event.status });
        // Usage that arrives after Stop belongs to the stopped column.
        else if (change === 'usage' && turn.status !== 'streaming') this.fire(column);
      },
      // The job's id is kept at once: a reload from now on fetches the answer instead of losing it.
      checkpoint: { everyMs: STREAM_SAVE_INTERVAL_MS, save: () => this.save() },
      onSettled: () => this.fire(column),
    });
    column.abort = undefined;
  }

  private retryAccountFailures(): void {
    for (const column of this.columns) {
      if (column.turn.status === 'error' && isAccountProblem(column.turn.error)) void this.retry(column.turn.id);
    }
  }

  private fire(column: Column): void {
    if (this.isDisposed) return;
    this.changed.fire({ kind: 'column', column: snapshot(column) });
    this.save();
  }

  /** Nothing is saved once the session is disposed: a closing window keeps the state as it last was. */
  private save(): void {
    if (this.isDisposed || !this.options.save) return;
    this.options.save(this.saved);
  }
}

function snapshot(column: Column): CompareColumn {
  return { turn: { ...column.turn }, kept: column.kept };
}
