/**
 * Compare Models: the same question about the same code, asked of several
 * models at once. What the command accepts, what it resolves to, and the
 * conversation a kept answer continues as. Plain data: the host runs the
 * requests, the page shows them.
 */
import {
  addUserTurn, createConversation, isChatTurn, isCodeContext, markInterrupted, type AssistantTurn, type Conversation, type TurnStatus,
} from './conversation';
import { isReasoningEffort, type CodeContext, type ReasoningEffort, type Usage } from './types';

export const MIN_COMPARE_MODELS = 2;
/** Each model is a paid request running at the same time: a bound keeps one call from fanning out without end. */
export const MAX_COMPARE_MODELS = 8;
export const MAX_COMPARE_QUESTION_CHARS = 20_000;
export const DEFAULT_COMPARE_QUESTION = 'Explain this code.';

/** `executeCommand('reasoner.compareModels', { models, question, effort? })`. */
export interface CompareArguments {
  readonly models: readonly string[];
  readonly question: string;
  readonly effort?: ReasoningEffort;
}

/** A failure, kept inside its model's entry. */
export interface CompareError {
  readonly kind: string;
  /** What happened and what to do, as every surface says it. */
  readonly message: string;
  /** The gateway's own words, when they are not already in `message`. */
  readonly serverMessage?: string;
  readonly status?: number;
}

/** What the command resolves to: one entry per model, in the order asked. */
export interface CompareResult {
  readonly modelId: string;
  /** The answer; on a failure or a stop, the part that arrived (possibly empty). */
  readonly text: string;
  readonly elapsedMs: number;
  readonly usage?: Usage;
  /** `complete`, `incomplete` (cut off), `stopped` or `error`. */
  readonly status: TurnStatus;
  readonly error?: CompareError;
}

export type ParsedCompareArguments = { readonly ok: true; readonly value: CompareArguments } | { readonly ok: false; readonly error: string };

/** Checks what a caller passed; the error names what is wrong. */
export function parseCompareArguments(raw: unknown): ParsedCompareArguments {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, error: 'pass { models: string[], question: string, effort?: "low" | "medium" | "high" }' };
  }
  const { models, question, effort } = raw as Record<string, unknown>;
  if (!Array.isArray(models) || !models.every((id) => typeof id === 'string' && id.trim() !== '')) {
    return { ok: false, error: '"models" must be an array of model ids' };
  }
  if (models.length < MIN_COMPARE_MODELS || models.length > MAX_COMPARE_MODELS) {
    return { ok: false, error: `"models" must name ${MIN_COMPARE_MODELS} to ${MAX_COMPARE_MODELS} models (got ${models.length})` };
  }
  if (typeof question !== 'string' || question.trim() === '') return { ok: false, error: '"question" must be a non-empty string' };
  if (question.length > MAX_COMPARE_QUESTION_CHARS) return { ok: false, error: `"question" is longer than ${MAX_COMPARE_QUESTION_CHARS} characters` };
  if (effort !== undefined && !isReasoningEffort(effort)) {
    return { ok: false, error: '"effort" must be "low", "medium" or "high"' };
  }
  return {
    ok: true,
    value: { models: models.map((id: string) => id.trim()), question: question.trim(), ...(effort ? { effort: effort as ReasoningEffort } : {}) },
  };
}

/** A settled (or still running) column as the command's result entry. */
export function compareResult(turn: AssistantTurn): CompareResult {
  const error = turn.status === 'error' && turn.error
    ? {
      kind: turn.error.kind,
      message: turn.error.message,
      ...(turn.error.serverMessage ? { serverMessage: turn.error.serverMessage } : {}),
      ...(turn.error.status !== undefined ? { status: turn.error.status } : {}),
    }
    : undefined;
  return {
    modelId: turn.modelId,
    text: turn.text,
    elapsedMs: turn.elapsedMs ?? 0,
    ...(turn.usage ? { usage: turn.usage } : {}),
    status: turn.status,
    ...(error ? { error } : {}),
  };
}

