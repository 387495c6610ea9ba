// Time for the simulator: a Clock gives `now()` and timers, so tests and controllers run on the same (possibly fake) time.
// Tests pass @flotilla/testkit's FakeClock (re-exported from this package's index), which has exactly this shape.

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
