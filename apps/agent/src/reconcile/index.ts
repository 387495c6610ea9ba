// Keeps the cluster at the last desired state: per application fetch, render, sync, observe health; retries failures
// with backoff, re-applies periodically (drift), polls health while anything is not settled, prunes removed apps.
import type { Logger } from 'pino';
import { isRenderError } from '@flotilla/render';
import type { RenderParams } from '@flotilla/render';
import type { BackoffPolicy, Clock, Timer } from '../clock.js';
import { backoffDelay, defaultBackoff } from '../clock.js';
import type { Guard, KustomizeBinaryConfig } from '../config/index.js';
import { errorMessage, isTransientSyncError } from '../errors.js';
import type { HealthResult } from '../health/index.js';
import { affects, describe, driftPaths, guardRefusal, observeCached, prune, rebuildInventory, refKey, scopeOf, scopesFor, syncApp, WatchCache } from '../kube/index.js';
import type { Baseline, CacheChange, KubeClient, LiveSource, ObjectRef, ResourceHealth } from '../kube/index.js';
import type { Source } from '../source/index.js';
import type { AgentState, AppTargetSpec, DesiredSnapshot, StateStore } from '../state/index.js';
import type { AppStatusValue, DriftedObject, SyncState } from '../status/index.js';
import { manifestDigest } from './digest.js';
import { chooseEngine } from './engine.js';
import { toKubeObjects } from './objects.js';

export interface ReconcilerOptions {
  store: StateStore;
  state: AgentState;
  source: Source;
  kube: KubeClient;
  /** The watch cache health is read from; default: one of the reconciler's own on `kube`, stopped with it. */
  cache?: WatchCache;
  guard: Guard;
  /** This agent's hub scope, labelled on everything it applies (see hubLabel); undefined: no hub label. */
  hub?: string | undefined;
  /** The external kustomize the cluster admin allows; undefined: apps asking for it fail. */
  kustomize?: KustomizeBinaryConfig | undefined;
  clock: Clock;
  random: () => number;
  log: Logger;
  /** Receives every application's status after each change. */
  onStatus(statuses: AppStatusValue[]): void;
  /** Re-apply an already synced application this often, undoing drift (default 3 minutes). */
  resyncMs?: number;
  /** Re-read health this often while some application is not Healthy (default 2 s) ... */
  healthPollMs?: number;
  /** ... and this often once everything is settled (default 30 s). */
  steadyHealthPollMs?: number;
  retry?: BackoffPolicy;
}

interface AppRuntime {
  /** The target the last successful sync applied (JSON of the AppTargetSpec), undefined before any. */
  appliedKey: string | undefined;
  /** The target the last attempt (successful or not) was for. */
  attemptedKey: string | undefined;
  lastSyncAt: number;
  failures: number;
  retryAt: number;
  status: AppStatusValue | undefined;
  /** The outcome of the last sync attempt; the reported sync is OutOfSync while `drift` is not empty. */
  sync: SyncState;
  syncError: string;
  /** What the last applies stored, by refKey: the reference for drift and for "unchanged". */
  baselines: Map<string, Baseline>;
  drift: DriftedObject[];
  digest: string;
  /** A sync is under way: its own writes are not drift. */
  syncing: boolean;
}

const targetKey = (target: AppTargetSpec) => JSON.stringify(target);

export class Reconciler {
  private readonly apps = new Map<string, AppRuntime>();
  private running: Promise<void> | undefined;
  private again = false;
  private timer: Timer | undefined;
  private stopped = false;
  private started = 0;
  private completed = 0;
  private readonly passListeners = new Set<() => void>();
  private readonly cache: WatchCache;

  private readonly live: LiveSource;

  constructor(private readonly options: ReconcilerOptions) {
    const cache = (this.cache = options.cache ?? new WatchCache(options.kube, options.clock));
    this.cache.on((change) => this.onCacheChange(change));
    this.live = { ensure: (refs) => cache.ensure(refs.map(scopeOf)), lookup: (ref) => cache.lookup(ref) };
  }

  get state(): AgentState {
    return this.options.state;
  }

  /**
   * Stores a newer snapshot and reconciles it; older generations are ignored (the hub resends on reconnect), unless
   * the snapshot is for another cluster id: after a re-registration the hub's generations start over.
   */
  async setDesired(snapshot: DesiredSnapshot): Promise<boolean> {
    const current = this.options.state.desired;
    if (current !== undefined && current.clusterId === snapshot.clusterId && snapshot.generation < current.generation) {
      this.options.log.warn({ generation: snapshot.generation.toString(), current: current.generation.toString() }, 'ignoring an older desired state');
      return false;
    }
    const changed = current === undefined || snapshot.generation !== current.generation || JSON.stringify(snapshot.apps) !== JSON.stringify(current.apps);
    this.options.state.desired = snapshot;
    await this.options.store.saveState(this.options.state);
    if (changed) {
      this.publish();
      this.trigger();
    }
    return true;
  }

