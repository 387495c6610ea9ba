// Status goes to the hub on change, debounced, as a complete report; observation time alone is no change.
import { describe, expect, it } from 'vitest';
import type { Clock } from '../src/clock.js';
import { StatusReporter } from '../src/status/index.js';
import type { AppStatusValue } from '../src/status/index.js';

class ManualClock implements Clock {
  private time = 0;
  private timers: Array<{ at: number; run: () => void; live: boolean }> = [];
  now = () => new Date(this.time);
  setTimer(ms: number, run: () => void) {
    const timer = { at: this.time + ms, run, live: true };
    this.timers.push(timer);
    return { cancel: () => void (timer.live = false) };
  }
  advance(ms: number) {
    this.time += ms;
    for (const t of this.timers.filter((x) => x.live && x.at <= this.time)) {
      t.live = false;
      t.run();
    }
  }
}

const status = (app: string, sync: AppStatusValue['sync'], at = 0): AppStatusValue => ({
  app,
  observedGeneration: 1n,
  observedCommit: 'c'.repeat(40),
  sync,
  syncError: '',
  syncRetryable: false,
  health: { status: 'Healthy', message: 'ok' },
  resources: [],
  manifestDigest: '',
  drift: [],
  observedAt: new Date(at),
});

describe('StatusReporter', () => {
  it('sends one complete report after changes settle', () => {
    const clock = new ManualClock();
    const sent: string[][] = [];
    const reporter = new StatusReporter({ clock, debounceMs: 100, send: (r) => (sent.push(r.map((s) => `${s.app}:${s.sync}`)), true) });
    reporter.update([status('b', 'OutOfSync')]);
    clock.advance(50);
    reporter.update([status('b', 'Synced'), status('a', 'Synced')]);
    expect(sent).toEqual([]);
    clock.advance(60);
    expect(sent).toEqual([['a:Synced', 'b:Synced']]);
  });

  it('does not resend when only the observation time changed', () => {
    const clock = new ManualClock();
    let sends = 0;
    const reporter = new StatusReporter({ clock, debounceMs: 10, send: () => (sends++, true) });
    reporter.update([status('a', 'Synced', 1)]);
    clock.advance(10);
    reporter.update([status('a', 'Synced', 2)]);
    clock.advance(10);
    expect(sends).toBe(1);
  });

  it('sends again after a failed delivery once the session is back (flush)', () => {
    const clock = new ManualClock();
    let connected = false;
    const delivered: number[] = [];
    const reporter = new StatusReporter({ clock, debounceMs: 10, send: (r) => (connected ? (delivered.push(r.length), true) : false) });
    reporter.update([status('a', 'Failed')]);
    clock.advance(10);
    expect(delivered).toEqual([]);
    connected = true;
    reporter.flush();
    expect(delivered).toEqual([1]);
  });
});
