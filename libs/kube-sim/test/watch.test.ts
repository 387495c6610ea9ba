// Watch over HTTP: resourceVersion semantics, selector transitions, bookmarks and timeouts on the cluster clock, 410.

import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject, SimulatedCluster } from '../src/index.js';
import { FakeClock, startCluster } from '../src/index.js';

interface WatchEvent {
  type: string;
  object: KubeObject & { code?: number; reason?: string; message?: string };
}

/** Opens a watch and collects its events; `next(n)` resolves once n events arrived; `ended` when the server closes. */
function openWatch(cluster: SimulatedCluster, path: string) {
  const events: WatchEvent[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  let ended!: Promise<void>;
  const opened = new Promise<() => void>((resolveOpen, reject) => {
    ended = new Promise<void>((resolveEnd) => {
      const req = request(new URL(path, cluster.server), { headers: { authorization: `Bearer ${cluster.adminToken}` }, ca: cluster.caPem }, (res) => {
        let buf = '';
        res.on('data', (chunk: Buffer) => {
          buf += chunk.toString();
          let i: number;
          while ((i = buf.indexOf('\n')) >= 0) {
            events.push(JSON.parse(buf.slice(0, i)) as WatchEvent);
            buf = buf.slice(i + 1);
          }
          for (const w of waiters) if (events.length >= w.n) w.resolve();
        });
        res.on('end', () => resolveEnd());
        res.on('close', () => resolveEnd());
        resolveOpen(() => req.destroy());
      });
      req.on('error', reject);
      req.end();
    });
  });
  return {
    events,
    opened,
    ended: () => ended,
    next: (n: number) => new Promise<void>((resolve) => (events.length >= n ? resolve() : waiters.push({ n, resolve }))),
  };
}

const CM = { group: '', resource: 'configmaps' };
const cm = (name: string, labels: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels } });

describe('watch', () => {
  let cluster: SimulatedCluster;
  let clock: FakeClock;
  beforeAll(async () => {
    clock = new FakeClock();
    cluster = await startCluster({ clock, controllers: false, historyLimit: 20 });
  });
  afterAll(() => cluster?.close());

  it('replays changes after a resourceVersion and turns selector transitions into ADDED and DELETED', async () => {
    const rv = cluster.store.resourceVersion();
    cluster.store.create(CM, cm('a', { tier: 'web' }));
    const w = openWatch(cluster, `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}&labelSelector=tier%3Dweb`);
    const close = await w.opened;
    await w.next(1);
    const a = cluster.store.mustGet(CM, 'default', 'a');
    cluster.store.update(CM, { ...a, metadata: { ...a.metadata, labels: { tier: 'db' } } });
    cluster.store.create(CM, cm('b', { tier: 'db' }));
    const b = cluster.store.mustGet(CM, 'default', 'b');
    cluster.store.update(CM, { ...b, metadata: { ...b.metadata, labels: { tier: 'web' } } });
    await w.next(3);
    close();
    expect(w.events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED a', 'DELETED a', 'ADDED b']);
  });

  it('sends BOOKMARK events on the cluster clock and ends at timeoutSeconds', async () => {
    const w = openWatch(cluster, `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${cluster.store.resourceVersion()}&allowWatchBookmarks=true&timeoutSeconds=90`);
    await w.opened;
    clock.advance(60_000);
    await w.next(1);
    expect(w.events[0]).toMatchObject({ type: 'BOOKMARK', object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: cluster.store.resourceVersion() } } });
    clock.advance(30_000);
    await w.ended();
    expect(w.events).toHaveLength(1);
  });

  it('answers a resourceVersion older than the retained history with a 410 Expired ERROR event', async () => {
    const old = cluster.store.resourceVersion();
    for (let i = 0; i < 25; i++) cluster.store.create(CM, cm(`bulk-${i}`));
    const w = openWatch(cluster, `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${old}`);
    await w.ended();
    expect(w.events).toHaveLength(1);
    expect(w.events[0]!.type).toBe('ERROR');
    expect(w.events[0]!.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    expect(w.events[0]!.object.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });

  it('starts with ADDED events for existing objects when no resourceVersion is given', async () => {
    const w = openWatch(cluster, `/api/v1/namespaces/default/configmaps?watch=1&fieldSelector=metadata.name%3Dbulk-3`);
    const close = await w.opened;
    await w.next(1);
    close();
    expect(w.events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED bulk-3']);
  });
});
