// Injected time: the hub's services read `now()` and schedule with `after()`, so tests drive a FakeClock instead of sleeping.

export interface Clock {
  now(): Date;
  /** Runs fn once after ms; returns a function that cancels it. */
  after(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => new Date(),
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    // A pending flush or ping must not keep a stopping process alive.
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** Calls fn every ms on clock until the returned function is called. */
export function every(clock: Clock, ms: number, fn: () => void): () => void {
  let cancel: () => void = () => undefined;
  let stopped = false;
  const arm = (): void => {
    cancel = clock.after(ms, () => {
      if (stopped) return;
      arm();
      fn();
    });
  };
  arm();
  return () => {
    stopped = true;
    cancel();
  };
}
