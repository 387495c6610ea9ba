// Invariants of the sync plan over arbitrary object sets, inventories and guards.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalize, planSync, refKey } from '../src/kube/index.js';
import type { KubeObject, ObjectRef } from '../src/kube/index.js';
import type { Guard } from '../src/config/index.js';

const kinds = [
  { apiVersion: 'v1', kind: 'Namespace', namespaced: false },
  { apiVersion: 'v1', kind: 'ConfigMap', namespaced: true },
  { apiVersion: 'apps/v1', kind: 'Deployment', namespaced: true },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', namespaced: false },
  { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', namespaced: false },
] as const;
const scope = (apiVersion: string, kind: string) => kinds.find((k) => k.apiVersion === apiVersion && k.kind === kind)?.namespaced;

const arbObject = fc.record({ k: fc.constantFrom(...kinds), name: fc.constantFrom('a', 'b', 'c'), ns: fc.constantFrom('shop', 'ops', undefined) }).map(
  ({ k, name, ns }): KubeObject => ({ apiVersion: k.apiVersion, kind: k.kind, metadata: ns === undefined ? { name } : { name, namespace: ns } }),
);
const arbGuard: fc.Arbitrary<Guard> = fc.record({
  namespaces: fc.oneof(fc.constant('*' as const), fc.subarray(['shop', 'ops', 'default', 'a', 'b', 'c']).map((a) => new Set(a))),
  kinds: fc.oneof(fc.constant('*' as const), fc.subarray(kinds.map((k) => k.kind)).map((a) => new Set<string>(a))),
});

describe('planSync invariants', () => {
  it('never prunes what it applies, applies in tier order, and applies nothing the guard refuses', () => {
    fc.assert(
      fc.property(fc.array(arbObject, { maxLength: 8 }), fc.array(arbObject, { maxLength: 8 }), arbGuard, (rendered, previous, guard) => {
        const previousInventory: ObjectRef[] = normalize('app', previous, scope, 'default').objects.map((o) => o.ref);
        const plan = planSync({ app: 'app', normalized: normalize('app', rendered, scope, 'default'), live: new Map(), previousInventory, guard });
        const applied = new Set(plan.apply.map((p) => p.key));
        for (const ref of plan.prune) expect(applied.has(refKey(ref))).toBe(false);
        const tiers = plan.apply.map((p) => p.tier);
        expect(tiers).toEqual([...tiers].sort((x, y) => x - y));
        if (guard.kinds !== '*') for (const p of plan.apply) expect(guard.kinds.has(p.ref.kind)).toBe(true);
        if (guard.namespaces !== '*') for (const p of plan.apply) if (p.ref.namespace) expect(guard.namespaces.has(p.ref.namespace)).toBe(true);
        for (const p of plan.apply) expect(p.object.metadata.labels?.['app.flotilla.dev/name']).toBe('app');
      }),
      { numRuns: 300 },
    );
  });
});
