/**
 * The one way an answer runs, for every surface that shows one (the chat, inline threads,
 * Compare Models, a background answer opened in the chat): the request goes through the
 * request runner, each stream event is folded into the turn by {@link applyStreamEvent} (the
 * turn is where the answer's text accumulates: the runner's own copy is not read back), text
 * goes out in batches, and the run's result settles the turn once by {@link settleTurn}.
 * The surfaces keep only how they show and keep the turn.
 */
import type { AssistantTurn } from './conversation';
import type { DeltaBatcher } from './deltaBatcher';
import { applyStreamEvent, settleTurn, type AnswerChange, type TurnOutcome } from './turnReducer';
import type { StreamEvent } from './types';

/** What runTurn hands the runner besides the surface's own request. */
export interface TurnRunHooks {
  readonly signal: AbortSignal;
  readonly onEvent: (event: StreamEvent) => void;
}

/** The parts of a run's result that are not in its stream (the request runner's RunResult is one). */
export interface TurnRunResult {
  /** An ApiError, or anything else that ended the run. */
  readonly error?: unknown;
  readonly notice?: string;
  readonly elapsedMs: number;
  readonly model?: { readonly label?: string };
  /** The window closed while the gateway's background job ran on: the turn waits for it, still streaming. */
  readonly detached?: boolean;
}

/** The request runner, as far as runTurn needs it. */
export interface TurnRequestRunner<Request> {
  run(request: Request & TurnRunHooks): Promise<TurnRunResult>;
}

export interface RunTurnOptions<Request extends { readonly resumeJob?: string }> {
  readonly runner: TurnRequestRunner<Request>;
  /** The streaming turn the answer goes into. */
  readonly turn: AssistantTurn;
  /** The surface's request (typed by the runner); `resumeJob` fetches a background answer, whose time counts from when the turn was asked. */
  readonly request: NoInfer<Request>;
  /** Aborting it stops the answer at once: the turn is settled as stopped, keeping what arrived. */
  readonly signal: AbortSignal;
  /** Streamed text and reasoning go here, to be handed on in batches; flushed before every other change. */
  readonly deltas?: DeltaBatcher;
  /** After each event was folded into the turn (also for usage and request ids that arrive after a stop). */
  readonly onChange?: (change: AnswerChange, event: StreamEvent) => void;
  /** Once, when the turn has ended (complete, cut off, stopped, failed) or waits for a detached background job. */
  readonly onSettled?: (turn: AssistantTurn, outcome: TurnOutcome) => void;
  /** Keeps the turn while it streams: on a background job's id (a reload then fetches it), and every `everyMs`. */
  readonly checkpoint?: { readonly everyMs: number; readonly save: () => void };
}

/** A run's result as the turn is settled with it. `elapsedMs`: the turn's time when it is not the run's. */
export function turnOutcome(result: TurnRunResult, elapsedMs = result.elapsedMs): TurnOutcome {
  return { error: result.error, notice: result.notice, elapsedMs, modelLabel: result.model?.label, detached: result.detached };
}

/** Events that still say something about a stopped answer: what it used, and which request it was. */
const LATE_EVENTS: ReadonlySet<StreamEvent['type']> = new Set(['usage', 'request', 'error']);

/**
 * Runs the turn's request and resolves with the turn once the runner has ended (a stopped
 * turn is settled, and `onSettled` called, as soon as the signal aborts). Never rejects:
 * a runner that throws ends the turn as failed.
 */
export async function runTurn<Request extends { readonly resumeJob?: string }>(options: RunTurnOptions<Request>): Promise<AssistantTurn> {
  const { turn, request, signal, deltas, checkpoint } = options;
  const fetched = request.resumeJob !== undefined;
  let settled = false;
  let lastCheckpoint = Date.now();

  const settle = (outcome: TurnOutcome): void => {
    if (settled) return;
    settled = true;
    deltas?.flush();
    settleTurn(turn, outcome);
    options.onSettled?.(turn, outcome);
  };
  const sinceAsked = () => Date.now() - turn.createdAt;
  const onAbort = () => settle({ stopped: true, elapsedMs: sinceAsked() });

  const onEvent = (event: StreamEvent): void => {
    if (settled && !LATE_EVENTS.has(event.type)) return;
    const change = applyStreamEvent(turn, event);
    if (!settled && deltas && (change === 'text' || change === 'reasoning')) {
      deltas.add(change === 'text' && event.type === 'text' ? event.delta : '', change === 'reasoning' && event.type === 'reasoning' ? event.delta : '');
    } else if (change !== 'none') {
      deltas?.flush();
    }
    options.onChange?.(change, event);
    if (checkpoint && (settled || event.type === 'background' || Date.now() - lastCheckpoint > checkpoint.everyMs)) {
      lastCheckpoint = Date.now();
      checkpoint.save();
    }
  };

  if (signal.aborted) onAbort();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await options.runner.run({ ...request, signal, onEvent });
    settle(turnOutcome(result, fetched ? sinceAsked() : result.elapsedMs));
  } catch (thrown) {
    settle({ error: thrown, elapsedMs: sinceAsked() });
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return turn;
}
