// Helpers for the simulator's tests: a JSON client of the hub's REST API and polling of state that has no event.
import { waitFor } from '@flotilla/testkit';

export interface Reply<T> {
  status: number;
  body: T;
}

export function restClient(baseUrl: string, token: string) {
  return async function rest<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<Reply<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(new URL(path, baseUrl), { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    return { status: response.status, body: (await response.json()) as T };
  };
}

/** Polls the hub's REST API (another component's state, with no event to await) until `check` holds. */
export async function eventually<T>(description: string, read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  let last: T | undefined;
  try {
    return await waitFor(
      async () => {
        last = await read();
        return check(last) ? last : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 50, description },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last seen: ${JSON.stringify(last).slice(0, 2000)}`);
  }
}
