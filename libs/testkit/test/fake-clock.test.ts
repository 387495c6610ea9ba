import { describe, expect, it } from 'vitest';
import { FakeClock } from '../src/index.js';

describe('FakeClock', () => {
  it('starts at the given time and only moves when advanced', () => {
    const clock = new FakeClock('2026-03-01T12:00:00Z');
    expect(clock.now().toISOString()).toBe('2026-03-01T12:00:00.000Z');
    clock.advance(1_500);
    expect(clock.now().toISOString()).toBe('2026-03-01T12:00:01.500Z');
    expect(clock.nowMs()).toBe(Date.parse('2026-03-01T12:00:01.500Z'));
  });

  it('fires due timers in due-time order, ties in scheduling order, each seeing its own due time', () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    const note = (name: string) => () => fired.push(`${name}@${clock.nowMs()}`);
    clock.schedule(note('c'), 300);
    clock.schedule(note('a'), 100);
    clock.schedule(note('b1'), 200);
    clock.schedule(note('b2'), 200);
    clock.schedule(note('late'), 1_000);
    clock.advance(300);
    expect(fired).toEqual(['a@100', 'b1@200', 'b2@200', 'c@300']);
    expect(clock.nowMs()).toBe(300);
    expect(clock.pendingTimers()).toBe(1);
  });

  it('fires timers scheduled by a firing timer within the same advance when they fall due', () => {
    const clock = new FakeClock(0);
    const fired: number[] = [];
    const tick = (): void => {
      fired.push(clock.nowMs());
      clock.schedule(tick, 100);
    };
    clock.schedule(tick, 100);
    clock.advance(350);
    expect(fired).toEqual([100, 200, 300]);
    expect(clock.pendingTimers()).toBe(1);
  });

  it('cancel() and the after() canceller stop a timer from firing', () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    const id = clock.schedule(() => fired.push('schedule'), 10);
    const cancel = clock.after(10, () => fired.push('after'));
    clock.after(10, () => fired.push('kept'));
    clock.cancel(id);
    cancel();
    cancel();
    clock.advance(10);
    expect(fired).toEqual(['kept']);
  });

  it('advanceAsync lets async work started by one timer finish before the next fires', async () => {
    const clock = new FakeClock(0);
    const log: string[] = [];
    clock.schedule(() => {
      void Promise.resolve().then(async () => {
        await Promise.resolve();
        log.push(`async done@${clock.nowMs()}`);
      });
    }, 10);
    clock.schedule(() => log.push(`second@${clock.nowMs()}`), 20);
    await clock.advanceAsync(20);
    expect(log).toEqual(['async done@10', 'second@20']);
  });

  it('set() moves forward to a date firing due timers, and never moves backwards', () => {
    const clock = new FakeClock(0);
    const fired: number[] = [];
    clock.after(100, () => fired.push(clock.nowMs()));
    clock.after(500, () => fired.push(clock.nowMs()));
    clock.set(new Date(200));
    expect(fired).toEqual([100]);
    expect(clock.nowMs()).toBe(200);
    clock.set(new Date(50));
    expect(clock.nowMs()).toBe(200);
    expect(clock.pendingTimers()).toBe(1);
  });

  it('refuses to move backwards', () => {
    expect(() => new FakeClock(0).advance(-1)).toThrow(/non-negative/);
  });
});
