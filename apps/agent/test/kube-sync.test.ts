// Plan, dry run, ordered server-side apply, prune and the guard against a real simulated cluster (no mocks).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCluster } from '@flotilla/kube-sim';
import type { SimulatedCluster } from '@flotilla/kube-sim';
import { KubeClient, syncApp } from '../src/kube/index.js';
import type { KubeObject, ObjectRef } from '../src/kube/index.js';
import type { Guard } from '../src/config/index.js';

const allowAll: Guard = { namespaces: '*', kinds: '*' };
const cm = (name: string, namespace?: string, data: Record<string, string> = { k: 'v' }): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: namespace ? { name, namespace } : { name }, data });
const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const ref = (o: KubeObject): ObjectRef => ({ apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name });

describe('syncApp against kube-sim', () => {
  let cluster: SimulatedCluster;
  let kube: KubeClient;
  let n = 0;
  let space = '';

  beforeAll(async () => {
    cluster = await startCluster();
    kube = KubeClient.from(cluster.kubeconfig());
  });
  afterAll(async () => {
    await cluster?.close();
  });
  beforeEach(() => {
    space = `t${++n}`;
  });

  it('creates a namespace and its objects in one sync, labelled with the app and managed by flotilla-agent', async () => {
    const outcome = await syncApp(kube, { app: 'web', rendered: [cm('settings'), ns(space)], previousInventory: [], guard: allowAll, defaultNamespace: space });
    expect(outcome.error).toBeUndefined();
    expect(outcome.plan?.apply.map((p) => `${p.action} ${p.ref.kind}`)).toEqual(['create Namespace', 'create ConfigMap']);
    const live = await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: space, name: 'settings' });
    expect(live?.metadata.labels).toEqual({ 'app.flotilla.dev/name': 'web' });
    expect((live?.metadata['managedFields'] as Array<{ manager: string; operation: string }>).map((f) => [f.manager, f.operation])).toContainEqual(['flotilla-agent', 'Apply']);
    expect(outcome.inventory).toHaveLength(2);
  });

  it('updates in place and prunes what the new set no longer holds, but never an object without its label', async () => {
    await kube.apply(ns(space), 'test');
    const first = await syncApp(kube, { app: 'web', rendered: [cm('a', space), cm('b', space)], previousInventory: [], guard: allowAll, defaultNamespace: space });
    expect(first.error).toBeUndefined();
    // Someone else's object that happens to be listed in the inventory (for example a stale record) must survive.
    await kube.apply(cm('foreign', space), 'someone-else');
    const inventory = [...first.inventory, ref(cm('foreign', space))];
    const second = await syncApp(kube, { app: 'web', rendered: [cm('a', space, { k: 'v2' })], previousInventory: inventory, guard: allowAll, defaultNamespace: space });
    expect(second.error).toBeUndefined();
    expect(second.plan?.apply.map((p) => `${p.action} ${p.ref.name}`)).toEqual(['update a']);
    expect(second.plan?.prune.map((r) => r.name).sort()).toEqual(['b', 'foreign']);
    expect((await kube.get(ref(cm('a', space))))?.['data']).toEqual({ k: 'v2' });
    expect(await kube.get(ref(cm('b', space)))).toBeUndefined();
    expect(await kube.get(ref(cm('foreign', space)))).toBeDefined();
    expect(second.inventory.map((r) => r.name)).toEqual(['a']);
  });

  it('applies nothing when the dry run of one object fails, and names that object', async () => {
    await kube.apply(ns(space), 'test');
    const bad: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'broken', namespace: space, labels: { tier: 'not a valid value!' } }, spec: {} };
    const outcome = await syncApp(kube, { app: 'web', rendered: [cm('fine', space), bad], previousInventory: [], guard: allowAll, defaultNamespace: space });
    expect(outcome.error).toMatch(new RegExp(`^dry run of Deployment ${space}/broken failed: `));
    expect(await kube.get(ref(cm('fine', space)))).toBeUndefined();
    expect(outcome.inventory).toEqual([]);
  });

  it('applies nothing of a set of 20 when the dry run refuses one of them, and names it', async () => {
    await kube.apply(ns(space), 'test');
    const set: KubeObject[] = Array.from({ length: 19 }, (_, i) => cm(`c${i}`, space));
    set.splice(11, 0, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'bad', namespace: space }, spec: { ports: [{ port: 70000 }] } });
    const outcome = await syncApp(kube, { app: 'web', rendered: set, previousInventory: [], guard: allowAll, defaultNamespace: space });
    expect(outcome.error).toMatch(new RegExp(`^dry run of Service ${space}/bad failed: .*70000`));
    const live = (await kube.request('GET', `/api/v1/namespaces/${space}/configmaps`)) as { items: unknown[] };
    expect(live.items).toEqual([]);
    expect(outcome.applied).toEqual([]);
  });

  it('refuses the whole app when one object is outside the guard, whatever the hub asked', async () => {
    await kube.apply(ns(space), 'test');
    const guard: Guard = { namespaces: new Set([space]), kinds: new Set(['ConfigMap']) };
    const outcome = await syncApp(kube, { app: 'web', rendered: [cm('inside', space), cm('outside', 'default')], previousInventory: [], guard, defaultNamespace: space });
    expect(outcome.error).toBe("refused by the agent's guard: ConfigMap default/outside: namespace default is not in FLOTILLA_ALLOWED_NAMESPACES");
    expect(await kube.get(ref(cm('inside', space)))).toBeUndefined();
    expect(await kube.get(ref(cm('outside', 'default')))).toBeUndefined();
  });

  it('refuses to take over an object another app owns', async () => {
    await kube.apply(ns(space), 'test');
    expect((await syncApp(kube, { app: 'billing', rendered: [cm('shared', space)], previousInventory: [], guard: allowAll, defaultNamespace: space })).error).toBeUndefined();
    const outcome = await syncApp(kube, { app: 'web', rendered: [cm('shared', space, { k: 'mine' })], previousInventory: [], guard: allowAll, defaultNamespace: space });
    expect(outcome.error).toBe(`ConfigMap ${space}/shared: already owned by application billing`);
    expect((await kube.get(ref(cm('shared', space))))?.['data']).toEqual({ k: 'v' });
  });

  it("scopes ownership to its hub: labels what it applies, and neither takes over nor prunes another hub's object of the same app", async () => {
    await kube.apply(ns(space), 'test');
    const mine = await syncApp(kube, { app: 'web', rendered: [cm('a', space)], previousInventory: [], guard: allowAll, defaultNamespace: space, hub: 'hub-a' });
    expect(mine.error).toBeUndefined();
    expect((await kube.get(ref(cm('a', space))))?.metadata.labels).toEqual({ 'app.flotilla.dev/name': 'web', 'app.flotilla.dev/hub': 'hub-a' });
    const other = await syncApp(kube, { app: 'web', rendered: [cm('a', space, { k: 'theirs' })], previousInventory: [], guard: allowAll, defaultNamespace: space, hub: 'hub-b' });
    expect(other.error).toBe(`ConfigMap ${space}/a: already owned by application web of another hub (app.flotilla.dev/hub=hub-a)`);
    const pruned = await syncApp(kube, { app: 'web', rendered: [], previousInventory: mine.inventory, guard: allowAll, defaultNamespace: space, hub: 'hub-b' });
    expect(pruned.error).toBeUndefined();
    expect((await kube.get(ref(cm('a', space))))?.['data']).toEqual({ k: 'v' });
  });

  it('applies a CRD and its custom objects in one set', async () => {
    const crd: KubeObject = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `widgets.${space}.example.com` },
      spec: {
        group: `${space}.example.com`,
        scope: 'Namespaced',
        names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    };
    const widget: KubeObject = { apiVersion: `${space}.example.com/v1`, kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 3 } };
    const outcome = await syncApp(kube, { app: 'widgets', rendered: [widget, crd, ns(space)], previousInventory: [], guard: allowAll, defaultNamespace: space });
    expect(outcome.error).toBeUndefined();
    expect(outcome.plan?.apply.map((p) => p.ref.kind)).toEqual(['Namespace', 'CustomResourceDefinition', 'Widget']);
    const live = await kube.get({ apiVersion: `${space}.example.com/v1`, kind: 'Widget', namespace: space, name: 'w1' });
    expect(live?.['spec']).toEqual({ size: 3 });
  });

  it('fails with the API server\'s refusal, naming the object, when its own identity may not touch a kind', async () => {
    await kube.apply(ns(space), 'test');
    const token = `agent-${space}`;
    cluster.grant(token, [{ verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], apiGroups: [''], resources: ['configmaps'], namespaces: [space] }]);
    const limited = KubeClient.from(cluster.kubeconfig({ token }));
    const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: space }, stringData: { a: 'b' } };
    const outcome = await syncApp(limited, { app: 'web', rendered: [cm('allowed', space), secret], previousInventory: [], guard: allowAll, defaultNamespace: space });
    expect(outcome.error).toMatch(new RegExp(`Secret ${space}/creds.*forbidden`, 'i'));
    expect(await kube.get(ref(cm('allowed', space)))).toBeUndefined();
  });
});
