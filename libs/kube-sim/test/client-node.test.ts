// @kubernetes/client-node 1.4.0 against the simulator: the path the agent takes (server-side apply, list, read,
// delete), and Watch and informers.

import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedCluster } from '../src/index.js';
import { FakeClock, startCluster } from '../src/index.js';

function deployment(name: string, replicas: number, labels: Record<string, string> = {}): k8s.KubernetesObject & { spec: unknown } {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', labels: { app: name, ...labels } },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx:1.25', env: [{ name: 'A', value: '1' }] }] } } },
  };
}

describe('@kubernetes/client-node against the simulator', () => {
  let cluster: SimulatedCluster;
  let kc: k8s.KubeConfig;
  let api: k8s.KubernetesObjectApi;
  const clock = new FakeClock();

  beforeAll(async () => {
    cluster = await startCluster({ name: 'client-node', controllers: false, clock });
    kc = new k8s.KubeConfig();
    kc.loadFromString(cluster.kubeconfig());
    api = k8s.KubernetesObjectApi.makeApiClient(kc);
  });
  afterAll(() => cluster?.close());

  const apply = (obj: k8s.KubernetesObject, manager = 'flotilla-agent', force = true) => api.patch(obj, undefined, undefined, manager, force, k8s.PatchStrategy.ServerSideApply);

  it('creates on apply, records the manager, and re-applying the same config changes nothing', async () => {
    const created = await apply(deployment('web', 2, { 'flotilla.io/app': 'shop' }));
    expect(created.metadata?.managedFields?.map((m) => [m.manager, m.operation])).toEqual([['flotilla-agent', 'Apply']]);
    expect((created as unknown as { metadata: { generation: number } }).metadata.generation).toBe(1);
    clock.advance(5_000);
    const again = await apply(deployment('web', 2, { 'flotilla.io/app': 'shop' }));
    expect(again.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
  });

  it('removes a field the manager stopped applying and bumps generation on spec changes', async () => {
    const obj = deployment('web', 3, { 'flotilla.io/app': 'shop' });
    (obj.spec as { template: { spec: { containers: { env?: unknown }[] } } }).template.spec.containers[0]!.env = undefined;
    const next = (await apply(obj)) as unknown as { metadata: { generation: number }; spec: { replicas: number; template: { spec: { containers: { env?: unknown }[] } } } };
    expect(next.spec.replicas).toBe(3);
    expect(next.spec.template.spec.containers[0]!.env).toBeUndefined();
    expect(next.metadata.generation).toBe(2);
  });

  it('rejects a conflicting apply from another manager with the real 409 Status, and force takes ownership', async () => {
    const err = await apply(deployment('web', 7), 'someone-else', false).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(k8s.ApiException);
    const e = err as k8s.ApiException<string>;
    expect(e.code).toBe(409);
    const status = JSON.parse(e.body) as { reason: string; message: string; details: { causes: { reason: string; field: string; message: string }[] } };
    expect(status.reason).toBe('Conflict');
    expect(status.message).toBe('Apply failed with 1 conflict: conflict with "flotilla-agent": .spec.replicas');
    expect(status.details.causes).toEqual([{ reason: 'FieldManagerConflict', message: 'conflict with "flotilla-agent"', field: '.spec.replicas' }]);
    const forced = (await apply(deployment('web', 7), 'someone-else', true)) as unknown as { spec: { replicas: number } };
    expect(forced.spec.replicas).toBe(7);
  });

  it('lists by label for pruning, reads for health, and deletes', async () => {
    await apply(deployment('api', 1, { 'flotilla.io/app': 'shop' }));
    await apply(deployment('other', 1));
    const listed = await api.list('apps/v1', 'Deployment', 'default', undefined, undefined, undefined, undefined, 'flotilla.io/app=shop');
    expect(listed.items.map((i) => i.metadata?.name).sort()).toEqual(['api', 'web']);
    const read = await api.read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'default' } });
    expect(read.metadata?.uid).toBeDefined();
    await api.delete(read);
    const gone = await api.read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'default' } }).catch((e: unknown) => e);
    expect((gone as k8s.ApiException<string>).code).toBe(404);
  });

  it('creates with KubernetesObjectApi.create and refuses a duplicate with a 409 AlreadyExists Status', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'made', namespace: 'default' }, data: { a: 'b' } };
    const made = await api.create(cm);
    expect((made.metadata as k8s.V1ObjectMeta).uid).toBeDefined();
    const dup = (await api.create(cm).catch((e: unknown) => e)) as k8s.ApiException<string>;
    expect(dup.code).toBe(409);
    expect(JSON.parse(dup.body)).toMatchObject({ reason: 'AlreadyExists', message: 'configmaps "made" already exists' });
  });

  it('validates with dryRun=All without storing anything', async () => {
    const rv = cluster.store.resourceVersion();
    await api.patch(deployment('dry', 1), undefined, 'All', 'flotilla-agent', true, k8s.PatchStrategy.ServerSideApply);
    expect(cluster.store.resourceVersion()).toBe(rv);
    expect(cluster.store.get({ group: 'apps', kind: 'Deployment' }, 'default', 'dry')).toBeUndefined();
  });

  it('streams ADDED, MODIFIED and DELETED through Watch', async () => {
    const watch = new k8s.Watch(kc);
    const events: string[] = [];
    let done: () => void = () => {};
    const finished = new Promise<void>((r) => (done = r));
    const list = await api.list('v1', 'ConfigMap', 'default');
    const req = await watch.watch(
      '/api/v1/namespaces/default/configmaps',
      { resourceVersion: list.metadata?.resourceVersion },
      (type: string, obj: k8s.V1ConfigMap) => {
        events.push(`${type} ${obj.metadata?.name}`);
        if (type === 'DELETED') done();
      },
      () => {},
    );
    const cm = { group: '', resource: 'configmaps' };
    cluster.store.create(cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w', namespace: 'default' } });
    const current = cluster.store.mustGet(cm, 'default', 'w');
    cluster.store.update(cm, { ...current, data: { a: 'b' } });
    cluster.store.delete(cm, 'default', 'w');
    await finished;
    req.abort();
    expect(events).toEqual(['ADDED w', 'MODIFIED w', 'DELETED w']);
  });

  it('keeps an informer cache in step with the cluster', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', () => core.listNamespacedConfigMap({ namespace: 'default' }));
    const added = new Promise<string>((resolve) => informer.on('add', (o: k8s.V1ConfigMap) => o.metadata?.name === 'informed' && resolve(o.metadata.name)));
    await informer.start();
    try {
      cluster.store.create({ group: '', resource: 'configmaps' }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'informed', namespace: 'default' } });
      expect(await added).toBe('informed');
      expect(informer.list('default').map((o) => o.metadata?.name)).toContain('informed');
    } finally {
      await informer.stop();
    }
  });
});