/** Whether an answer can be kept: it finished, or was cut off or stopped with some text. */
export function canKeep(turn: AssistantTurn): boolean {
  return turn.text.trim() !== '' && turn.status !== 'streaming' && turn.status !== 'error';
}

/**
 * The conversation a kept answer continues as: the question with its code,
 * then that model's answer, so the next message goes on from there.
 */
export function keptConversation(question: string, context: readonly CodeContext[], answer: AssistantTurn, now = Date.now()): Conversation {
  const conversation = createConversation(now);
  addUserTurn(conversation, question, context, now);
  const copy = JSON.parse(JSON.stringify(answer)) as AssistantTurn;
  delete copy.progress;
  conversation.turns.push(copy);
  conversation.updatedAt = now;
  return conversation;
}

/** Which finished columns were fastest and cheapest (ties share the mark); none until two have finished, or when all tie. */
export function standouts(turns: readonly AssistantTurn[]): { readonly fastest: readonly string[]; readonly cheapest: readonly string[] } {
  const finished = turns.filter((turn) => turn.status === 'complete' && turn.elapsedMs !== undefined);
  if (finished.length < 2) return { fastest: [], cheapest: [] };
  const best = (value: (turn: AssistantTurn) => number | undefined): string[] => {
    const scored = finished.map((turn) => ({ id: turn.id, value: value(turn) })).filter((s): s is { id: string; value: number } => s.value !== undefined);
    if (scored.length < 2) return [];
    const min = Math.min(...scored.map((s) => s.value));
    const winners = scored.filter((s) => s.value === min).map((s) => s.id);
    return winners.length === scored.length ? [] : winners;
  };
  return { fastest: best((turn) => turn.elapsedMs), cheapest: best((turn) => turn.usage?.costUsd) };
}

/** What a comparison asks: the question and its code, of each model, at one effort. */
export interface CompareRequest {
  readonly question: string;
  readonly context: readonly CodeContext[];
  readonly modelIds: readonly string[];
  readonly effort: ReasoningEffort;
}

/**
 * A Compare Models tab as the workspace keeps it, so that it comes back after a reload with its
 * answers: finished columns as they ended, a column the gateway runs as a background job still
 * waiting for it, and a column that was streaming marked interrupted (Retry asks again).
 */
export interface SavedComparison {
  readonly id: string;
  readonly request: CompareRequest;
  readonly columns: readonly { readonly turn: AssistantTurn; readonly kept: boolean }[];
  readonly savedAt: number;
}

/** How many comparisons a workspace keeps (the most recently changed). */
export const MAX_SAVED_COMPARISONS = 20;

/** A saved comparison read back, checked field by field; undefined when its shape is wrong. */
export function parseSavedComparison(value: unknown): SavedComparison | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, request, columns, savedAt } = value as Record<string, unknown>;
  if (typeof id !== 'string' || !/^[\w-]{1,80}$/.test(id) || typeof savedAt !== 'number' || typeof request !== 'object' || request === null) return undefined;
  const { question, context, modelIds, effort } = request as Record<string, unknown>;
  if (typeof question !== 'string' || !Array.isArray(context) || !context.every(isCodeContext) || !isReasoningEffort(effort)) return undefined;
  if (!Array.isArray(modelIds) || !modelIds.every((model) => typeof model === 'string')) return undefined;
  if (!Array.isArray(columns) || columns.length > MAX_COMPARE_MODELS) return undefined;
  const turns = columns.map((column: unknown) => (typeof column === 'object' && column !== null ? column as Record<string, unknown> : {}));
  if (!turns.every((column) => isChatTurn(column.turn) && (column.turn as { role: string }).role === 'assistant' && typeof column.kept === 'boolean')) return undefined;
  return value as SavedComparison;
}

/** The columns of a comparison coming back: a copy, with an answer no job carries on marked interrupted. */
export function restoredColumns(saved: SavedComparison): { turn: AssistantTurn; kept: boolean }[] {
  return saved.columns.map((column) => {
    const turn = JSON.parse(JSON.stringify(column.turn)) as AssistantTurn;
    delete turn.progress;
    markInterrupted(turn);
    return { turn, kept: column.kept };
  });
}
