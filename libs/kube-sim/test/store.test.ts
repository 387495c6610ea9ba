import { describe, expect, it } from 'vitest';
import { FakeClock, ObjectStore, isApiError } from '../src/index.js';
import type { KubeObject, StoreEvent } from '../src/index.js';

const DEPLOY = { group: 'apps', kind: 'Deployment' };
const RS = { group: 'apps', resource: 'replicasets' };

function deployment(name: string, replicas = 1, ns = 'default'): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns }, spec: { replicas } };
}

function errorOf(fn: () => unknown): { code: number; reason: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (isApiError(e)) return { code: e.code, reason: e.reason, message: e.message };
    throw e;
  }
  throw new Error('expected an ApiError');
}

describe('ObjectStore', () => {
  it('assigns uid, creationTimestamp from the clock, generation 1 and an increasing global resourceVersion', () => {
    const clock = new FakeClock('2026-05-01T10:00:00Z');
    const store = new ObjectStore({ clock });
    const a = store.create(DEPLOY, deployment('a'));
    const b = store.create({ group: '', resource: 'configmaps' }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'default' } });
    expect(a.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.metadata.creationTimestamp).toBe('2026-05-01T10:00:00Z');
    expect(a.metadata.generation).toBe(1);
    expect(b.metadata.generation).toBeUndefined();
    expect(Number(b.metadata.resourceVersion)).toBeGreaterThan(Number(a.metadata.resourceVersion));
    expect(Object.isFrozen(a.metadata)).toBe(true);
  });

  it('bumps generation on spec changes only, never on status or labels', () => {
    const store = new ObjectStore();
    const a = store.create(DEPLOY, deployment('a'));
    const labelled = store.update(DEPLOY, { ...a, metadata: { ...a.metadata, labels: { x: 'y' } } });
    expect(labelled.metadata.generation).toBe(1);
    const status = store.updateStatus(DEPLOY, { ...labelled, status: { replicas: 1 } });
    expect(status.metadata.generation).toBe(1);
    expect(status.status).toEqual({ replicas: 1 });
    const scaled = store.update(DEPLOY, { ...status, spec: { replicas: 3 }, status: { replicas: 99 } });
    expect(scaled.metadata.generation).toBe(2);
    expect(scaled.status).toEqual({ replicas: 1 });
  });

  it('rejects a stale resourceVersion with 409 Conflict and skips no-op writes', () => {
    const store = new ObjectStore();
    const a = store.create(DEPLOY, deployment('a'));
    store.update(DEPLOY, { ...a, spec: { replicas: 2 } });
    expect(errorOf(() => store.update(DEPLOY, { ...a, spec: { replicas: 5 } }))).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on deployments.apps "a": the object has been modified; please apply your changes to the latest version and try again',
    });
    const rv = store.resourceVersion();
    const current = store.mustGet(DEPLOY, 'default', 'a');
    store.update(DEPLOY, current);
    expect(store.resourceVersion()).toBe(rv);
  });

  it('requires an existing namespace and validates names', () => {
    const store = new ObjectStore();
    expect(errorOf(() => store.create(DEPLOY, deployment('a', 1, 'nope')))).toMatchObject({ code: 404, message: 'namespaces "nope" not found' });
    expect(errorOf(() => store.create(DEPLOY, deployment('Bad_Name')))).toMatchObject({ code: 422, reason: 'Invalid' });
    store.create(DEPLOY, deployment('a'));
    expect(errorOf(() => store.create(DEPLOY, deployment('a')))).toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'deployments.apps "a" already exists' });
  });

  it('lists with label selectors, field selectors and limit/continue', () => {
    const store = new ObjectStore();
    for (const n of ['c', 'a', 'b']) store.create({ group: '', resource: 'configmaps' }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n, namespace: 'default', labels: { tier: n === 'a' ? 'web' : 'db' } } });
    const cm = { group: '', resource: 'configmaps' };
    expect(store.list(cm, { labelSelector: 'tier in (db)' }).items.map((o) => o.metadata.name)).toEqual(['b', 'c']);
    expect(store.list(cm, { labelSelector: 'tier!=db' }).items.map((o) => o.metadata.name)).toEqual(['a']);
    expect(store.list(cm, { fieldSelector: 'metadata.name=b' }).items).toHaveLength(1);
    const page1 = store.list(cm, { limit: 2 });
    expect(page1.items.map((o) => o.metadata.name)).toEqual(['a', 'b']);
    expect(page1.remainingItemCount).toBe(1);
    const page2 = store.list(cm, { limit: 2, continue: page1.continue! });
    expect(page2.items.map((o) => o.metadata.name)).toEqual(['c']);
    expect(page2.continue).toBeUndefined();
    expect(errorOf(() => store.list(cm, { fieldSelector: 'spec.foo=1' }))).toMatchObject({ code: 400, message: 'field label not supported: spec.foo' });
  });

  it('garbage-collects dependents in the background and orphans them on request', () => {
    const store = new ObjectStore();
    const d = store.create(DEPLOY, deployment('web'));
    const owner = [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid!, controller: true }];
    store.create(RS, { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1', namespace: 'default', ownerReferences: owner } });
    store.delete(DEPLOY, 'default', 'web');
    expect(store.get(RS, 'default', 'web-1')).toBeUndefined();

    const d2 = store.create(DEPLOY, deployment('api'));
    store.create(RS, { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'api-1', namespace: 'default', ownerReferences: [{ ...owner[0]!, name: 'api', uid: d2.metadata.uid! }] } });
    store.delete(DEPLOY, 'default', 'api', { propagationPolicy: 'Orphan' });
    expect(store.get(DEPLOY, 'default', 'api')).toBeUndefined();
    expect(store.get(RS, 'default', 'api-1')?.metadata.ownerReferences).toBeUndefined();
  });

  it('keeps a foreground-deleted owner until a finalizer-held dependent is released', () => {
    const store = new ObjectStore();
    const d = store.create(DEPLOY, deployment('web'));
    store.create(RS, { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1', namespace: 'default', finalizers: ['example.com/hold'], ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid! }] } });
    const res = store.delete(DEPLOY, 'default', 'web', { propagationPolicy: 'Foreground' });
    expect(res.deleted).toBe(false);
    expect(res.object.metadata.finalizers).toEqual(['foregroundDeletion']);
    const rs = store.mustGet(RS, 'default', 'web-1');
    expect(rs.metadata.deletionTimestamp).toBeDefined();
    store.update(RS, { ...rs, metadata: { ...rs.metadata, finalizers: [] } });
    expect(store.get(RS, 'default', 'web-1')).toBeUndefined();
    expect(store.get(DEPLOY, 'default', 'web')).toBeUndefined();
  });

  it('deletes a namespace with its content and feeds watchers in resourceVersion order', () => {
    const store = new ObjectStore();
    store.create({ group: '', kind: 'Namespace' }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    store.create(DEPLOY, deployment('a', 1, 'team'));
    const events: StoreEvent[] = [];
    const stop = store.watch({}, (e) => events.push(e));
    const rv = store.resourceVersion();
    store.delete({ group: '', resource: 'namespaces' }, undefined, 'team');
    stop();
    expect(events.map((e) => `${e.type} ${e.resourceType.kind}`)).toEqual(['MODIFIED Namespace', 'DELETED Deployment', 'DELETED Namespace']);
    expect(events.map((e) => e.resourceVersion)).toEqual([1, 2, 3].map((i) => Number(rv) + i));
    const replay: StoreEvent[] = [];
    store.watch({ kind: 'Deployment' }, (e) => replay.push(e), { sinceResourceVersion: rv })();
    expect(replay.map((e) => e.type)).toEqual(['DELETED']);
  });

  it('answers 410 Expired when a watch resumes from a resourceVersion no longer retained', () => {
    const store = new ObjectStore({ historyLimit: 2 });
    for (let i = 0; i < 5; i++) store.create({ group: '', resource: 'configmaps' }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}`, namespace: 'default' } });
    expect(errorOf(() => store.watch({}, () => {}, { sinceResourceVersion: '1' }))).toMatchObject({ code: 410, reason: 'Expired' });
  });

  it('fires FakeClock timers in time order on advance', () => {
    const clock = new FakeClock();
    const fired: string[] = [];
    clock.after(200, () => fired.push('b'));
    clock.after(100, () => {
      fired.push('a');
      clock.after(50, () => fired.push('a2'));
    });
    const cancel = clock.after(120, () => fired.push('x'));
    cancel();
    clock.advance(199);
    expect(fired).toEqual(['a', 'a2']);
    clock.advance(1);
    expect(fired).toEqual(['a', 'a2', 'b']);
  });
});
