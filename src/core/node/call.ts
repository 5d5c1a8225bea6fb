/**
 * One `stream()` call's state and its waiting: the abort controller linked to the caller's
 * signal, the start time, the key (for redaction), the request id, and the waits that keep
 * `progress` events coming while nothing arrives.
 */

import { ApiError } from '../common/errors';
import type { Logger } from '../common/logger';
import { redact } from '../common/redact';
import type { StreamEvent, Usage } from '../common/types';
import { usageLogFields } from '../common/usageText';
import type { ToolCallContext } from './toolCalls';

export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export interface CallPacing {
  /** Interval of `progress` events while nothing arrives. */
  readonly progressIntervalMs: number;
  /** Waits between attempts and polls. Must reject when `signal` aborts. */
  readonly sleep: Sleep;
  /** The longest a call may take, all its attempts, waits and polls included. */
  readonly deadlineMs: number;
}

/** A wait as people read it in the log and in progress lines: "250 ms", "12 s". */
export function formatWait(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

export function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

const TICK = Symbol('tick');

interface Waiter {
  readonly resolve: (value: typeof TICK) => void;
  readonly reject: (error: unknown) => void;
}

export class Call {
  readonly controller = new AbortController();
  readonly started = Date.now();
  key: string | undefined;
  requestId: string | undefined;
  /** The deadline, not the caller, aborted the call. */
  deadlineReached = false;
  private readonly unlink: () => void;
  private readonly deadline: NodeJS.Timeout;
  private readonly waiters = new Set<Waiter>();
  private tickTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly label: string, private readonly logger: Logger, external: AbortSignal | undefined, private readonly pacing: CallPacing,
    /** Names of the tools the request offered: the only calls handed on. */
    private readonly tools: ReadonlySet<string> = new Set(),
  ) {
    if (external) {
      if (external.aborted) this.controller.abort(external.reason);
      const onAbort = (): void => this.controller.abort(external.reason);
      external.addEventListener('abort', onAbort, { once: true });
      this.unlink = () => external.removeEventListener('abort', onAbort);
    } else {
      this.unlink = () => {};
    }
    this.deadline = setTimeout(() => {
      if (this.aborted) return;
      this.deadlineReached = true;
      this.controller.abort(new Error('the request passed its deadline'));
    }, pacing.deadlineMs);
    this.deadline.unref();
    this.controller.signal.addEventListener('abort', () => this.cancelWaits(), { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  elapsed(): number {
    return Date.now() - this.started;
  }

  progress(status: string): StreamEvent {
    return { type: 'progress', elapsedMs: this.elapsed(), status };
  }

  /** The request id, model label and offered tools, as the translators of answers want them. */
  toolCallContext(): ToolCallContext {
    return {
      requestId: this.requestId, model: this.label, tools: this.tools,
      onDroppedCall: (name) => this.log('warn', `${this.label} called “${name.slice(0, 80)}”, a tool the request did not offer; the call was dropped.`),
    };
  }

  /** Every line passes through `redact` with this call's key. */
  log(level: keyof Logger, message: string): void {
    this.logger[level](redact(message, this.key));
  }

  close(): void {
    clearTimeout(this.deadline);
    clearTimeout(this.tickTimer);
    this.unlink();
    if (!this.controller.signal.aborted) this.controller.abort(new Error('call finished'));
  }

  /** Await a promise, yielding `progress` every interval meanwhile. Rejections propagate; aborting rejects with `cancelled`. */
  async *waitFor<T>(promise: Promise<T>, status: () => string): AsyncGenerator<StreamEvent, T, undefined> {
    promise.catch(() => undefined); // observed below; avoids an unhandled rejection if the caller stops early
    for (;;) {
      const result = await this.settleOrTick(promise);
      if (result !== TICK) return result as T;
      yield this.progress(status());
    }
  }

  /**
   * `promise`'s outcome, or TICK once an interval passes without it, or `cancelled` on abort. A stream waits
   * once per read (a thousand times a second for a fast answer), so the waits share one timer, re-armed in
   * place, and one abort listener, instead of making a timer, a listener and three promises each.
   */
  private settleOrTick<T>(promise: Promise<T>): Promise<T | typeof TICK> {
    if (this.aborted) return Promise.reject(ApiError.cancelled());
    return new Promise<T | typeof TICK>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject };
      this.waiters.add(waiter);
      if (this.tickTimer) this.tickTimer.refresh();
      else this.tickTimer = setTimeout(() => this.tick(), this.pacing.progressIntervalMs);
      promise.then(
        (value) => this.waiters.delete(waiter) && resolve(value),
        (error: unknown) => this.waiters.delete(waiter) && reject(error),
      );
    });
  }

  private tick(): void {
    for (const waiter of this.waiters) waiter.resolve(TICK);
    this.waiters.clear();
  }

  private cancelWaits(): void {
    for (const waiter of this.waiters) waiter.reject(ApiError.cancelled());
    this.waiters.clear();
  }

  /** An abortable wait with `progress` events. */
  async *pause(ms: number, status: (leftMs: number) => string): AsyncGenerator<StreamEvent, void, undefined> {
    const until = Date.now() + ms;
    yield this.progress(status(ms));
    yield* this.waitFor(this.pacing.sleep(ms, this.signal), () => status(Math.max(0, until - Date.now())));
  }

  /** Pass the events of a finished answer on, logging the finish with its usage. */
  *emitFinal(events: readonly StreamEvent[]): Generator<StreamEvent, void, undefined> {
    for (const event of events) {
      if (event.type === 'finish') {
        const usage = events.find((e): e is Extract<StreamEvent, { type: 'usage' }> => e.type === 'usage')?.usage;
        this.log('info', `${this.label}: finished (${event.reason}) in ${this.elapsed()} ms, ${describeUsage(usage)}${this.requestId ? `, request ${this.requestId}` : ''}`);
      }
      yield event;
    }
  }
}

function describeUsage(usage: Usage | undefined): string {
  return usage ? `tokens ${usageLogFields(usage)}` : 'usage unknown';
}
