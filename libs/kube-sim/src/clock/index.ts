// Time for the simulator: a Clock gives `now()` and timers, so tests and controllers run on the same (possibly fake) time.

/** Cancels a timer started with `Clock.after`; calling it twice is harmless. */
export type CancelTimer = () => void;

export interface Clock {
  now(): Date;
  /** Runs `fn` once, `ms` milliseconds of this clock's time from now. */
  after(ms: number, fn: () => void): CancelTimer;
}

/** Wall-clock time and real timers (unref'd, so a forgotten timer never keeps the process alive). */
export class RealClock implements Clock {
  now(): Date {
    return new Date();
  }

  after(ms: number, fn: () => void): CancelTimer {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return () => clearTimeout(t);
  }
}

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * Manual time for tests: nothing happens until `advance(ms)` (or `set`), which runs every due timer in time order,
 * each seeing `now()` equal to its own due time. Timers scheduled by a running timer run in the same advance if due.
 */
export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(start: Date | string = '2026-01-01T00:00:00Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  after(ms: number, fn: () => void): CancelTimer {
    const timer: Timer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Moves time forward by `ms`, firing due timers in order. */
  advance(ms: number): void {
    this.set(new Date(this.current + ms));
  }

  /** Moves time forward to `date` (never backwards), firing due timers in order. */
  set(date: Date): void {
    const target = date.getTime();
    for (;;) {
      const next = this.nextDue(target);
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = Math.max(this.current, next.at);
      next.fn();
    }
    this.current = Math.max(this.current, target);
  }

  /** Number of timers waiting; lets a test assert that a controller scheduled (or cancelled) work. */
  pendingTimers(): number {
    return this.timers.length;
  }

  private nextDue(target: number): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers) {
      if (t.at > target) continue;
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best;
  }
}
