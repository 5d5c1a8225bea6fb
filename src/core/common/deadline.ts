/** Time as a deadline sees it: a monotonic reading and a timer (a test may hold both). */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Calls `callback` after about `ms` (later when the thread is busy); the returned function cancels it. */
  after(ms: number, callback: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  after: (ms, callback) => {
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
};

/** Thrown by `Deadline.step` once the time is up: the work that asked is dropped. */
export class TimeUp extends Error {
  constructor() {
    super('the time limit was reached');
  }
}

/**
 * A time limit for work made of awaited steps. A timer that fires late (the
 * thread was busy) does not stretch it: every step checks the clock itself
 * before it starts and when its answer arrives, so nothing is begun or kept
 * after the limit, and a step still pending then is abandoned, not awaited.
 */
export class Deadline {
  private readonly end: number;
  private readonly cancelTimer: () => void;
  private readonly expired: Promise<TimeUp>;
  private timerFired = false;

  constructor(limitMs: number, private readonly clock: Clock = systemClock) {
    this.end = clock.now() + limitMs;
    let cancel = () => {};
    this.expired = new Promise((resolve) => {
      cancel = clock.after(Math.max(0, limitMs), () => {
        this.timerFired = true;
        resolve(new TimeUp());
      });
    });
    this.cancelTimer = cancel;
  }

  get passed(): boolean {
    return this.timerFired || this.clock.now() >= this.end;
  }

  /** The answer of `work`, or TimeUp thrown: before it starts, while it is pending, or when it answers late. */
  async step<T>(work: () => PromiseLike<T> | T): Promise<T> {
    if (this.passed) throw new TimeUp();
    const answer = await Promise.race([Promise.resolve(work()).then((value) => ({ value })), this.expired]);
    if (answer instanceof TimeUp || this.passed) throw new TimeUp();
    return answer.value;
  }

  /** Stops the timer (the work ended, or was given up). */
  dispose(): void {
    this.cancelTimer();
  }
}
