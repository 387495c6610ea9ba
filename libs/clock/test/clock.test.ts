// The real clock must honour delays longer than setTimeout's 32-bit limit: credentials expire and rotate weeks out.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { every, setLongTimeout, systemClock } from '../src/index.js';

const day = 24 * 3600 * 1000;

describe('systemClock', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits the whole of a 30-day delay instead of firing at once', () => {
    const fired = vi.fn();
    systemClock.after(30 * day, fired);
    vi.advanceTimersByTime(29 * day);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(day);
    expect(fired).toHaveBeenCalledOnce();
  });

  it('cancels a long delay even after it re-armed', () => {
    const fired = vi.fn();
    const cancel = setLongTimeout(fired, 60 * day);
    vi.advanceTimersByTime(30 * day);
    cancel();
    vi.advanceTimersByTime(31 * day);
    expect(fired).not.toHaveBeenCalled();
  });

  it('repeats with every() until stopped', () => {
    const tick = vi.fn();
    const stop = every(systemClock, 1000, tick);
    vi.advanceTimersByTime(3500);
    expect(tick).toHaveBeenCalledTimes(3);
    stop();
    vi.advanceTimersByTime(5000);
    expect(tick).toHaveBeenCalledTimes(3);
  });
});
