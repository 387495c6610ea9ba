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

    expect((await http(cluster, 'PATCH', `${GADGETS}/held`, { body: '{"metadata":{"finalizers":null}}', contentType: 'application/merge-patch+json' })).status).toBe(200);
    expect((await http(cluster, 'GET', `${CRDS}/gadgets.example.com`)).status).toBe(404);
    expect((await http(cluster, 'GET', GADGETS)).status).toBe(404);
  });
});
