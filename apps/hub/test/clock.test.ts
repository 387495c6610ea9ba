// The real clock must honour delays longer than setTimeout's 32-bit limit: a credential expires 30 days out.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../src/fleet/index.js';

describe('systemClock', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits the whole of a 30-day delay instead of firing at once', () => {
    const fired = vi.fn();
    systemClock.after(30 * 24 * 3600 * 1000, fired);
    vi.advanceTimersByTime(29 * 24 * 3600 * 1000);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(24 * 3600 * 1000);
    expect(fired).toHaveBeenCalledOnce();
  });

  it('cancels a long delay even after it re-armed', () => {
    const fired = vi.fn();
    const cancel = systemClock.after(60 * 24 * 3600 * 1000, fired);
    vi.advanceTimersByTime(30 * 24 * 3600 * 1000);
    cancel();
    vi.advanceTimersByTime(31 * 24 * 3600 * 1000);
    expect(fired).not.toHaveBeenCalled();
  });
});
