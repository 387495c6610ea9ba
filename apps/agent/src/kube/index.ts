// Kubernetes access for the agent: the JSON client, the plan, the sync driver and health observation.
export { KubeClient, KubeError, isNotFound, loadKubeConfig } from './client.js';
export type { ApiResource, KubeObject, ObjectRef } from './client.js';
export { appLabel, describe, fieldManager, guardRefusal, hubLabel, hubScopeOf, ownedBy, refKey, refOf } from './objects.js';
export { rebuildInventory } from './inventory.js';
export { crdScopes, normalize, planSync } from './plan.js';
export type { Plan, PlannedObject } from './plan.js';
export { buildPlan, prune, syncApp } from './sync.js';
export type { LiveSource, SyncInput, SyncOutcome } from './sync.js';
export { baselineOf, driftPaths } from './drift.js';
export type { Baseline } from './drift.js';
export { affects, observeCached, scopesFor } from './observe.js';
export { WatchCache, scopeKey, scopeOf } from './cache.js';
export type { CacheChange, Lookup, WatchScope } from './cache.js';
export type { AppHealth, ResourceHealth } from './observe.js';
