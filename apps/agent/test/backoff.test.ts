// Jittered exponential backoff: grows by the factor, is capped, and randomizes only the jitter share.
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../src/clock.js';

const policy = { initialMs: 100, maxMs: 5_000, factor: 2, jitter: 0.5 };

describe('backoffDelay', () => {
  it.each([
    [0, 1, 100],
    [1, 1, 200],
    [3, 1, 800],
    [10, 1, 5_000],
    [1_000, 1, 5_000],
    [0, 0, 50],
    [3, 0, 400],
    [3, 0.5, 600],
  ])('attempt %i with random %d waits %i ms', (attempt, r, expected) => {
    expect(backoffDelay(attempt, policy, () => r)).toBe(expected);
  });

  it('stays within [delay * (1 - jitter), delay] whatever the random source says', () => {
    for (const r of [-1, 0.3, 7]) {
      const d = backoffDelay(2, policy, () => r);
      expect(d).toBeGreaterThanOrEqual(200);
      expect(d).toBeLessThanOrEqual(400);
    }
  });
});
