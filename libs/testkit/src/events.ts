// Waiting helpers for tests: await an event rather than sleep; poll only state that has no event to await.
import type { EventEmitter } from 'node:events';

/** Resolves with the arguments of the next `event` on emitter; rejects on its 'error' event or after timeoutMs. */
export function onceEvent<T extends unknown[] = unknown[]>(emitter: EventEmitter, event: string, opts: { timeoutMs?: number } = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return new Promise<T>((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      emitter.off(event, onEvent);
      if (event !== 'error') emitter.off('error', onError);
    };
    const onEvent = (...args: unknown[]): void => {
      cleanup();
      resolve(args as T);
    };
    const onError = (err: unknown): void => {
      cleanup();
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for event ${JSON.stringify(event)}`));
    }, timeoutMs);
    emitter.on(event, onEvent);
    if (event !== 'error') emitter.on('error', onError);
  });
}

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Names what is awaited in the timeout error, e.g. 'cluster east Synced at A'. */
  description?: string;
}

/**
 * Polls observable state that offers no event (another process's REST API, a simulated cluster) until check returns
 * something other than undefined/false, and resolves with it. On timeout the error carries the last value or error seen.
 */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, opts: WaitForOptions = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let last = 'nothing yet';
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
      last = `check returned ${String(value)}`;
    } catch (err) {
      last = `check threw: ${(err as Error).message}`;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${opts.description ?? 'condition'} (last: ${last})`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
