// Judges an application's objects from the watch cache with the pure rules: no API call per object per poll.
import { applyCustomRules, assessHealth, contextAmong, podOwningKinds, worstOf } from '../health/index.js';
import type { CustomHealthRule, HealthResult } from '../health/index.js';
import type { WatchCache, WatchScope } from './cache.js';
import { scopeKey, scopeOf } from './cache.js';
import type { ObjectRef } from './client.js';
import { describe, groupOf } from './objects.js';

export interface ResourceHealth {
  ref: ObjectRef;
  health: HealthResult;
}

export interface AppHealth {
  health: HealthResult;
  resources: ResourceHealth[];
}

const podScope = (namespace: string): WatchScope => ({ apiVersion: 'v1', kind: 'Pod', namespace });
const replicaSetScope = (namespace: string): WatchScope => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace });
const ownsPods = (ref: ObjectRef) => podOwningKinds.has(`${groupOf(ref.apiVersion)}/${ref.kind}`);

/** What must be watched to judge these objects: their own kinds, and the pods (and ReplicaSets) of their workloads. */
export function scopesFor(inventory: readonly ObjectRef[]): WatchScope[] {
  const scopes = new Map<string, WatchScope>();
  const add = (s: WatchScope) => scopes.set(scopeKey(s), s);
  for (const ref of inventory) {
    add(scopeOf(ref));
    if (ownsPods(ref) && ref.namespace !== undefined) {
      add(podScope(ref.namespace));
      if (ref.kind === 'Deployment') add(replicaSetScope(ref.namespace));
    }
  }
  return [...scopes.values()];
}

/** True when a change to `ref` can alter the health of an application holding `inventory`. */
export function affects(inventory: readonly ObjectRef[], changed: { kind: string; namespace?: string | undefined }, changedKey: string, inventoryKeys: ReadonlySet<string>): boolean {
  if (inventoryKeys.has(changedKey)) return true;
  if (changed.kind !== 'Pod' && changed.kind !== 'ReplicaSet') return false;
  return inventory.some((ref) => ownsPods(ref) && ref.namespace === changed.namespace);
}

/** Health of each object from the cache: the built-in rule, or the first of the app's own rules for its kind. */
export function observeCached(cache: WatchCache, inventory: readonly ObjectRef[], rules: readonly CustomHealthRule[] = []): AppHealth {
  const resources: ResourceHealth[] = inventory.map((ref) => {
    const found = cache.lookup(ref);
    if (!found.ok) return { ref, health: { status: 'Unknown', message: `cannot read: ${found.error}` } };
    const object = found.object;
    const context =
      object !== undefined && ref.namespace !== undefined && ownsPods(ref)
        ? contextAmong(object, { replicaSets: cache.list(replicaSetScope(ref.namespace)), pods: cache.list(podScope(ref.namespace)) })
        : undefined;
    return { ref, health: applyCustomRules(object, assessHealth(object, context), rules) };
  });
  return { health: worstOf(resources.map((r) => ({ ...r, label: describe(r.ref) }))), resources };
}
