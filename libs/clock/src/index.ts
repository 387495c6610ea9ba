// Injected time: services read `now()` and schedule with `after()`, so tests drive a fake clock instead of sleeping.

export interface Clock {
  now(): Date;
  /** Runs fn once after ms; returns a function that cancels it. */
  after(ms: number, fn: () => void): () => void;
}

// setTimeout fires at once for delays past 2^31-1 ms (~24.8 days); credential expiry and rotation are further out.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * setTimeout for any delay: a long one is re-armed in steps until it is due. The timer is unref'd, so a pending
 * flush, ping or rotation never keeps a stopping process alive. Returns a function that cancels it.
 */
export function setLongTimeout(fn: () => void, ms: number): () => void {
  const due = Date.now() + ms;
  let timer: ReturnType<typeof setTimeout>;
  const arm = (): void => {
    const left = due - Date.now();
    timer = setTimeout(left > MAX_TIMEOUT_MS ? arm : fn, Math.min(Math.max(left, 0), MAX_TIMEOUT_MS));
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}

export const systemClock: Clock = {
  now: () => new Date(),
  after: (ms, fn) => setLongTimeout(fn, ms),
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
