import type { Clock } from '../../../src/core/common/deadline';

/** A clock the test moves, with a timer that fires only when the test says: a busy host fires it late, or not yet. */
export class HeldClock implements Clock {
  time = 0;
  private readonly timers: { at: number; callback: () => void; cancelled: boolean }[] = [];
  now(): number { return this.time; }
  after(ms: number, callback: () => void): () => void {
    const timer = { at: this.time + ms, callback, cancelled: false };
    this.timers.push(timer);
    return () => { timer.cancelled = true; };
  }
  /** Fires the timers that are due. */
  fire(): void {
    for (const timer of this.timers) if (!timer.cancelled && timer.at <= this.time) timer.callback();
  }
}
