// The controller runtime of one simulated cluster: a deduplicating work queue fed by store events and by timers on
// the cluster's Clock, drained synchronously so a FakeClock.advance() leaves every controller settled.

import type { Clock, CancelTimer } from '../clock/index.js';
import type { FaultRegistry } from '../faults/index.js';
import type { KubeObject } from '../types/index.js';
import type { ObjectPort } from './port.js';
import { controllerOf } from './meta.js';

export interface ControllerOptions {
  /** Simulated time of one lifecycle step: pod start, PVC binding, namespace finalization. Default 1000 ms. */
  stepMs?: number;
  /** How long a Job's pod runs before it completes. Default 2 steps; a pod may override it with `sim.flotilla.dev/run-ms`. */
  jobRunMs?: number;
  /** Delay before a LoadBalancer Service gets its ingress address. Default 2 steps. */
  loadBalancerDelayMs?: number;
  /** Nodes created in the cluster (DaemonSets run one pod per node). Default 3. */
  nodes?: number;
  /** Creates StorageClass `standard`, marked default, so PVCs bind. Default true. */
  defaultStorageClass?: boolean;
}

export interface ResolvedOptions {
  stepMs: number;
  jobRunMs: number;
  loadBalancerDelayMs: number;
  nodes: number;
  defaultStorageClass: boolean;
}

export function resolveOptions(o: ControllerOptions = {}): ResolvedOptions {
  const stepMs = o.stepMs ?? 1000;
  return {
    stepMs,
    jobRunMs: o.jobRunMs ?? 2 * stepMs,
    loadBalancerDelayMs: o.loadBalancerDelayMs ?? 2 * stepMs,
    nodes: o.nodes ?? 3,
    defaultStorageClass: o.defaultStorageClass ?? true,
  };
}

/** What a reconcile function sees. */
export interface Ctx {
  readonly port: ObjectPort;
  readonly faults: FaultRegistry;
  readonly options: ResolvedOptions;
  now(): number;
  /** Reconcile `key` again after `ms` of clock time (the earliest request wins). */
  after(key: string, ms: number): void;
  enqueue(key: string): void;
  /** A per-cluster counter, for deterministic names and addresses. */
  next(counter: string): number;
}

export interface Reconciler {
  kind: string;
  reconcile(ctx: Ctx, namespace: string | undefined, name: string): void;
  /** Other keys to reconcile when an object of any kind changes (besides the object itself and its controller). */
  triggers?(ctx: Ctx, type: WatchType, obj: KubeObject): string[];
}

export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

