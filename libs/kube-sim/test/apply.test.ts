// Server-side apply, subresources and dryRun over HTTP, as a client sees them.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedCluster } from '../src/index.js';
import { startCluster } from '../src/index.js';
import { http } from './helpers.js';

const PATH = '/apis/apps/v1/namespaces/default/deployments';
const config = (replicas: number | undefined, extra: Record<string, string> = {}) =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'shop', labels: { app: 'shop', ...extra } },
    spec: { ...(replicas === undefined ? {} : { replicas }), selector: { matchLabels: { app: 'shop' } }, template: { metadata: { labels: { app: 'shop' } }, spec: { containers: [{ name: 'app', image: 'shop:1' }] } } },
  });

describe('server-side apply and subresources over HTTP', () => {
  let cluster: SimulatedCluster;
  const apply = (body: string, manager: string, query = '') => http(cluster, 'PATCH', `${PATH}/shop?fieldManager=${manager}${query}`, { body, contentType: 'application/apply-patch+yaml' });
  beforeAll(async () => {
    cluster = await startCluster({ controllers: false });
  });
  afterAll(() => cluster?.close());

  it('creates on the first apply (201) and answers 200 after', async () => {
    expect((await apply(config(2), 'a')).status).toBe(201);
    expect((await apply(config(2), 'a')).status).toBe(200);
  });

  it('keeps a field another manager co-owns when one manager stops applying it, and drops it when none owns it', async () => {
    await apply(config(2, { team: 'x' }), 'a');
    expect((await apply(config(2, { team: 'x' }), 'b')).status).toBe(200);
    const kept = (await apply(config(2), 'a')).json() as { metadata: { labels: Record<string, string> } };
    expect(kept.metadata.labels.team).toBe('x');
    const gone = (await apply(config(2), 'b')).json() as { metadata: { labels: Record<string, string> } };
    expect(gone.metadata.labels.team).toBeUndefined();
  });

  it('ignores spec changes on the status subresource and status changes on the main resource', async () => {
    const live = (await http(cluster, 'GET', `${PATH}/shop`)).json() as { metadata: { generation: number }; spec: { replicas: number } };
    const withStatus = JSON.parse(config(9)) as Record<string, unknown>;
    withStatus.status = { replicas: 4 };
    const put = await http(cluster, 'PUT', `${PATH}/shop/status`, { body: JSON.stringify(withStatus), contentType: 'application/json' });
    expect(put.status).toBe(200);
    const afterStatus = put.json() as { spec: { replicas: number }; status: { replicas: number }; metadata: { generation: number } };
    expect(afterStatus.spec.replicas).toBe(live.spec.replicas);
    expect(afterStatus.status.replicas).toBe(4);
    expect(afterStatus.metadata.generation).toBe(live.metadata.generation);
    withStatus.status = { replicas: 0 };
    const main = (await http(cluster, 'PUT', `${PATH}/shop`, { body: JSON.stringify(withStatus), contentType: 'application/json' })).json() as { spec: { replicas: number }; status: { replicas: number }; metadata: { generation: number } };
    expect(main.status.replicas).toBe(4);
    expect(main.spec.replicas).toBe(9);
    expect(main.metadata.generation).toBe(live.metadata.generation + 1);
  });

  it('reads and writes replicas through the scale subresource', async () => {
    const scale = (await http(cluster, 'GET', `${PATH}/shop/scale`)).json();
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 9 }, status: { replicas: 4, selector: 'app=shop' } });
    const patched = await http(cluster, 'PATCH', `${PATH}/shop/scale`, { body: '{"spec":{"replicas":3}}', contentType: 'application/merge-patch+json' });
    expect(patched.json()).toMatchObject({ kind: 'Scale', spec: { replicas: 3 } });
    expect(((await http(cluster, 'GET', `${PATH}/shop`)).json() as { spec: { replicas: number } }).spec.replicas).toBe(3);
  });

  it('stores nothing and bumps no resourceVersion with dryRun=All on create, apply and delete', async () => {
    const rv = cluster.store.resourceVersion();
    const created = await http(cluster, 'POST', `${PATH}?dryRun=All`, { body: config(1).replace('"shop"', '"dry"'), contentType: 'application/json' });
    expect(created.status).toBe(201);
    expect((await apply(config(7), 'a', '&dryRun=All&force=true')).json()).toMatchObject({ spec: { replicas: 7 } });
    expect((await http(cluster, 'DELETE', `${PATH}/shop?dryRun=All`)).status).toBe(200);
    expect(cluster.store.resourceVersion()).toBe(rv);
    expect((await http(cluster, 'GET', `${PATH}/shop`)).json()).toMatchObject({ spec: { replicas: 3 } });
    expect((await http(cluster, 'GET', `${PATH}/dry`)).status).toBe(404);
  });

  it('lists pages with limit and continue', async () => {
    for (const n of ['p1', 'p2', 'p3']) await http(cluster, 'POST', '/api/v1/namespaces/default/configmaps', { body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n } }), contentType: 'application/json' });
    const first = (await http(cluster, 'GET', '/api/v1/namespaces/default/configmaps?limit=2')).json() as { items: { metadata: { name: string } }[]; metadata: { continue: string; remainingItemCount: number } };
    expect(first.items.map((i) => i.metadata.name)).toEqual(['p1', 'p2']);
    expect(first.metadata.remainingItemCount).toBe(1);
    const second = (await http(cluster, 'GET', `/api/v1/namespaces/default/configmaps?limit=2&continue=${encodeURIComponent(first.metadata.continue)}`)).json() as { items: { metadata: { name: string } }[] };
    expect(second.items.map((i) => i.metadata.name)).toEqual(['p3']);
  });

  it('names objects from generateName and deletes a labelled collection', async () => {
    const made = await http(cluster, 'POST', '/api/v1/namespaces/default/configmaps', { body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'job-', labels: { batch: 'b1' } } }), contentType: 'application/json' });
    expect(made.status).toBe(201);
    expect((made.json() as { metadata: { name: string } }).metadata.name).toMatch(/^job-[a-z0-9]{5}$/);
    await http(cluster, 'POST', '/api/v1/namespaces/default/configmaps', { body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keep', labels: { batch: 'b2' } } }), contentType: 'application/json' });
    const deleted = await http(cluster, 'DELETE', '/api/v1/namespaces/default/configmaps?labelSelector=batch%3Db1');
    expect(deleted.status).toBe(200);
    expect((deleted.json() as { items: unknown[] }).items).toHaveLength(1);
    const left = (await http(cluster, 'GET', '/api/v1/namespaces/default/configmaps?labelSelector=batch')).json() as { items: { metadata: { name: string } }[] };
    expect(left.items.map((i) => i.metadata.name)).toEqual(['keep']);
  });

  it('keeps a deleted object with a finalizer until the finalizer is removed', async () => {
    await http(cluster, 'POST', '/api/v1/namespaces/default/configmaps', { body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold'] } }), contentType: 'application/json' });
    // handlers/delete.go: 200 with the terminating object, unless the client asked orphanDependents=false (then 202).
    const del = await http(cluster, 'DELETE', '/api/v1/namespaces/default/configmaps/held');
    expect(del.status).toBe(200);
    expect((del.json() as { metadata: { deletionTimestamp?: string } }).metadata.deletionTimestamp).toBeDefined();
    const legacy = await http(cluster, 'DELETE', '/api/v1/namespaces/default/configmaps/held', { body: '{"orphanDependents":false}', contentType: 'application/json' });
    expect(legacy.status).toBe(202);
    expect((legacy.json() as { kind: string }).kind).toBe('ConfigMap');
    const released = await http(cluster, 'PATCH', '/api/v1/namespaces/default/configmaps/held', { body: '{"metadata":{"finalizers":null}}', contentType: 'application/merge-patch+json' });
    expect(released.status).toBe(200);
    expect((await http(cluster, 'GET', '/api/v1/namespaces/default/configmaps/held')).status).toBe(404);
  });
});
