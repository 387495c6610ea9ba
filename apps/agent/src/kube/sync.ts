// Drives one application's sync against the cluster: read live state (from the watch cache when given), plan, dry-run
// what changes, apply it in order, prune. An application whose objects are all unchanged costs no API call.
import type { Guard } from '../config/index.js';
import { errorMessage } from '../errors.js';
import { isNotFound } from './client.js';
import type { Lookup } from './cache.js';
import type { KubeClient, KubeObject, ObjectRef } from './client.js';
import { baselineOf } from './drift.js';
import type { Baseline } from './drift.js';
import { describe, fieldManager, ownedBy, refKey } from './objects.js';
import { normalize, planSync } from './plan.js';
import type { Plan } from './plan.js';

export interface SyncInput {
  app: string;
  rendered: readonly KubeObject[];
  previousInventory: readonly ObjectRef[];
  guard: Guard;
  defaultNamespace: string;
  /** Baselines of the previous applies (see drift.ts), by refKey. */
  baselines?: ReadonlyMap<string, Baseline>;
  /** Where live objects are read from; default one GET per object. */
  live?: LiveSource;
  /** This agent's hub scope, labelled on every object (hubLabel); undefined: none. */
  hub?: string;
}

/** Live objects without a GET each: the watch cache. A lookup that cannot tell falls back to a GET. */
export interface LiveSource {
  ensure(refs: readonly ObjectRef[]): Promise<void>;
  lookup(ref: ObjectRef): Lookup;
}

export interface SyncOutcome {
  /** Undefined when every object was applied and every stale one pruned. */
  error: string | undefined;
  /** What the application owns in the cluster now (applied objects, plus stale ones that could not be pruned). */
  inventory: ObjectRef[];
  plan: Plan | undefined;
  /** The objects as the API server answered each apply (what the watch cache will hold next). */
  applied: KubeObject[];
  /** Baselines of every object the application now holds, by refKey. */
  baselines: Map<string, Baseline>;
}

async function scopes(client: KubeClient, objects: readonly KubeObject[]): Promise<Map<string, boolean | undefined>> {
  const result = new Map<string, boolean | undefined>();
  for (const o of objects) {
    const key = `${o.apiVersion}|${o.kind}`;
    if (!result.has(key)) result.set(key, (await client.resource(o.apiVersion, o.kind))?.namespaced);
  }
  return result;
}

/** Builds the plan: discovery and live reads are the only I/O; the decisions are planSync's. */
export async function buildPlan(client: KubeClient, input: SyncInput): Promise<Plan> {
  const scopeMap = await scopes(client, input.rendered);
  const normalized = normalize(input.app, input.rendered, (apiVersion, kind) => scopeMap.get(`${apiVersion}|${kind}`), input.defaultNamespace, input.hub);
  const live = new Map<string, KubeObject | undefined>();
  const readable = normalized.objects.filter((o) => !o.pendingKind);
  await input.live?.ensure(readable.map((o) => o.ref));
  for (const item of readable) {
    const cached = input.live?.lookup(item.ref);
    if (cached?.ok) {
      live.set(item.key, cached.object);
      continue;
    }
    try {
      live.set(item.key, await client.get(item.ref));
    } catch (error) {
      throw new Error(`reading ${describe(item.ref)} failed: ${errorMessage(error)}`);
    }
  }
  return planSync({ app: input.app, normalized, live, previousInventory: input.previousInventory, guard: input.guard, ...(input.baselines ? { baselines: input.baselines } : {}), ...(input.hub !== undefined ? { hub: input.hub } : {}) });
}

/** Server-side dry run of the whole set; objects that wait on a Namespace or CRD of the same set are judged leniently. */
async function dryRun(client: KubeClient, plan: Plan): Promise<string | undefined> {
  const newNamespaces = new Set(plan.apply.filter((p) => p.ref.kind === 'Namespace' && p.action === 'create').map((p) => p.ref.name));
  for (const item of plan.apply) {
    if (item.pendingKind || item.action === 'unchanged') continue;
    try {
      await client.apply(item.object, fieldManager, true);
    } catch (error) {
      if (isNotFound(error) && item.ref.namespace !== undefined && newNamespaces.has(item.ref.namespace)) continue;
      return `dry run of ${describe(item.ref)} failed: ${errorMessage(error)}`;
    }
  }
  return undefined;
}

/** Deletes stale objects that still carry this app's label; returns those that could not be deleted, with the first error. */
export async function prune(client: KubeClient, app: string, refs: readonly ObjectRef[], hub?: string): Promise<{ remaining: ObjectRef[]; error: string | undefined }> {
  const remaining: ObjectRef[] = [];
  let firstError: string | undefined;
  for (const ref of refs) {
    try {
      const live = await client.get(ref);
      if (live === undefined || !ownedBy(live.metadata.labels, app, hub)) continue;
      await client.delete(ref);
    } catch (error) {
      remaining.push(ref);
      firstError ??= `prune of ${describe(ref)} failed: ${errorMessage(error)}`;
    }
  }
  return { remaining, error: firstError };
}

export async function syncApp(client: KubeClient, input: SyncInput): Promise<SyncOutcome> {
  const kept = new Map(input.baselines ?? []);
  let plan: Plan;
  try {
    plan = await buildPlan(client, input);
  } catch (error) {
    return { error: `planning failed: ${errorMessage(error)}`, inventory: [...input.previousInventory], plan: undefined, applied: [], baselines: kept };
  }
  if (plan.errors.length > 0) return { error: plan.errors.join('; '), inventory: [...input.previousInventory], plan, applied: [], baselines: kept };
  const dryRunError = await dryRun(client, plan);
  if (dryRunError !== undefined) return { error: dryRunError, inventory: [...input.previousInventory], plan, applied: [], baselines: kept };

  const owned = new Map<string, ObjectRef>(input.previousInventory.map((r) => [refKey(r), r]));
  const applied: KubeObject[] = [];
  const baselines = new Map<string, Baseline>();
  for (const item of plan.apply) {
    const previous = kept.get(item.key);
    if (item.action === 'unchanged' && previous !== undefined) {
      baselines.set(item.key, previous);
      owned.set(item.key, item.ref);
      continue;
    }
    try {
      const stored = await client.apply(item.object, fieldManager);
      applied.push(stored);
      baselines.set(item.key, baselineOf(item.object, stored));
      owned.set(item.key, item.ref);
    } catch (error) {
      return { error: `apply of ${describe(item.ref)} failed: ${errorMessage(error)}`, inventory: [...owned.values()], plan, applied, baselines: new Map([...kept, ...baselines]) };
    }
  }
  const pruned = await prune(client, input.app, plan.prune, input.hub);
  const inventory = [...plan.apply.map((p) => p.ref), ...pruned.remaining];
  return { error: pruned.error, inventory, plan, applied, baselines };
}
