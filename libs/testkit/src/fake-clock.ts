// Manual time for tests of code that takes an injected clock: nothing fires until the test moves time forward.
// The one FakeClock: shaped like the hub's and @flotilla/kube-sim's Clock (now(): Date, after(ms, fn) -> cancel), and
// re-exported by @flotilla/kube-sim, so one instance can drive a hub and its simulated clusters together.

export type CancelTimer = () => void;

/** Opaque id returned by schedule(); pass it to cancel(). */
export type TimerId = number;

interface Timer {
  id: TimerId;
  at: number;
  fn: () => void;
}

export class FakeClock {
  private current: number;
  private nextId = 1;
  private readonly timers = new Map<TimerId, Timer>();

  constructor(start: Date | string | number = '2026-01-01T00:00:00Z') {
    this.current = new Date(start).getTime();
    if (Number.isNaN(this.current)) throw new Error(`FakeClock: invalid start time ${String(start)}`);
  }

  now(): Date {
    return new Date(this.current);
  }

  nowMs(): number {
    return this.current;
  }

  /** Like setTimeout: runs fn once when time reaches now + delayMs (negative delays count as 0). */
  schedule(fn: () => void, delayMs: number): TimerId {
    const id = this.nextId++;
    this.timers.set(id, { id, at: this.current + Math.max(0, delayMs), fn });
    return id;
  }

  /** Like clearTimeout: unknown or already fired ids are ignored. */
  cancel(id: TimerId): void {
    this.timers.delete(id);
  }

  after(ms: number, fn: () => void): CancelTimer {
    const id = this.schedule(fn, ms);
    return () => this.cancel(id);
  }

  /**
   * Moves time forward by ms, firing due timers in due-time order (ties in scheduling order), each seeing now() equal to
   * its own due time. Timers scheduled by a firing timer fire in the same advance when they fall due within it.
   */
  advance(ms: number): void {
    const target = this.target(ms);
    for (let t = this.nextDue(target); t; t = this.nextDue(target)) this.fire(t);
    this.current = target;
  }

  /** Moves time forward to `date`, firing due timers like advance; a date in the past fires nothing and keeps the time. */
  set(date: Date): void {
    this.advance(Math.max(0, date.getTime() - this.current));
  }

  /** Like advance, but lets pending promise callbacks and I/O run before each timer and at the end, for async code. */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.target(ms);
    await settle();
    for (let t = this.nextDue(target); t; t = this.nextDue(target)) {
      this.fire(t);
      await settle();
    }
    this.current = target;
  }

  /** Number of timers waiting, so a test can check that code scheduled (or cancelled) work. */
  pendingTimers(): number {
    return this.timers.size;
  }

  private target(ms: number): number {
    if (!(ms >= 0)) throw new Error(`FakeClock.advance: ms must be a non-negative number, got ${ms}`);
    return this.current + ms;
  }

  private fire(timer: Timer): void {
    this.timers.delete(timer.id);
    this.current = timer.at;
    timer.fn();
  }

  private nextDue(target: number): Timer | undefined {
    let best: Timer | undefined;
    // Map iteration follows insertion order, which is id order: the first timer seen wins a tie.
    for (const t of this.timers.values()) if (t.at <= target && (!best || t.at < best.at)) best = t;
    return best;
  }
}

/** One turn of the event loop: every queued microtask and ready I/O callback runs first. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
