// The sync plan as a value: defaults, ordering, ownership, the guard and what to prune.
import { describe, expect, it } from 'vitest';
import { baselineOf, normalize, planSync } from '../src/kube/index.js';
import type { KubeObject } from '../src/kube/index.js';
import type { Guard } from '../src/config/index.js';

const allowAll: Guard = { namespaces: '*', kinds: '*' };
const scope = (apiVersion: string, kind: string): boolean | undefined =>
  (<Record<string, boolean>>{ 'v1|Namespace': false, 'v1|ConfigMap': true, 'apps/v1|Deployment': true, 'rbac.authorization.k8s.io/v1|ClusterRole': false, 'apiextensions.k8s.io/v1|CustomResourceDefinition': false, 'v1|Service': true })[`${apiVersion}|${kind}`];

const obj = (apiVersion: string, kind: string, name: string, namespace?: string): KubeObject => ({ apiVersion, kind, metadata: namespace ? { name, namespace } : { name } });
const crd: KubeObject = { ...obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com'), spec: { group: 'example.com', names: { kind: 'Widget' }, scope: 'Namespaced' } };

describe('planSync', () => {
  it('orders Namespaces, CRDs, cluster-scoped, then namespaced objects (dependencies first)', () => {
    const rendered = [obj('apps/v1', 'Deployment', 'web'), obj('example.com/v1', 'Widget', 'w'), obj('v1', 'ConfigMap', 'cfg'), obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'r'), crd, obj('v1', 'Namespace', 'shop')];
    const plan = planSync({ app: 'web', normalized: normalize('web', rendered, scope, 'shop'), live: new Map(), previousInventory: [], guard: allowAll });
    expect(plan.errors).toEqual([]);
    expect(plan.apply.map((p) => p.ref.kind)).toEqual(['Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ConfigMap', 'Deployment', 'Widget']);
    expect(plan.apply.find((p) => p.ref.kind === 'Widget')?.pendingKind).toBe(true);
  });

  it('puts namespaced objects in the default namespace and labels every object with its app', () => {
    const plan = planSync({ app: 'web', normalized: normalize('web', [obj('v1', 'ConfigMap', 'cfg'), obj('v1', 'Namespace', 'shop', 'ignored')], scope, 'shop'), live: new Map(), previousInventory: [], guard: allowAll });
    const [ns, cm] = plan.apply;
    expect(cm?.object.metadata).toEqual({ name: 'cfg', namespace: 'shop', labels: { 'app.flotilla.dev/name': 'web' } });
    expect(ns?.object.metadata.namespace).toBeUndefined();
  });

  it('creates what is absent and updates what exists', () => {
    const normalized = normalize('web', [obj('v1', 'ConfigMap', 'a', 'shop'), obj('v1', 'ConfigMap', 'b', 'shop')], scope, 'default');
    const live = new Map([['/ConfigMap/shop/b', { ...obj('v1', 'ConfigMap', 'b', 'shop') }]]);
    const plan = planSync({ app: 'web', normalized, live, previousInventory: [], guard: allowAll });
    expect(plan.apply.map((p) => [p.ref.name, p.action])).toEqual([['a', 'create'], ['b', 'update']]);
  });

  it('leaves unchanged what was applied as it is now and still holds it; updates what drifted, naming the fields, or what the commit changed', () => {
    const withData = (name: string, data: Record<string, string>) => ({ ...obj('v1', 'ConfigMap', name, 'shop'), data });
    const normalized = normalize('web', [withData('same', { k: 'v' }), withData('edited', { k: 'v' }), withData('new-commit', { k: 'v2' })], scope, 'default');
    const stored = (o: KubeObject, extra: Record<string, unknown> = {}) => ({ ...o, metadata: { ...o.metadata, resourceVersion: '7', uid: 'u' }, ...extra });
    const applied = new Map(normalized.objects.map((o) => [o.key, o.object]));
    const baselines = new Map(normalized.objects.map((o) => [o.key, baselineOf(o.key.endsWith('new-commit') ? withData('new-commit', { k: 'v' }) : o.object, stored(applied.get(o.key)!))]));
    const live = new Map<string, KubeObject>([
      ['/ConfigMap/shop/same', stored(applied.get('/ConfigMap/shop/same')!, { metadata: { ...applied.get('/ConfigMap/shop/same')!.metadata, resourceVersion: '9', annotations: { 'kubectl.kubernetes.io/restartedAt': 'x' } } })],
      ['/ConfigMap/shop/edited', stored(applied.get('/ConfigMap/shop/edited')!, { data: { k: 'by hand' } })],
      ['/ConfigMap/shop/new-commit', stored(withData('new-commit', { k: 'v' }))],
    ]);
    const plan = planSync({ app: 'web', normalized, live, previousInventory: [], guard: allowAll, baselines });
    expect(plan.apply.map((p) => [p.ref.name, p.action, p.drift])).toEqual([
      ['edited', 'update', ['data.k']],
      ['new-commit', 'update', undefined],
      ['same', 'unchanged', undefined],
    ]);
  });

  it('refuses an object another application owns', () => {
    const normalized = normalize('web', [obj('v1', 'ConfigMap', 'a', 'shop')], scope, 'default');
    const live = new Map([['/ConfigMap/shop/a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'shop', labels: { 'app.flotilla.dev/name': 'billing' } } }]]);
    expect(planSync({ app: 'web', normalized, live, previousInventory: [], guard: allowAll }).errors).toEqual(['ConfigMap shop/a: already owned by application billing']);
  });

  it('refuses kinds the cluster does not serve and objects defined twice', () => {
    const normalized = normalize('web', [obj('example.com/v1', 'Gadget', 'g', 'shop'), obj('v1', 'ConfigMap', 'a', 'shop'), obj('v1', 'ConfigMap', 'a', 'shop')], scope, 'default');
    expect(normalized.errors).toEqual(['Gadget shop/g: the cluster serves no kind Gadget in example.com/v1', 'ConfigMap shop/a: defined more than once']);
  });

  it('refuses objects outside the allowed namespaces and kinds, naming them', () => {
    const guard: Guard = { namespaces: new Set(['shop']), kinds: new Set(['ConfigMap', 'apps/Deployment', 'Namespace']) };
    const rendered = [obj('v1', 'ConfigMap', 'ok', 'shop'), obj('v1', 'ConfigMap', 'elsewhere', 'kube-system'), obj('v1', 'Service', 'svc', 'shop'), obj('v1', 'Namespace', 'other'), obj('apps/v1', 'Deployment', 'web', 'shop')];
    const plan = planSync({ app: 'web', normalized: normalize('web', rendered, scope, 'shop'), live: new Map(), previousInventory: [], guard });
    expect(plan.errors).toEqual([
      "refused by the agent's guard: ConfigMap kube-system/elsewhere: namespace kube-system is not in FLOTILLA_ALLOWED_NAMESPACES",
      "refused by the agent's guard: Service shop/svc: kind Service is not in FLOTILLA_ALLOWED_KINDS",
      "refused by the agent's guard: Namespace other: namespace other is not in FLOTILLA_ALLOWED_NAMESPACES",
    ]);
  });

  it('prunes what the previous inventory held and the new one does not, namespaced objects before their namespace', () => {
    const normalized = normalize('web', [obj('v1', 'ConfigMap', 'keep', 'shop')], scope, 'default');
    const previousInventory = [obj('v1', 'Namespace', 'old'), obj('v1', 'ConfigMap', 'keep', 'shop'), obj('v1', 'ConfigMap', 'gone', 'old')].map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name }));
    const plan = planSync({ app: 'web', normalized, live: new Map(), previousInventory, guard: allowAll });
    expect(plan.prune.map((r) => `${r.kind}/${r.name}`)).toEqual(['ConfigMap/gone', 'Namespace/old']);
  });

  it('never prunes outside the guard', () => {
    const guard: Guard = { namespaces: new Set(['shop']), kinds: '*' };
    const plan = planSync({ app: 'web', normalized: normalize('web', [], scope, 'shop'), live: new Map(), previousInventory: [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-system', name: 'x' }], guard });
    expect(plan.prune).toEqual([]);
  });
});