  /** Starts a pass now (or right after the running one). */
  trigger(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.timer?.cancel();
    this.timer = undefined;
    this.running = this.loop().finally(() => {
      this.running = undefined;
      // A trigger that came after the loop's last check but before it ended must not be lost.
      if (this.again) this.trigger();
    });
  }

  /** Starts a pass and resolves once a pass that began after this call has finished. */
  reconcileNow(): Promise<void> {
    const needed = this.started + 1;
    const done = new Promise<void>((resolve) => {
      const listener = () => {
        if (this.completed < needed && !this.stopped) return;
        this.passListeners.delete(listener);
        resolve();
      };
      this.passListeners.add(listener);
    });
    this.trigger();
    return done;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.running;
    if (this.options.cache === undefined) this.cache.stop();
    for (const listener of [...this.passListeners]) listener();
  }

  /** A watched object changed: re-judge the applications it concerns at once, from the cache, with no API call. */
  private onCacheChange(change: CacheChange): void {
    if (this.stopped) return;
    for (const target of this.options.state.desired?.apps ?? []) {
      const runtime = this.apps.get(target.app);
      const status = runtime?.status;
      if (runtime === undefined || status === undefined) continue;
      const inventory = this.options.state.inventories[target.app] ?? [];
      const keys = new Set(inventory.map(refKey));
      if (!affects(inventory, { kind: change.object.kind, namespace: change.object.metadata.namespace }, change.key, keys)) continue;
      const observed = observeCached(this.cache, inventory, target.healthRules);
      // A sync's own writes are not drift; the pass judges drift again once it is done.
      if (!runtime.syncing) runtime.drift = this.driftOf(inventory, runtime);
      this.setStatus(runtime, target, status.observedGeneration, observed.health, observed.resources);
      // Someone changed or deleted an object of a self-healing app behind our back: a pass puts it back.
      if (target.selfHeal && !runtime.syncing && runtime.drift.length > 0 && runtime.sync === 'Synced') this.trigger();
    }
  }

