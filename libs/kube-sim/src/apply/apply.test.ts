import { describe, expect, it } from 'vitest';
import { BUILTIN_TYPES } from '../catalog/builtins.js';
import { isApiError } from '../errors/index.js';
import type { KubeObject } from '../types/index.js';
import { serverSideApply, trackUpdate } from './index.js';

const type = BUILTIN_TYPES.get('apps/deployments')!;
const ctx = (now: string) => ({ type, apiVersion: 'apps/v1', now });
const dep = (spec: Record<string, unknown>, labels?: Record<string, string>): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'ns', ...(labels ? { labels } : {}) }, spec });

describe('serverSideApply', () => {
  it('lists every conflict by manager, naming Update managers with their apiVersion and time', () => {
    const applied = serverSideApply(undefined, dep({ replicas: 1, paused: false }), 'agent', false, ctx('2026-01-01T00:00:00Z'));
    const edited = trackUpdate(applied, dep({ replicas: 2, paused: true }), 'kubectl-edit', ctx('2026-01-01T00:01:00Z'));
    let err: unknown;
    try {
      serverSideApply(edited, dep({ replicas: 3, paused: false }), 'agent', false, ctx('2026-01-01T00:02:00Z'));
    } catch (e) {
      err = e;
    }
    expect(isApiError(err) && err.code).toBe(409);
    expect((err as Error).message).toBe('Apply failed with 2 conflicts: conflicts with "kubectl-edit" using apps/v1 at 2026-01-01T00:01:00Z:\n- .spec.paused\n- .spec.replicas');
  });

  it('shares a field applied with the same value, and force moves a contested one', () => {
    const a = serverSideApply(undefined, dep({ replicas: 1 }), 'a', false, ctx('t1'));
    const shared = serverSideApply(a, dep({ replicas: 1 }), 'b', false, ctx('t2'));
    expect(shared.metadata.managedFields?.map((m) => m.manager)).toEqual(['a', 'b']);
    const forced = serverSideApply(shared, dep({ replicas: 5 }), 'c', true, ctx('t3'));
    expect(forced.spec).toEqual({ replicas: 5 });
    expect(forced.metadata.managedFields?.map((m) => m.manager)).toEqual(['c']);
  });

  it('writes fieldsV1 with "." for list items that own fields below them', () => {
    const obj = serverSideApply(undefined, dep({ template: { spec: { containers: [{ name: 'app', image: 'x' }] } } }), 'a', false, ctx('t'));
    expect(obj.metadata.managedFields?.[0]?.fieldsV1).toEqual({
      'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } },
    });
  });
});
