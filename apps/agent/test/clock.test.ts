// The real clock must honour delays longer than setTimeout's 32-bit limit: credential rotation is weeks away.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../src/clock.js';

describe('systemClock', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits the whole of a 30-day delay instead of firing at once', () => {
    const fired = vi.fn();
    systemClock.setTimer(30 * 24 * 3600 * 1000, fired);
    vi.advanceTimersByTime(29 * 24 * 3600 * 1000);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(24 * 3600 * 1000);
    expect(fired).toHaveBeenCalledOnce();
  });

  it('cancels a long delay even after it re-armed', () => {
    const fired = vi.fn();
    const timer = systemClock.setTimer(60 * 24 * 3600 * 1000, fired);
    vi.advanceTimersByTime(30 * 24 * 3600 * 1000);
    timer.cancel();
    vi.advanceTimersByTime(31 * 24 * 3600 * 1000);
    expect(fired).not.toHaveBeenCalled();
  });
});
