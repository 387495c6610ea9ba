// REST semantics a client relies on beyond the happy path: JSON patch, delete propagation, dryRun on every write,
// discovery bodies, and the raw Status bodies of refusals, checked over HTTPS as kubectl and client-node see them.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedCluster } from '../src/index.js';
import { startCluster } from '../src/index.js';
import { http } from './helpers.js';

const CMS = '/api/v1/namespaces/default/configmaps';
const configMap = (name: string, extra: Record<string, unknown> = {}) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { x: 'y', z: 'w' } }, data: { a: '1' }, ...extra });

describe('REST semantics over HTTPS', () => {
  let cluster: SimulatedCluster;
  beforeAll(async () => {
    cluster = await startCluster({ controllers: false });
  });
  afterAll(() => cluster?.close());

  const create = async (path: string, body: string) => {
    const res = await http(cluster, 'POST', path, { body, contentType: 'application/json' });
    expect(res.status).toBe(201);
    return res.json() as { metadata: { resourceVersion: string; uid: string } };
  };

  describe('JSON patch', () => {
    it('applies add, replace, remove and a test whose object keys are in another order', async () => {
      await create(CMS, configMap('jp'));
      const ops = [
        { op: 'test', path: '/metadata/labels', value: { z: 'w', x: 'y' } },
        { op: 'add', path: '/data/b', value: '2' },
        { op: 'replace', path: '/data/a', value: 'one' },
        { op: 'remove', path: '/metadata/labels/z' },
      ];
      const res = await http(cluster, 'PATCH', `${CMS}/jp`, { body: JSON.stringify(ops), contentType: 'application/json-patch+json' });
      expect(res.status).toBe(200);
      const got = (await http(cluster, 'GET', `${CMS}/jp`)).json() as { data: Record<string, string>; metadata: { labels: Record<string, string> } };
      expect(got.data).toEqual({ a: 'one', b: '2' });
      expect(got.metadata.labels).toEqual({ x: 'y' });
    });

    it('refuses the whole patch with the generic 422 when a test fails, and changes nothing', async () => {
      const before = (await http(cluster, 'GET', `${CMS}/jp`)).json() as { metadata: { resourceVersion: string } };
      const ops = [
        { op: 'add', path: '/data/c', value: '3' },
        { op: 'test', path: '/data/a', value: 'nope' },
      ];
      const res = await http(cluster, 'PATCH', `${CMS}/jp`, { body: JSON.stringify(ops), contentType: 'application/json-patch+json' });
      expect(res.status).toBe(422);
      expect(res.json()).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server rejected our request due to an error in our request', reason: 'Invalid', details: {}, code: 422 });
      const after = (await http(cluster, 'GET', `${CMS}/jp`)).json() as { data: Record<string, string>; metadata: { resourceVersion: string } };
      expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
      expect(after.data.c).toBeUndefined();
    });
  });
});

describe('CustomResourceDefinition deletion', () => {
  let cluster: SimulatedCluster;
  beforeAll(async () => {
    cluster = await startCluster({ controllers: false });
  });
  afterAll(() => cluster?.close());

  it('stays Terminating while a custom resource is held by its own finalizer, and goes with the last one', async () => {
    const crd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'gadgets.example.com' }, spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'gadgets', kind: 'Gadget' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] } };
    const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
    const GADGETS = '/apis/example.com/v1/namespaces/default/gadgets';
    expect((await http(cluster, 'POST', CRDS, { body: JSON.stringify(crd), contentType: 'application/json' })).status).toBe(201);
    const gadget = (name: string, finalizers?: string[]) => JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name, ...(finalizers ? { finalizers } : {}) } });
    expect((await http(cluster, 'POST', GADGETS, { body: gadget('held', ['example.com/hold']), contentType: 'application/json' })).status).toBe(201);
    expect((await http(cluster, 'POST', GADGETS, { body: gadget('free'), contentType: 'application/json' })).status).toBe(201);

    expect((await http(cluster, 'DELETE', `${CRDS}/gadgets.example.com`)).status).toBe(200);
    const terminating = (await http(cluster, 'GET', `${CRDS}/gadgets.example.com`)).json() as { metadata: { deletionTimestamp?: string; finalizers?: string[] } };
    expect(terminating.metadata.deletionTimestamp).toBeDefined();
    expect(terminating.metadata.finalizers).toEqual(['customresourcecleanup.apiextensions.k8s.io']);
    expect((await http(cluster, 'GET', `${GADGETS}/free`)).status).toBe(404);
    const held = (await http(cluster, 'GET', `${GADGETS}/held`)).json() as { metadata: { deletionTimestamp?: string } };
    expect(held.metadata.deletionTimestamp).toBeDefined();
    const refused = await http(cluster, 'POST', GADGETS, { body: gadget('late'), contentType: 'application/json' });
    expect(refused.status).toBe(405);
    expect(refused.json()).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'create not allowed while custom resource definition is terminating', reason: 'MethodNotAllowed', details: { group: 'example.com', kind: 'gadgets' }, code: 405 });

    expect((await http(cluster, 'PATCH', `${GADGETS}/held`, { body: '{"metadata":{"finalizers":null}}', contentType: 'application/merge-patch+json' })).status).toBe(200);
    expect((await http(cluster, 'GET', `${CRDS}/gadgets.example.com`)).status).toBe(404);
    expect((await http(cluster, 'GET', GADGETS)).status).toBe(404);
  });
});

