// Pure health assessment: one rule per kind behind one dispatcher, and worst-of aggregation.
import { cronJobHealth, jobHealth } from './batch.js';
import { conditionsHealth, hpaHealth, namespaceHealth } from './conditions.js';
import { str } from './fields.js';
import { ingressHealth, persistentVolumeClaimHealth, serviceHealth } from './networking.js';
import { podHealth } from './pod.js';
import type { HealthResult, HealthRule, HealthStatus, LiveObject } from './types.js';
import { daemonSetHealth, deploymentHealth, replicaSetHealth, statefulSetHealth } from './workloads.js';

export type { HealthResult, HealthRule, HealthStatus, LiveObject } from './types.js';

/** Rules keyed by "group/Kind" (core group: "/Kind"). */
const rules: ReadonlyMap<string, HealthRule> = new Map([
  ['apps/Deployment', deploymentHealth],
  ['apps/StatefulSet', statefulSetHealth],
  ['apps/DaemonSet', daemonSetHealth],
  ['apps/ReplicaSet', replicaSetHealth],
  ['batch/Job', jobHealth],
  ['batch/CronJob', cronJobHealth],
  ['/Pod', podHealth],
  ['/PersistentVolumeClaim', persistentVolumeClaimHealth],
  ['/Service', serviceHealth],
  ['/Namespace', namespaceHealth],
  ['networking.k8s.io/Ingress', ingressHealth],
  ['autoscaling/HorizontalPodAutoscaler', hpaHealth],
]);

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The health of one live object; `undefined` means it is absent from the cluster. */
export function assessHealth(object: LiveObject | undefined): HealthResult {
  if (object === undefined) return { status: 'Missing', message: 'not found in the cluster' };
  const kind = str(object, 'kind') ?? '';
  const rule = rules.get(`${groupOf(str(object, 'apiVersion') ?? '')}/${kind}`) ?? conditionsHealth;
  return rule(object);
}

/** Worst first, as in Argo CD: Unknown hides everything, then Degraded, Missing, Progressing, Suspended, Healthy. */
const severity: Readonly<Record<HealthStatus, number>> = {
  Healthy: 0,
  Suspended: 1,
  Progressing: 2,
  Missing: 3,
  Degraded: 4,
  Unknown: 5,
};

export function isWorse(a: HealthStatus, b: HealthStatus): boolean {
  return severity[a] > severity[b];
}

/** The worst of several health results, keeping the message (and label) of the one that decided it. */
export function worstOf<T extends { health: HealthResult; label?: string }>(items: readonly T[]): HealthResult {
  let worst: T | undefined;
  for (const item of items) if (worst === undefined || isWorse(item.health.status, worst.health.status)) worst = item;
  if (worst === undefined) return { status: 'Healthy', message: 'no resources' };
  if (worst.health.status === 'Healthy') return { status: 'Healthy', message: items.length === 1 ? '1 resource healthy' : `${items.length} resources healthy` };
  return { status: worst.health.status, message: worst.label ? `${worst.label}: ${worst.health.message}` : worst.health.message };
}
