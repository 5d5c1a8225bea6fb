/**
 * The one place where stream events become an answer. Every surface's turn
 * (through runTurn.ts) and the client's collected answer fold events with
 * {@link applyStreamEvent}, and a turn ends with {@link settleTurn}, so they
 * cannot disagree about text, reasoning, usage or status.
 */
import { type AssistantTurn, type TurnError, statusFor } from './conversation';
import { isApiError } from './errors';
import { isErrorActionId } from './errorPresenter';
import type { FinishReason, StreamEvent, Usage } from './types';

/** The parts of an answer that stream in: an AssistantTurn is one, so is the client's collected answer. */
export interface AnswerParts {
  text: string;
  reasoning: string;
  usage?: Usage;
  finish?: FinishReason;
  requestId?: string;
  /** What the gateway is doing while no text arrives (waiting, retrying, polling). */
  progress?: string;
  /** The gateway's background job for this answer while it runs (o3-pro), kept so a reload can fetch it. */
  jobId?: string;
}

/** What an event changed, so a surface can redraw only that. */
export type AnswerChange = 'text' | 'reasoning' | 'usage' | 'progress' | 'meta' | 'none';

export function applyStreamEvent(answer: AnswerParts, event: StreamEvent): AnswerChange {
  switch (event.type) {
    case 'text':
      answer.text += event.delta;
      delete answer.progress;
      return 'text';
    case 'reasoning':
      answer.reasoning += event.delta;
      return 'reasoning';
    case 'usage':
      answer.usage = event.usage;
      return 'usage';
    case 'progress':
      answer.progress = event.status;
      return 'progress';
    case 'request':
      if (event.requestId) answer.requestId = event.requestId;
      return 'meta';
    case 'background':
      if (event.responseId) answer.jobId = event.responseId;
      else delete answer.jobId;
      return 'meta';
    case 'finish':
      answer.finish = event.reason;
      return 'meta';
    case 'error':
      // The failure itself is settled once, by settleTurn, from the run's result.
      if (event.error.requestId && !answer.requestId) answer.requestId = event.error.requestId;
      return 'none';
    case 'toolCall':
      // Only VS Code's language-model API offers tools; Reasoner's own surfaces never get calls.
      return 'none';
  }
}

/** How a run ended, as the request runner reports it. */
export interface TurnOutcome {
  /** An ApiError from the runner, or anything thrown on the way. */
  readonly error?: unknown;
  /** The person stopped it (Stop, Cancel, Escape). */
  readonly stopped?: boolean;
  readonly elapsedMs: number;
  readonly notice?: string;
  /** The catalog label of the model that answered. */
  readonly modelLabel?: string;
  /** The window closed while the gateway's background job ran on: the turn waits for it, still streaming. */
  readonly detached?: boolean;
}

/**
 * Ends a streaming turn: status, error (with its actions), notice and timing. Its text, reasoning,
 * usage and request id are what the stream folded into it (see runTurn.ts): the run's result is not merged in.
 */
export function settleTurn(turn: AssistantTurn, outcome: TurnOutcome, now = Date.now()): void {
  if (outcome.detached && turn.jobId !== undefined) {
    delete turn.progress;
    return;
  }
  delete turn.jobId;
  if (outcome.modelLabel) turn.modelLabel = outcome.modelLabel;
  const error = outcome.error;
  const cancelled = outcome.stopped === true || (isApiError(error) && error.kind === 'cancelled');
  turn.status = statusFor({ stopped: cancelled, failed: error !== undefined && !cancelled, ...(turn.finish ? { finish: turn.finish } : {}) });
  if (error !== undefined && !cancelled) turn.error = toTurnError(error);
  else delete turn.error;
  if (outcome.notice) turn.notice = outcome.notice;
  else delete turn.notice;
  delete turn.progress;
  turn.completedAt = now;
  turn.elapsedMs = outcome.elapsedMs;
}

/** Puts a settled turn back to streaming, for Retry in place: the prompt stays, the answer starts over. */
export function restartTurn(turn: AssistantTurn, model: { readonly id: string; readonly label?: string }, effort: AssistantTurn['effort'], now = Date.now()): void {
  turn.modelId = model.id;
  if (model.label) turn.modelLabel = model.label;
  else delete turn.modelLabel;
  turn.effort = effort;
  turn.status = 'streaming';
  turn.text = '';
  turn.reasoning = '';
  for (const key of ['completedAt', 'elapsedMs', 'usage', 'finish', 'error', 'requestId', 'notice', 'progress', 'jobId'] as const) delete turn[key];
  (turn as { createdAt: number }).createdAt = now;
}

/** A failure as stored with its turn: serializable, the server's own words kept, the presenter's action ids. */
export function toTurnError(error: unknown): TurnError {
  if (isApiError(error)) {
    const serverMessage = error.serverMessage && !error.userMessage.includes(error.serverMessage) ? error.serverMessage : undefined;
    return {
      kind: error.kind,
      message: error.userMessage,
      ...(serverMessage ? { serverMessage } : {}),
      ...(error.status !== undefined ? { status: error.status } : {}),
      ...(error.requestId ? { requestId: error.requestId } : {}),
      actions: error.actions.filter(isErrorActionId),
    };
  }
  const description = error instanceof Error ? error.message : String(error);
  return { kind: 'internal', message: `The request failed: ${description}`, actions: ['retry', 'openLog'] };
}
