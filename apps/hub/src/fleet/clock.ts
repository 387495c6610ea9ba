// Injected time: the hub's services read `now()` and schedule with `after()`, so tests drive a FakeClock instead of sleeping.

export interface Clock {
  now(): Date;
  /** Runs fn once after ms; returns a function that cancels it. */
  after(ms: number, fn: () => void): () => void;
}

// setTimeout fires at once for delays past 2^31-1 ms (~24.8 days); a credential's expiry is further away than that.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => new Date(),
  after(ms, fn) {
    const due = Date.now() + ms;
    let timer: ReturnType<typeof setTimeout>;
    const arm = (): void => {
      const left = due - Date.now();
      timer = setTimeout(left > MAX_TIMEOUT_MS ? arm : fn, Math.min(Math.max(left, 0), MAX_TIMEOUT_MS));
      // A pending flush or ping must not keep a stopping process alive.
      timer.unref();
    };
    arm();
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
