// Time as an injected dependency, so tests drive timers instead of sleeping.
import { setLongTimeout } from '@flotilla/clock';

export interface Timer {
  cancel(): void;
}

export interface Clock {
  now(): Date;
  /** Runs `callback` once after `ms` milliseconds unless cancelled. */
  setTimer(ms: number, callback: () => void): Timer;
}

export const systemClock: Clock = {
  now: () => new Date(),
  setTimer: (ms, callback) => ({ cancel: setLongTimeout(callback, ms) }),
};

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** Growth per attempt. */
  factor: number;
  /** Fraction of the delay drawn at random (0: none, 1: anywhere in [0, delay]). */
  jitter: number;
}

export const defaultBackoff: BackoffPolicy = { initialMs: 1_000, maxMs: 5 * 60_000, factor: 2, jitter: 0.5 };

/**
 * Dialling the hub: a hub that is back should see its agents within seconds, and ten thousand agents should not
 * all knock at once, so the cap is short and half of each delay is random.
 */
export const reconnectBackoff: BackoffPolicy = { initialMs: 500, maxMs: 8_000, factor: 2, jitter: 0.5 };

/** The delay before retry number `attempt` (0-based): exponential, capped, with the top `jitter` share randomized. */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const base = Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.min(attempt, 64));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(base * (1 - policy.jitter + policy.jitter * r));
}