export function key(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}|${namespace ?? ''}|${name}`;
}

function parseKey(k: string): { kind: string; namespace: string | undefined; name: string } {
  const [kind = '', ns = '', name = ''] = k.split('|');
  return { kind, namespace: ns || undefined, name };
}

const shared = new WeakMap<Reconciler[], ReadonlyMap<string, Reconciler>>();

/** One kind -> reconciler map per reconciler list, shared by every cluster (thousands of clusters per process). */
function byKind(list: Reconciler[]): ReadonlyMap<string, Reconciler> {
  let m = shared.get(list);
  if (!m) shared.set(list, (m = new Map(list.map((r) => [r.kind, r]))));
  return m;
}

/** A reconcile that keeps failing is retried, but never more often than this. */
const RETRY_MS = 1000;
/** A guard against two controllers fighting forever inside one drain. */
const MAX_PER_DRAIN = 20_000;

export class ControllerRuntime implements Ctx {
  private readonly reconcilers: ReadonlyMap<string, Reconciler>;
  private readonly queue = new Set<string>();
  private readonly timers = new Map<string, { at: number; cancel: CancelTimer }>();
  private readonly counters = new Map<string, number>();
  private draining = false;
  private drainScheduled = false;
  private stopped = false;
  private readonly unsubscribe: Array<() => void> = [];
  /** The last error of each key that failed, for tests and the CLI to show. */
  readonly errors = new Map<string, string>();

  constructor(
    readonly port: ObjectPort,
    private readonly clock: Clock,
    readonly faults: FaultRegistry,
    readonly options: ResolvedOptions,
    reconcilers: Reconciler[],
  ) {
    this.reconcilers = byKind(reconcilers);
    this.unsubscribe.push(port.subscribe((type, obj) => this.onEvent(type, obj)));
    this.unsubscribe.push(faults.subscribe(() => this.enqueueAll()));
  }

  now(): number {
    return this.clock.now().getTime();
  }

  next(counter: string): number {
    const n = (this.counters.get(counter) ?? 0) + 1;
    this.counters.set(counter, n);
    return n;
  }

  enqueue(k: string): void {
    if (this.stopped) return;
    this.queue.add(k);
    if (!this.draining && !this.drainScheduled) {
      this.drainScheduled = true;
      queueMicrotask(() => {
        this.drainScheduled = false;
        this.drain();
      });
    }
  }

  after(k: string, ms: number): void {
    if (this.stopped) return;
    const at = this.now() + Math.max(0, ms);
    const cur = this.timers.get(k);
    if (cur && cur.at <= at) return;
    cur?.cancel();
    const cancel = this.clock.after(Math.max(0, ms), () => {
      this.timers.delete(k);
      this.enqueue(k);
      this.drain();
    });
    this.timers.set(k, { at, cancel });
  }

  /** Every object of every reconciled kind goes back on the queue (after a fault changes). */
  enqueueAll(): void {
    for (const r of this.reconcilers.values()) {
      const ref = KINDS[r.kind];
      if (!ref) continue;
      for (const o of this.port.list(ref)) this.enqueue(key(r.kind, o.metadata.namespace, o.metadata.name ?? ''));
    }
  }

  /** Runs queued work until nothing is left. Synchronous: the store is in memory. */
  drain(): void {
    if (this.draining || this.stopped) return;
    this.draining = true;
    try {
      let n = 0;
      while (this.queue.size && n++ < MAX_PER_DRAIN) {
        const k = this.queue.values().next().value as string;
        this.queue.delete(k);
        this.run(k);
      }
      if (this.queue.size) {
        // Controllers that keep rewriting each other: say so, and leave the rest for the next event or timer.
        this.errors.set('runtime', `more than ${MAX_PER_DRAIN} reconciles in one pass; ${this.queue.size} left queued`);
      }
    } finally {
      this.draining = false;
    }
  }

  /** True when no work is queued (timers may still be pending). */
  idle(): boolean {
    return this.queue.size === 0;
  }

  /** Keys with a timer pending, for tests that assert a controller is waiting for time to pass. */
  pendingTimers(): string[] {
    return [...this.timers.keys()];
  }

  stop(): void {
    this.stopped = true;
    for (const u of this.unsubscribe) u();
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    this.queue.clear();
  }

  private run(k: string): void {
    const { kind, namespace, name } = parseKey(k);
    const r = this.reconcilers.get(kind);
    if (!r) return;
    try {
      r.reconcile(this, namespace, name);
      this.errors.delete(k);
    } catch (e) {
      // One bad object must not stop the cluster: remember the error and retry later.
      this.errors.set(k, e instanceof Error ? e.message : String(e));
      this.after(k, Math.max(RETRY_MS, this.options.stepMs));
    }
  }

  private onEvent(type: WatchType, obj: KubeObject): void {
    const ns = obj.metadata.namespace;
    if (this.reconcilers.has(obj.kind)) this.enqueue(key(obj.kind, ns, obj.metadata.name ?? ''));
    const owner = controllerOf(obj);
    if (owner && this.reconcilers.has(owner.kind)) this.enqueue(key(owner.kind, ns, owner.name));
    for (const r of this.reconcilers.values()) for (const k of r.triggers?.(this, type, obj) ?? []) this.enqueue(k);
  }
}

/** apiVersion of each kind the controllers read or write. */
export const KINDS: Record<string, { apiVersion: string; kind: string }> = Object.fromEntries(
  [
    ['v1', 'Pod'], ['v1', 'Node'], ['v1', 'Namespace'], ['v1', 'Service'], ['v1', 'PersistentVolumeClaim'], ['v1', 'PersistentVolume'],
    ['apps/v1', 'Deployment'], ['apps/v1', 'ReplicaSet'], ['apps/v1', 'StatefulSet'], ['apps/v1', 'DaemonSet'],
    ['batch/v1', 'Job'], ['batch/v1', 'CronJob'], ['storage.k8s.io/v1', 'StorageClass'],
    ['networking.k8s.io/v1', 'Ingress'], ['v1', 'Event'], ['autoscaling/v2', 'HorizontalPodAutoscaler'],
  ].map(([apiVersion = '', kind = '']) => [kind, { apiVersion, kind }]),
);

export function ref(kind: string): { apiVersion: string; kind: string } {
  const r = KINDS[kind];
  if (!r) throw new Error(`controllers: no apiVersion known for kind ${kind}`);
  return r;
}
