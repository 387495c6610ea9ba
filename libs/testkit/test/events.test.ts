import { EventEmitter } from 'node:events';
import { setImmediate } from 'node:timers';
import { describe, expect, it } from 'vitest';
import { onceEvent, waitFor } from '../src/index.js';

describe('onceEvent', () => {
  it('resolves with the arguments of the next event and stops listening', async () => {
    const emitter = new EventEmitter();
    const next = onceEvent<[string, number]>(emitter, 'status');
    emitter.emit('status', 'Synced', 3);
    expect(await next).toEqual(['Synced', 3]);
    expect(emitter.listenerCount('status')).toBe(0);
    expect(emitter.listenerCount('error')).toBe(0);
  });

  it("rejects with the emitter's error", async () => {
    const emitter = new EventEmitter();
    const next = onceEvent(emitter, 'status');
    emitter.emit('error', new Error('stream closed'));
    await expect(next).rejects.toThrow('stream closed');
  });

  it('rejects with the event name after the timeout', async () => {
    await expect(onceEvent(new EventEmitter(), 'never', { timeoutMs: 20 })).rejects.toThrow(/timed out after 20 ms waiting for event "never"/);
  });
});

describe('waitFor', () => {
  it('polls until the check returns a value, and resolves with it', async () => {
    let state = 'Progressing';
    // The first check runs synchronously, before this fires; a later poll sees the change.
    setImmediate(() => (state = 'Healthy'));
    let calls = 0;
    const result = await waitFor(() => {
      calls += 1;
      return state === 'Healthy' ? state : undefined;
    }, { intervalMs: 1 });
    expect(result).toBe('Healthy');
    expect(calls).toBe(2);
  });

  it('times out naming what it waited for and the last thing it saw', async () => {
    await expect(
      waitFor(() => { throw new Error('503 from hub'); }, { timeoutMs: 30, intervalMs: 5, description: 'cluster east Synced' }),
    ).rejects.toThrow(/waiting for cluster east Synced \(last: check threw: 503 from hub\)/);
  });
});
