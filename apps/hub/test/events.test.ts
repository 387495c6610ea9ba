// The event stream as Server-Sent Events: every decision arrives with its sequence number as the SSE id, and a client
// that reconnects with Last-Event-ID gets exactly what it missed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub } from './support/hub.js';
import type { TestHub } from './support/hub.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

interface SseEvent {
  id: number;
  event: string;
  data: { type: string; reason: string; promotion: string };
}

/** Reads SSE events from the hub until `enough` says so, then closes the stream. */
async function watch(t: TestHub, query: string, enough: (events: SseEvent[]) => boolean, lastEventId?: number): Promise<SseEvent[]> {
  const abort = new AbortController();
  const res = await fetch(`${t.hub.httpUrl}/api/v1/events${query}`, {
    headers: { authorization: `Bearer ${t.admin}`, ...(lastEventId !== undefined ? { 'last-event-id': String(lastEventId) } : {}) },
    signal: abort.signal,
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = '';
  while (!enough(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':') && l.includes(': ')).map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]));
      if (fields['id']) events.push({ id: Number(fields['id']), event: fields['event']!, data: JSON.parse(fields['data']!) });
    }
  }
  abort.abort();
  return events;
}

describe('GET /api/v1/events', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
    await t.rest('PUT', '/api/v1/applications/shop', { body: { repoUrl: 'https://git.example/shop.git', path: 'deploy' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('streams every decision and resumes after Last-Event-ID without losing or repeating one', async () => {
    const first = await t.rest('POST', '/api/v1/promotions', { body: { app: 'shop', commit: A } });
    expect(first.status).toBe(201);
    const seen = await watch(t, '?app=shop', (events) => events.some((e) => e.event === 'Succeeded'));
    expect(seen.map((e) => e.event)).toEqual(['Applied', 'Created', 'Started', 'StageStarted', 'StageSucceeded', 'Succeeded']);
    expect(seen.map((e) => e.id)).toEqual([...seen.map((e) => e.id)].sort((a, b) => a - b));

    // While nobody watches, another promotion runs; the client comes back where it left off.
    const second = await t.rest('POST', '/api/v1/promotions', { body: { app: 'shop', commit: B } });
    const secondId = (second.body as { promotion: { id: string } }).promotion.id;
    const resumed = await watch(t, '?app=shop', (events) => events.some((e) => e.event === 'Succeeded'), seen.at(-1)!.id);
    expect(resumed[0]!.id).toBeGreaterThan(seen.at(-1)!.id);
    expect(resumed.map((e) => e.event)).toEqual(['Created', 'Started', 'StageStarted', 'StageSucceeded', 'Succeeded']);
    expect(resumed.every((e) => e.data.promotion === secondId)).toBe(true);
  });

  it('needs a token', async () => {
    expect((await t.rest('GET', '/api/v1/events', { token: null })).status).toBe(401);
  });
});

describe('authorization on the matched route', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(['/%61pi/v1/clusters', '/api/v1/%63lusters', '/api//v1/clusters'])('refuses %s without a token, as the route it reaches', async (path) => {
    const reply = await t.rest('GET', path, { token: null });
    expect([401, 404]).toContain(reply.status);
    expect(reply.text).not.toContain('"clusters"');
  });
});
