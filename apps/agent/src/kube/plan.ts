// The plan of one application's sync as a value (like Fleet's agent): what to create, update, leave unchanged and
// prune, and why not.
import type { Guard } from '../config/index.js';
import type { KubeObject, ObjectRef } from './client.js';
import { driftPaths } from './drift.js';
import type { Baseline } from './drift.js';
import { toJsonText } from './json.js';
import { appLabel, applyOrder, describe, groupOf, guardRefusal, hubLabel, refKey, refOf, tierOf } from './objects.js';
import type { Tier } from './objects.js';

export interface PlannedObject {
  ref: ObjectRef;
  key: string;
  tier: Tier;
  object: KubeObject;
  /** unchanged: applied before as it is now, and the live object still holds what was applied (nothing to send). */
  action: 'create' | 'update' | 'unchanged';
  /** For an update of an object applied before as it is now: the field paths someone changed in the cluster. */
  drift?: string[];
  /** The kind is defined by a CRD in the same set and is not served yet: no dry run before its CRD is applied. */
  pendingKind: boolean;
}

export interface Plan {
  app: string;
  /** In apply order, unchanged objects included. */
  apply: PlannedObject[];
  /** Objects of the previous inventory the new one no longer holds, in delete order (reverse of apply order). */
  prune: ObjectRef[];
  /** Problems that forbid applying anything of the application. */
  errors: string[];
}

/** Scope of a kind as discovery reports it; undefined when the cluster does not serve the kind. */
export type ScopeOf = (apiVersion: string, kind: string) => boolean | undefined;

/** Kinds the set's own CRDs define, so their objects can be planned before the CRD exists: group/Kind -> namespaced. */
export function crdScopes(objects: readonly KubeObject[]): Map<string, boolean> {
  const scopes = new Map<string, boolean>();
  for (const o of objects) {
    if (o.kind !== 'CustomResourceDefinition' || groupOf(o.apiVersion) !== 'apiextensions.k8s.io') continue;
    const spec = o['spec'] as { group?: unknown; names?: { kind?: unknown }; scope?: unknown } | undefined;
    if (typeof spec?.group === 'string' && typeof spec.names?.kind === 'string') {
      scopes.set(`${spec.group}/${spec.names.kind}`, spec.scope !== 'Cluster');
    }
  }
  return scopes;
}

export interface Normalized {
  objects: Array<{ object: KubeObject; ref: ObjectRef; key: string; tier: Tier; pendingKind: boolean }>;
  errors: string[];
}

/** Places namespaced objects without a namespace in the default one, drops namespaces from cluster-scoped ones, labels every object with its app. */
export function normalize(app: string, rendered: readonly KubeObject[], scopeOf: ScopeOf, defaultNamespace: string, hub?: string): Normalized {
  const fromCrds = crdScopes(rendered);
  const errors: string[] = [];
  const objects: Normalized['objects'] = [];
  const seen = new Set<string>();
  for (const original of rendered) {
    const served = scopeOf(original.apiVersion, original.kind);
    const pending = served === undefined ? fromCrds.get(`${groupOf(original.apiVersion)}/${original.kind}`) : undefined;
    const namespaced = served ?? pending;
    if (namespaced === undefined) {
      errors.push(`${describe(refOf(original))}: the cluster serves no kind ${original.kind} in ${original.apiVersion}`);
      continue;
    }
    const metadata = { ...original.metadata, labels: { ...(original.metadata.labels ?? {}), [appLabel]: app, ...(hub !== undefined ? { [hubLabel]: hub } : {}) } };
    if (namespaced) metadata.namespace = original.metadata.namespace || defaultNamespace;
    else delete metadata.namespace;
    const object: KubeObject = { ...original, metadata };
    const ref = refOf(object);
    const key = refKey(ref);
    if (seen.has(key)) {
      errors.push(`${describe(ref)}: defined more than once`);
      continue;
    }
    seen.add(key);
    objects.push({ object, ref, key, tier: tierOf(ref, namespaced), pendingKind: served === undefined });
  }
  return { objects, errors };
}

export interface PlanInput {
  app: string;
  normalized: Normalized;
  /** Live objects by refKey; absent or undefined means the object does not exist. */
  live: ReadonlyMap<string, KubeObject | undefined>;
  previousInventory: readonly ObjectRef[];
  guard: Guard;
  /** What the last applies stored, by refKey; without one an existing object is updated. */
  baselines?: ReadonlyMap<string, Baseline>;
  /** This agent's hub scope (hubLabel); undefined: ownership by application name alone. */
  hub?: string;
}

function actionOf(item: Normalized['objects'][number], current: KubeObject | undefined, baseline: Baseline | undefined): Pick<PlannedObject, 'action' | 'drift'> {
  if (current === undefined) return { action: 'create' };
  if (baseline === undefined || baseline.desired !== toJsonText(item.object)) return { action: 'update' };
  const drift = driftPaths(baseline, current);
  return drift.length === 0 ? { action: 'unchanged' } : { action: 'update', drift };
}

export function planSync({ app, normalized, live, previousInventory, guard, baselines, hub }: PlanInput): Plan {
  const errors = [...normalized.errors];
  const apply: PlannedObject[] = [];
  for (const item of normalized.objects) {
    const refusal = guardRefusal(guard, item.ref);
    if (refusal !== undefined) {
      errors.push(`refused by the agent's guard: ${refusal}`);
      continue;
    }
    const current = live.get(item.key);
    const owner = current?.metadata.labels?.[appLabel];
    if (owner !== undefined && owner !== app) {
      errors.push(`${describe(item.ref)}: already owned by application ${owner}`);
      continue;
    }
    const ownerHub = current?.metadata.labels?.[hubLabel];
    if (hub !== undefined && ownerHub !== undefined && ownerHub !== hub) {
      errors.push(`${describe(item.ref)}: already owned by application ${owner ?? '?'} of another hub (${hubLabel}=${ownerHub})`);
      continue;
    }
    apply.push({ ...item, ...actionOf(item, current, item.pendingKind ? undefined : baselines?.get(item.key)) });
  }
  const wanted = new Set(normalized.objects.map((o) => o.key));
  const prune = applyOrder(
    previousInventory
      .filter((ref) => !wanted.has(refKey(ref)) && guardRefusal(guard, ref) === undefined)
      .map((ref) => ({ ref, tier: tierOf(ref, ref.namespace !== undefined) })),
  )
    .reverse()
    .map((p) => p.ref);
  return { app, apply: applyOrder(apply), prune, errors };
}