describe('delete propagation, dryRun and refusals over HTTPS', () => {
  let cluster: SimulatedCluster;
  beforeAll(async () => {
    cluster = await startCluster({ controllers: false });
  });
  afterAll(() => cluster?.close());

  const post = async (path: string, obj: object) => {
    const res = await http(cluster, 'POST', path, { body: JSON.stringify(obj), contentType: 'application/json' });
    expect(res.status).toBe(201);
    return res.json() as { metadata: { uid: string; resourceVersion: string } };
  };
  const get = async (path: string) => (await http(cluster, 'GET', path)).json() as { data?: Record<string, string>; status?: Record<string, unknown>; metadata: { resourceVersion: string; ownerReferences?: unknown[]; finalizers?: string[]; deletionTimestamp?: string } };
  const ownedBy = (name: string, owner: { metadata: { uid: string } }, finalizers?: string[]) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, ...(finalizers ? { finalizers } : {}), ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'parent', uid: owner.metadata.uid }] },
  });

  it('propagationPolicy=Orphan deletes the owner and keeps its dependents without the owner reference', async () => {
    const owner = await post(CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'parent' } });
    await post(CMS, ownedBy('child', owner));
    const del = await http(cluster, 'DELETE', `${CMS}/parent?propagationPolicy=Orphan`);
    expect(del.status).toBe(200);
    expect((await http(cluster, 'GET', `${CMS}/parent`)).status).toBe(404);
    const child = await get(`${CMS}/child`);
    expect(child.metadata.ownerReferences).toBeUndefined();
    expect((await http(cluster, 'DELETE', `${CMS}/child`)).status).toBe(200);
  });

  it('propagationPolicy=Foreground keeps the owner with the foregroundDeletion finalizer until its dependents are gone', async () => {
    const owner = await post(CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'parent' } });
    await post(CMS, ownedBy('held-child', owner, ['example.com/hold']));
    const del = await http(cluster, 'DELETE', `${CMS}/parent`, { body: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' }), contentType: 'application/json' });
    expect(del.status).toBe(200);
    const body = del.json() as { metadata: { finalizers?: string[]; deletionTimestamp?: string } };
    expect(body.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(body.metadata.deletionTimestamp).toBeDefined();
    expect((await get(`${CMS}/held-child`)).metadata.deletionTimestamp).toBeDefined();
    expect((await get(`${CMS}/parent`)).metadata.finalizers).toEqual(['foregroundDeletion']);
    expect((await http(cluster, 'PATCH', `${CMS}/held-child`, { body: '{"metadata":{"finalizers":null}}', contentType: 'application/merge-patch+json' })).status).toBe(200);
    expect((await http(cluster, 'GET', `${CMS}/held-child`)).status).toBe(404);
    expect((await http(cluster, 'GET', `${CMS}/parent`)).status).toBe(404);
  });

  it('dryRun=All on PUT and on merge, strategic and JSON patches answers the result and stores nothing', async () => {
    const created = await post(CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' }, data: { a: '1' } });
    const rv = created.metadata.resourceVersion;
    const writes: [string, string, string][] = [
      ['PUT', 'application/json', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry', resourceVersion: rv }, data: { a: 'put' } })],
      ['PATCH', 'application/merge-patch+json', '{"data":{"a":"merge"}}'],
      ['PATCH', 'application/strategic-merge-patch+json', '{"data":{"a":"strategic"}}'],
      ['PATCH', 'application/json-patch+json', '[{"op":"replace","path":"/data/a","value":"json"}]'],
    ];
    for (const [method, contentType, body] of writes) {
      const res = await http(cluster, method, `${CMS}/dry?dryRun=All`, { body, contentType });
      expect(res.status, `${method} ${contentType}`).toBe(200);
      expect((res.json() as { data: Record<string, string> }).data.a).not.toBe('1');
      const stored = await get(`${CMS}/dry`);
      expect(stored.data).toEqual({ a: '1' });
      expect(stored.metadata.resourceVersion).toBe(rv);
    }
  });

  it('dryRun=All on the status subresource stores nothing', async () => {
    const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';
    await post(DEPLOYS, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } });
    const before = await get(`${DEPLOYS}/web`);
    const patched = await http(cluster, 'PATCH', `${DEPLOYS}/web/status?dryRun=All`, { body: '{"status":{"replicas":7}}', contentType: 'application/merge-patch+json' });
    expect(patched.status).toBe(200);
    expect((patched.json() as { status: { replicas: number } }).status.replicas).toBe(7);
    const put = await http(cluster, 'PUT', `${DEPLOYS}/web/status?dryRun=All`, { body: JSON.stringify({ ...before, status: { replicas: 9 } }), contentType: 'application/json' });
    expect(put.status).toBe(200);
    const after = await get(`${DEPLOYS}/web`);
    expect(after.status).toEqual(before.status);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it('answers 403 with the raw Forbidden Status naming the resource', async () => {
    cluster.grant('reader-token', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }], { user: 'reader' });
    const res = await http(cluster, 'GET', '/apis/apps/v1/namespaces/default/deployments/web', { token: 'reader-token' });
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'deployments.apps "web" is forbidden: User "reader" cannot get resource "deployments" in API group "apps" in the namespace "default"',
      reason: 'Forbidden',
      details: { name: 'web', group: 'apps', kind: 'deployments' },
      code: 403,
    });
  });
});
