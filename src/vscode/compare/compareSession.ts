/**
 * One comparison: the same question and code sent to each model at once,
 * each answer a column with its own status, time, tokens, cost and error.
 * Every request goes through the shared request runner. Disposing the
 * session cancels whatever still runs; it never sends anything afterwards.
 */
import * as vscode from 'vscode';
import { compareResult, canKeep, keptConversation, type CompareResult } from '../../core/common/compare';
import type { CompareColumn, CompareState } from '../../core/common/compareProtocol';
import { autoTitle, contextLabel, startAssistantTurn, createConversation, type AssistantTurn } from '../../core/common/conversation';
import { isAccountProblem } from '../../core/common/errorPresenter';
import { INSTRUCTIONS } from '../../core/common/prompts';
import { DeltaBatcher } from '../../core/common/deltaBatcher';
import { applyStreamEvent, restartTurn, settleTurn, type TurnOutcome } from '../../core/common/turnReducer';
import type { CodeContext, ReasoningEffort } from '../../core/common/types';
import { readSettings } from '../config';
import { Disposable } from '../lifecycle';
import { turnOutcome, type RequestRunner } from '../runner';
import type { ChatBridge } from '../services';


export type CompareChange =
  | { readonly kind: 'delta'; readonly turnId: string; readonly text: string; readonly reasoning: string }
  | { readonly kind: 'progress'; readonly turnId: string; readonly status: string }
  | { readonly kind: 'column'; readonly column: CompareColumn };

export interface CompareRequest {
  readonly question: string;
  readonly context: readonly CodeContext[];
  readonly modelIds: readonly string[];
  readonly effort: ReasoningEffort;
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

  constructor(readonly request: CompareRequest, private readonly runner: RequestRunner, private readonly chat: () => ChatBridge | undefined) {
    super();
    // Turns come from a throwaway conversation: the same ids and shapes as chat turns, so the page renders them alike.
    const scratch = createConversation();
    const labels = new Map(readSettings().models.map((model) => [model.id, model.label]));
    this.columns = request.modelIds.map((id) => {
      const turn = startAssistantTurn(scratch, { id, label: labels.get(id) ?? id }, request.effort);
      const deltas = new DeltaBatcher((text, reasoning) => {
        if (!this.isDisposed) this.changed.fire({ kind: 'delta', turnId: turn.id, text, reasoning });
      });
      return { turn, kept: false, deltas };
    });
    this.register({ dispose: () => this.cancelAll() });
    this.results = Promise.all(this.columns.map((column) => this.run(column))).then(() => this.columns.map((column) => compareResult(column.turn)));
  }

  get state(): CompareState {
    return { question: this.request.question, contextLabels: this.request.context.map(contextLabel), columns: this.columns.map(snapshot) };
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
    const label = readSettings().models.find((model) => model.id === id)?.label ?? id;
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
    const chat = this.chat();
    if (!column || !chat || !canKeep(column.turn)) return undefined;
    const id = await chat.openConversation(keptConversation(this.request.question, this.request.context, column.turn));
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

  private async run(column: Column): Promise<void> {
    const turn = column.turn;
    const abort = new AbortController();
    column.abort = abort;
    let outcome: TurnOutcome;
    try {
      const result = await this.runner.run({
        source: 'compare',
        modelId: turn.modelId,
        effort: turn.effort,
        instructions: INSTRUCTIONS.ask,
        turns: [{ role: 'user', text: this.request.question, context: this.request.context }],
        signal: abort.signal,
        // Once the account is fixed (a key set, credits topped up), every column that failed for it goes on, not only this one.
        retry: () => this.retryAccountFailures(),
        job: { place: { kind: 'compare', question: this.request.question }, about: `Compare · ${autoTitle(this.request.question)}` },
        onEvent: (event) => {
          const change = applyStreamEvent(turn, event);
          if (this.isDisposed) return;
          if (change === 'text' && event.type === 'text') column.deltas.add(event.delta, '');
          else if (change === 'reasoning' && event.type === 'reasoning') column.deltas.add('', event.delta);
          else if (change === 'progress' && event.type === 'progress') this.changed.fire({ kind: 'progress', turnId: turn.id, status: event.status });
        },
      });
      outcome = turnOutcome(result);
    } catch (thrown) {
      outcome = { error: thrown, elapsedMs: Date.now() - turn.createdAt };
    } finally {
      column.abort = undefined;
    }
    column.deltas.flush();
    settleTurn(turn, outcome);
    this.fire(column);
  }

  private retryAccountFailures(): void {
    for (const column of this.columns) {
      if (column.turn.status === 'error' && isAccountProblem(column.turn.error)) void this.retry(column.turn.id);
    }
  }

  private fire(column: Column): void {
    if (!this.isDisposed) this.changed.fire({ kind: 'column', column: snapshot(column) });
  }
}

function snapshot(column: Column): CompareColumn {
  return { turn: { ...column.turn }, kept: column.kept };
}
