// Namespace deletion as the namespace controller shows it: while a Terminating namespace still holds content (kept by
// finalizers), its status carries the deletion conditions; the store removes the namespace once it is empty.

import type { KubeObject } from '../types/index.js';
import type { Ctx, Reconciler } from './runtime.js';
import { key, ref } from './runtime.js';
import type { Condition } from './meta.js';
import { conditions, nameOf, timestamp } from './meta.js';

const NS = ref('Namespace');

/** Namespaced kinds that may hold content; enough for the message, which names what remains. */
function remaining(ctx: Ctx, ns: string): { resources: Map<string, number>; finalizers: Map<string, number> } {
  const resources = new Map<string, number>();
  const finalizers = new Map<string, number>();
  for (const { type, object } of ctx.port.store.objects()) {
    if (!type.namespaced || object.metadata.namespace !== ns) continue;
    const res = type.group ? `${type.resource}.${type.group}` : type.resource;
    resources.set(res, (resources.get(res) ?? 0) + 1);
    for (const f of object.metadata.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
  }
  return { resources, finalizers };
}

function describe(m: Map<string, number>, what: string): string {
  return [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} has ${n} ${what}`).join(', ');
}

function cond(type: string, ok: boolean, reason: string, message: string, at: string, old: Condition[]): Condition {
  const prev = old.find((c) => c.type === type);
  const status = ok ? 'True' : 'False';
  return { type, status, lastTransitionTime: prev && prev.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : at, reason, message };
}

function reconcileNamespace(ctx: Ctx, _namespace: string | undefined, name: string): void {
  const ns = ctx.port.get(NS, undefined, name);
  if (!ns?.metadata.deletionTimestamp) return;
  const { resources, finalizers } = remaining(ctx, name);
  const old = conditions(ns);
  const at = timestamp(ctx.now());
  const next = [
    cond('NamespaceDeletionDiscoveryFailure', false, 'ResourcesDiscovered', 'All resources successfully discovered', at, old),
    cond('NamespaceDeletionGroupVersionParsingFailure', false, 'ParsedGroupVersions', 'All legacy kube types successfully parsed', at, old),
    cond('NamespaceDeletionContentFailure', false, 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization', at, old),
    resources.size
      ? cond('NamespaceContentRemaining', true, 'SomeResourcesRemain', `Some resources are remaining: ${describe(resources, 'resource instances')}`, at, old)
      : cond('NamespaceContentRemaining', false, 'ContentRemoved', 'All content successfully removed', at, old),
    finalizers.size
      ? cond('NamespaceFinalizersRemaining', true, 'SomeFinalizersRemain', `Some content in the namespace has finalizers remaining: ${describe(finalizers, 'resource instances')}`, at, old)
      : cond('NamespaceFinalizersRemaining', false, 'ContentHasNoFinalizer', 'All content-preserving finalizers finished', at, old),
  ];
  ctx.port.updateStatus({ ...ns, status: { phase: 'Terminating', conditions: next } } as KubeObject);
}

export const namespaceReconciler: Reconciler = {
  kind: 'Namespace',
  reconcile: reconcileNamespace,
  triggers(ctx, _type, obj) {
    const ns = obj.metadata.namespace;
    if (!ns || obj.kind === 'Namespace') return [];
    const owner = ctx.port.get(NS, undefined, ns);
    return owner?.metadata.deletionTimestamp ? [key('Namespace', undefined, nameOf(owner))] : [];
  },
};
