// Injectable faults for one simulated cluster: object faults the controllers turn into real-looking status, and
// API-server faults (503, latency, dropped watches) the request path asks about through `beforeRequest`.

import type { Status } from '../errors/index.js';

/** Annotation on an object (or its pod template) that injects an object fault, e.g. `sim.flotilla.dev/fault: crash-loop`. */
export const FAULT_ANNOTATION = 'sim.flotilla.dev/fault';

/** Faults of workloads and volumes, shown in status by the controllers. */
export const OBJECT_FAULTS = ['crash-loop', 'oom-kill', 'image-pull', 'unschedulable', 'pvc-pending', 'lb-pending'] as const;
export type ObjectFault = (typeof OBJECT_FAULTS)[number];

/** Faults of the API server itself. */
export const CLUSTER_FAULTS = ['api-unavailable', 'api-slow', 'watch-drop'] as const;
export type ClusterFault = (typeof CLUSTER_FAULTS)[number];

export interface ObjectFaultSpec {
  fault: ObjectFault;
  /** Kind of the target (Deployment, StatefulSet, DaemonSet, Job, Pod, ReplicaSet, PersistentVolumeClaim, Service). */
  kind: string;
  namespace?: string;
  name: string;
}

export type ClusterFaultSpec =
  | { fault: 'api-unavailable' }
  | { fault: 'api-slow'; delayMs?: number }
  | { fault: 'watch-drop' };

export type FaultSpec = ObjectFaultSpec | ClusterFaultSpec;

/** What the request path must do with one request; undefined means serve it normally. */
export interface RequestVerdict {
  /** Answer with this Status (and its code) instead of serving the request. */
  reject?: Status;
  /** Wait this many milliseconds before serving it. */
  delayMs?: number;
  /** A watch opened while watch-drop is active: end it as soon as it is open. */
  dropWatch?: boolean;
}

export interface FaultRequest {
  method: string;
  path: string;
  /** Kubernetes verb (get, list, watch, create, ...). */
  verb?: string;
}

export const DEFAULT_SLOW_MS = 1000;

export function isObjectFault(v: unknown): v is ObjectFault {
  return typeof v === 'string' && (OBJECT_FAULTS as readonly string[]).includes(v);
}

function isClusterFault(v: unknown): v is ClusterFault {
  return typeof v === 'string' && (CLUSTER_FAULTS as readonly string[]).includes(v);
}

function objectKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

/** The Status kube-apiserver answers when it cannot serve (apierrors.NewServiceUnavailable). */
export function serviceUnavailableStatus(): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server is currently unable to handle the request', reason: 'ServiceUnavailable', code: 503 };
}

export class FaultError extends Error {
  constructor(
    readonly code: 'InvalidArgument',
    message: string,
  ) {
    super(message);
    this.name = 'FaultError';
  }
}

/**
 * The faults active in one cluster. Controllers read object faults (registry or annotation); the API server calls
 * `beforeRequest` for every request (attachFaults wires both into a SimulatedCluster).
 */
export class FaultRegistry {
  private readonly objects = new Map<string, ObjectFault>();
  private unavailable = false;
  private slowMs = 0;
  private dropWatchesActive = false;
  private readonly dropHooks = new Set<() => void>();
  private readonly listeners = new Set<() => void>();

  /** Turns a fault on; object faults replace any earlier fault of the same object. Throws FaultError on a bad spec. */
  inject(spec: FaultSpec): void {
    if (isObjectFault(spec.fault)) {
      const s = spec as ObjectFaultSpec;
      if (!s.kind || !s.name) throw new FaultError('InvalidArgument', `fault ${s.fault}: kind and name are required`);
      this.objects.set(objectKey(s.kind, s.namespace, s.name), s.fault);
    } else if (spec.fault === 'api-unavailable') {
      this.unavailable = true;
    } else if (spec.fault === 'api-slow') {
      const ms = spec.delayMs ?? DEFAULT_SLOW_MS;
      if (!Number.isFinite(ms) || ms < 0) throw new FaultError('InvalidArgument', `fault api-slow: delayMs must be a non-negative number, got ${ms}`);
      this.slowMs = ms;
    } else if (spec.fault === 'watch-drop') {
      this.dropWatchesActive = true;
      this.dropWatches();
    } else {
      throw new FaultError('InvalidArgument', `unknown fault ${JSON.stringify((spec as { fault: unknown }).fault)}; known: ${[...OBJECT_FAULTS, ...CLUSTER_FAULTS].join(', ')}`);
    }
    this.changed();
  }

  /** Turns faults off: all of them with no argument, else the one named (object faults by kind/namespace/name). */
  clear(spec?: FaultSpec | { fault: ClusterFault }): void {
    if (!spec) {
      this.objects.clear();
      this.unavailable = false;
      this.slowMs = 0;
      this.dropWatchesActive = false;
    } else if (isObjectFault(spec.fault)) {
      const s = spec as ObjectFaultSpec;
      this.objects.delete(objectKey(s.kind, s.namespace, s.name));
    } else if (isClusterFault(spec.fault)) {
      if (spec.fault === 'api-unavailable') this.unavailable = false;
      if (spec.fault === 'api-slow') this.slowMs = 0;
      if (spec.fault === 'watch-drop') this.dropWatchesActive = false;
    }
    this.changed();
  }

  /** The object fault injected through the registry for this object, if any (annotations are read by the controllers). */
  objectFault(kind: string, namespace: string | undefined, name: string): ObjectFault | undefined {
    return this.objects.get(objectKey(kind, namespace, name));
  }

  /** Active faults, for the CLI and for debugging. */
  list(): FaultSpec[] {
    const out: FaultSpec[] = [];
    for (const [key, fault] of this.objects) {
      const [kind = '', namespace = '', name = ''] = key.split('/');
      out.push(namespace ? { fault, kind, namespace, name } : { fault, kind, name });
    }
    if (this.unavailable) out.push({ fault: 'api-unavailable' });
    if (this.slowMs) out.push({ fault: 'api-slow', delayMs: this.slowMs });
    if (this.dropWatchesActive) out.push({ fault: 'watch-drop' });
    return out;
  }

  /** Called by the API server before serving any request (see attachFaults for the wiring). */
  beforeRequest(req: FaultRequest): RequestVerdict | undefined {
    if (this.unavailable) return { reject: serviceUnavailableStatus() };
    const verdict: RequestVerdict = {};
    if (this.slowMs) verdict.delayMs = this.slowMs;
    if (this.dropWatchesActive && req.verb === 'watch') verdict.dropWatch = true;
    return verdict.delayMs || verdict.dropWatch ? verdict : undefined;
  }

  /** Ends every open watch stream once (clients re-list and watch again), without leaving a fault active. */
  dropWatches(): void {
    for (const fn of [...this.dropHooks]) fn();
  }

  /** Registers how to end the cluster's open watch streams. Returns a function that unregisters it. */
  onDropWatches(fn: () => void): () => void {
    this.dropHooks.add(fn);
    return () => this.dropHooks.delete(fn);
  }

  /** Calls `fn` whenever faults change (controllers re-reconcile). Returns an unsubscribe function. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    for (const fn of [...this.listeners]) fn();
  }
}