  /** Statuses of the applications in the current desired state only: the hub rejects reports on apps it dropped. */
  statuses(): AppStatusValue[] {
    const wanted = new Set((this.options.state.desired?.apps ?? []).map((a) => a.app));
    return [...this.apps.entries()].flatMap(([app, a]) => (a.status && wanted.has(app) ? [a.status] : []));
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      this.started += 1;
      try {
        await this.pass();
      } catch (error) {
        this.options.log.error({ err: errorMessage(error) }, 'reconcile pass failed');
      }
      this.completed += 1;
      for (const listener of [...this.passListeners]) listener();
    } while (this.again && !this.stopped);
    if (!this.stopped) this.scheduleNext();
  }

  private runtime(app: string): AppRuntime {
    let runtime = this.apps.get(app);
    if (!runtime) {
      runtime = { appliedKey: undefined, attemptedKey: undefined, lastSyncAt: 0, failures: 0, retryAt: 0, status: undefined, sync: 'OutOfSync', syncError: '', baselines: new Map(), drift: [], digest: '', syncing: false };
      this.apps.set(app, runtime);
    }
    return runtime;
  }

  private publish(): void {
    this.options.onStatus(this.statuses());
  }

  private async pass(): Promise<void> {
    const desired = this.options.state.desired;
    const now = () => this.options.clock.now().getTime();
    const resyncMs = this.options.resyncMs ?? 180_000;
    for (const target of desired?.apps ?? []) {
      if (this.stopped) return;
      const runtime = this.runtime(target.app);
      const key = targetKey(target);
      const changed = runtime.appliedKey !== key;
      // A new target is tried at once, whatever backoff an older failing one was in.
      if (runtime.attemptedKey !== key) runtime.failures = 0;
      // Synced apps are looked at again every resyncMs; with every object unchanged that costs no API call.
      const due =
        runtime.attemptedKey !== key ||
        (runtime.failures > 0 ? now() >= runtime.retryAt : changed || (target.selfHeal && (runtime.drift.length > 0 || now() - runtime.lastSyncAt >= resyncMs)));
      if (due) await this.syncOne(target, runtime, desired!.generation, changed);
      await this.observe(target, runtime, desired!.generation);
      if (target.selfHeal && runtime.drift.length > 0 && runtime.failures === 0 && runtime.appliedKey === key) {
        // Something changed or deleted objects behind our back: put them back now rather than at the next resync.
        this.options.log.info({ app: target.app, drift: runtime.drift.map((d) => `${describe(d.ref)}${d.deleted ? ' deleted' : `: ${d.paths.join(', ')}`}`) }, 'drift: re-applying');
        await this.syncOne(target, runtime, desired!.generation, false);
        await this.observe(target, runtime, desired!.generation);
      }
    }
    const wanted = new Set((desired?.apps ?? []).map((a) => a.app));
    for (const app of [...this.apps.keys()]) {
      if (!wanted.has(app)) {
        this.apps.delete(app);
        this.publish();
      }
    }
    await this.pruneRemoved(wanted);
    this.cache.retain(scopesFor(Object.values(this.options.state.inventories).flat()));
    if (desired !== undefined) this.options.state.lastAppliedGeneration = desired.generation;
    await this.options.store.saveState(this.options.state);
  }

  /** Publishes the app's status: the last sync's outcome (OutOfSync while objects drifted), the given health. */
  private setStatus(runtime: AppRuntime, target: AppTargetSpec, generation: bigint, health: HealthResult, resources: ResourceHealth[]): void {
    const sync: SyncState = runtime.sync === 'Synced' && runtime.drift.length > 0 ? 'OutOfSync' : runtime.sync;
    runtime.status = {
      app: target.app,
      observedGeneration: generation,
      observedCommit: target.commit,
      sync,
      syncError: runtime.syncError,
      syncRetryable: sync === 'Failed' && isTransientSyncError(runtime.syncError),
      health,
      resources,
      manifestDigest: runtime.digest,
      drift: runtime.drift,
      observedAt: this.options.clock.now(),
    };
    this.publish();
  }

  private async syncOne(target: AppTargetSpec, runtime: AppRuntime, generation: bigint, changed: boolean): Promise<void> {
    const log = this.options.log.child({ app: target.app, commit: target.commit });
    const unobserved = { status: 'Unknown' as const, message: 'not yet observed' };
    // The health of what ran before says nothing of a new commit: until it is observed, it is Progressing. Carrying the
    // old Healthy over would let the hub start a bake on objects that were never looked at.
    const fresh: HealthResult = { status: 'Progressing', message: 'applying: the health of this commit is not observed yet' };
    if (changed && runtime.sync !== 'Failed') {
      runtime.sync = 'OutOfSync';
      runtime.syncError = '';
      this.setStatus(runtime, target, generation, fresh, []);
    }
    runtime.attemptedKey = targetKey(target);
    runtime.syncing = true;
    let error: string | undefined;
    try {
      error = await this.apply(target, runtime);
    } finally {
      runtime.syncing = false;
    }
    runtime.lastSyncAt = this.options.clock.now().getTime();
    const previous = changed ? { health: fresh, resources: [] } : runtime.status;
    if (error === undefined) {
      if (runtime.failures > 0 || changed) log.info('synced');
      runtime.appliedKey = targetKey(target);
      runtime.failures = 0;
      runtime.sync = 'Synced';
      runtime.syncError = '';
    } else {
      const delay = backoffDelay(runtime.failures, this.options.retry ?? defaultBackoff, this.options.random);
      runtime.failures += 1;
      runtime.retryAt = runtime.lastSyncAt + delay;
      log.warn({ err: error, retryInMs: delay }, 'sync failed');
      runtime.sync = 'Failed';
      runtime.syncError = error;
    }
    this.setStatus(runtime, target, generation, previous?.health ?? unobserved, previous?.resources ?? []);
  }

  /** Fetch, render and sync one application; returns the error text or undefined. */
  private async apply(target: AppTargetSpec, runtime: AppRuntime): Promise<string | undefined> {
    const choice = chooseEngine(target, this.options.kustomize);
    if (!choice.ok) return choice.error;
    let objects;
    try {
      const params: RenderParams = {
        cluster: { name: target.parameters.clusterName, labels: target.parameters.clusterLabels },
        stage: target.parameters.stage,
        app: target.app,
      };
      objects = toKubeObjects((await this.options.source.render(target, choice.engine, params)).objects);
    } catch (error) {
      return isRenderError(error) ? `render failed: ${error.message}` : errorMessage(error);
    }
    runtime.digest = manifestDigest(objects);
    const inventories = this.options.state.inventories;
    if (inventories[target.app] === undefined) {
      // No record of what this app owns (new, or its inventory object was lost): ask the cluster, by ownership label.
      try {
        const rebuilt = await rebuildInventory(this.options.kube, target.app, this.options.guard, this.options.hub);
        if (rebuilt.refs.length > 0) this.options.log.info({ app: target.app, objects: rebuilt.refs.length }, 'inventory rebuilt from the ownership label');
        if (rebuilt.skipped.length > 0) this.options.log.debug({ app: target.app, skipped: rebuilt.skipped }, 'kinds not listed while rebuilding the inventory');
        inventories[target.app] = rebuilt.refs;
      } catch (error) {
        this.options.log.warn({ app: target.app, err: errorMessage(error) }, 'cannot rebuild the inventory from the cluster');
      }
    }
    const outcome = await syncApp(this.options.kube, {
      app: target.app,
      rendered: objects,
      previousInventory: inventories[target.app] ?? [],
      guard: this.options.guard,
      defaultNamespace: target.defaultNamespace || 'default',
      baselines: runtime.baselines,
      live: this.live,
      ...(this.options.hub !== undefined ? { hub: this.options.hub } : {}),
    });
    runtime.baselines = outcome.baselines;
    inventories[target.app] = outcome.inventory;
    for (const object of outcome.applied) this.cache.remember(object);
    await this.options.store.saveState(this.options.state);
    return outcome.error;
  }

  /** Judges the app's objects and their drift from the watch cache. */
  private async observe(target: AppTargetSpec, runtime: AppRuntime, generation: bigint): Promise<void> {
    const status = runtime.status;
    if (!status) return;
    const inventory: ObjectRef[] = this.options.state.inventories[target.app] ?? [];
    const observed =
      inventory.length === 0 && runtime.sync === 'Failed'
        ? { health: { status: 'Missing' as const, message: 'nothing of the application is applied' }, resources: [] }
        : await this.observeInventory(inventory, target);
    runtime.drift = this.driftOf(inventory, runtime);
    // A newer generation that leaves this app's target as it was is answered by the last attempt at that target.
    const observedGeneration = runtime.attemptedKey === targetKey(target) ? generation : status.observedGeneration;
    this.setStatus(runtime, target, observedGeneration, observed.health, observed.resources);
  }

  /** Objects that no longer hold what the agent applied: changed fields, or deleted. */
  private driftOf(inventory: readonly ObjectRef[], runtime: AppRuntime): DriftedObject[] {
    const drift: DriftedObject[] = [];
    for (const ref of inventory) {
      const baseline = runtime.baselines.get(refKey(ref));
      const found = baseline && this.cache.lookup(ref);
      if (!baseline || !found?.ok) continue;
      if (found.object === undefined) drift.push({ ref, paths: [], deleted: true });
      else {
        const paths = driftPaths(baseline, found.object);
        if (paths.length > 0) drift.push({ ref, paths, deleted: false });
      }
    }
    return drift;
  }

  private async observeInventory(inventory: readonly ObjectRef[], target: AppTargetSpec) {
    await this.cache.ensure(scopesFor(inventory));
    return observeCached(this.cache, inventory, target.healthRules);
  }

  private async pruneRemoved(wanted: ReadonlySet<string>): Promise<void> {
    const inventories = this.options.state.inventories;
    for (const [app, refs] of Object.entries(inventories)) {
      if (wanted.has(app)) continue;
      // The guard may have narrowed since these were applied: what it now refuses is left alone, and forgotten.
      const refused = refs.filter((ref) => guardRefusal(this.options.guard, ref) !== undefined);
      if (refused.length > 0) this.options.log.warn({ app, refused: refused.map(describe) }, 'not pruning objects outside the guard');
      const allowed = refs.filter((ref) => guardRefusal(this.options.guard, ref) === undefined);
      const result = await prune(this.options.kube, app, [...allowed].reverse(), this.options.hub);
      if (result.error) this.options.log.warn({ app, err: result.error }, 'pruning a removed application failed; will retry');
      if (result.remaining.length === 0) {
        delete inventories[app];
        this.options.log.info({ app }, 'application removed from the desired state: pruned');
      } else inventories[app] = result.remaining;
      this.apps.delete(app);
      this.publish();
    }
  }

  private scheduleNext(): void {
    const now = this.options.clock.now().getTime();
    const statuses = this.statuses();
    if (statuses.length === 0 && Object.keys(this.options.state.inventories).length === 0) return;
    const settled = statuses.every((s) => s.health.status === 'Healthy' || s.health.status === 'Suspended');
    let delay = settled ? (this.options.steadyHealthPollMs ?? 30_000) : (this.options.healthPollMs ?? 2_000);
    for (const runtime of this.apps.values()) if (runtime.failures > 0) delay = Math.min(delay, Math.max(0, runtime.retryAt - now));
    this.timer = this.options.clock.setTimer(delay, () => {
      this.timer = undefined;
      this.trigger();
    });
  }
}
