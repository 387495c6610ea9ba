// The simulated cluster's controllers (workloads, pods, volumes, Services, Ingresses, HPAs, namespaces) attached to one
// ObjectStore and run on its Clock; object faults come from the cluster's FaultRegistry.

import type { ObjectStore } from '../store/index.js';
import { FaultRegistry } from '../faults/index.js';
import type { InterceptableCluster } from '../faults/attach.js';
import { attachFaults } from '../faults/attach.js';
import { ObjectPort } from './port.js';
import type { ControllerOptions, Reconciler } from './runtime.js';
import { ControllerRuntime, key, ref, resolveOptions } from './runtime.js';
import { podReconciler } from './pods.js';
import { replicaSetReconciler } from './replicaset.js';
import { deploymentReconciler } from './deployment.js';
import { statefulSetReconciler } from './statefulset.js';
import { daemonSetReconciler } from './daemonset.js';
import { jobReconciler } from './job.js';
import { cronJobReconciler } from './cronjob.js';
import { claimReconciler, defaultStorageClass, volumeReconciler } from './storage.js';
import { serviceReconciler } from './service.js';
import { ingressReconciler } from './ingress.js';
import { hpaReconciler } from './hpa.js';
import { namespaceReconciler } from './namespace.js';
import { ensureNodes } from './nodes.js';

export type { ControllerOptions } from './runtime.js';
export { RUN_MS_ANNOTATION, backoffMs } from './pods.js';
export { nodeName } from './nodes.js';

export interface AttachOptions extends ControllerOptions {
  /** The cluster's fault registry; a new one is made when omitted (see Controllers.faults). */
  faults?: FaultRegistry;
}

export interface Controllers {
  readonly faults: FaultRegistry;
  /** Runs queued work now. Writes made straight to the store are otherwise picked up on the next microtask. */
  settle(): void;
  /** True when no reconcile is queued (timers may still wait for the clock). */
  idle(): boolean;
  /** The last error of each object whose reconcile failed (key `Kind|namespace|name`), retried after a step. */
  readonly errors: ReadonlyMap<string, string>;
  /** Detaches from the store and cancels every timer. */
  stop(): void;
}

const RECONCILERS: Reconciler[] = [
  podReconciler,
  replicaSetReconciler,
  deploymentReconciler,
  statefulSetReconciler,
  daemonSetReconciler,
  jobReconciler,
  cronJobReconciler,
  claimReconciler,
  volumeReconciler,
  serviceReconciler,
  ingressReconciler,
  hpaReconciler,
  namespaceReconciler,
];

const running = new WeakMap<ObjectStore, Controllers>();

/**
 * Starts the controllers of one simulated cluster on `store` (and `store.clock`): creates its Nodes and default
 * StorageClass, reconciles what the store already holds, then follows every change. With a FakeClock nothing timed
 * happens until the test advances it; with a RealClock each lifecycle step takes `stepMs` of real time.
 * Attaching to a store that already has controllers returns those (options are then ignored).
 */
export function attachControllers(store: ObjectStore, options: AttachOptions = {}): Controllers {
  const existing = running.get(store);
  if (existing) return existing;
  const faults = options.faults ?? new FaultRegistry();
  const resolved = resolveOptions(options);
  const runtime = new ControllerRuntime(new ObjectPort(store), store.clock, faults, resolved, RECONCILERS);
  ensureNodes(runtime, resolved.nodes);
  const sc = defaultStorageClass();
  if (resolved.defaultStorageClass && !runtime.port.get(ref('StorageClass'), undefined, sc.metadata.name ?? '')) runtime.port.create(sc);
  for (const { object } of store.objects()) {
    if (RECONCILERS.some((r) => r.kind === object.kind)) runtime.enqueue(key(object.kind, object.metadata.namespace, object.metadata.name ?? ''));
  }
  runtime.drain();
  const controllers: Controllers = {
    faults,
    settle: () => runtime.drain(),
    idle: () => runtime.idle(),
    errors: runtime.errors,
    stop: () => {
      running.delete(store);
      runtime.stop();
    },
  };
  running.set(store, controllers);
  return controllers;
}

/** A running cluster as attachSimulation needs it: its store plus the request-path hooks. */
export interface SimulatableCluster extends InterceptableCluster {
  readonly store: ObjectStore;
}

export interface Simulation {
  readonly controllers: Controllers;
  readonly faults: FaultRegistry;
  /** Stops the controllers and removes the fault hooks. */
  detach(): void;
}

const attached = new WeakMap<ObjectStore, Simulation>();

/**
 * Controllers plus API-server faults for one running cluster (what the CLI, the bench and HTTP tests use). Attaching
 * twice to the same cluster returns the first attachment, so a cluster never runs two sets of controllers.
 */
export function attachSimulation(cluster: SimulatableCluster, options: AttachOptions = {}): Simulation {
  const existing = attached.get(cluster.store);
  if (existing) return existing;
  const controllers = attachControllers(cluster.store, options);
  const removeFaults = attachFaults(cluster, controllers.faults);
  const sim: Simulation = {
    controllers,
    faults: controllers.faults,
    detach: () => {
      attached.delete(cluster.store);
      removeFaults();
      controllers.stop();
    },
  };
  attached.set(cluster.store, sim);
  return sim;
}
