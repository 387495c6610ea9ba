// Pure health assessment: one rule per kind behind one dispatcher, and worst-of aggregation.
import { cronJobHealth, jobHealth } from './batch.js';
import { apiServiceHealth, conditionsHealth, hpaHealth, namespaceHealth } from './conditions.js';
import { field, str } from './fields.js';
import { ingressHealth, persistentVolumeClaimHealth, serviceHealth } from './networking.js';
import { applyCustomRules } from './custom.js';
import type { CustomHealthRule } from './custom.js';
import { podHealth } from './pod.js';
import type { HealthContext, HealthResult, HealthRule, HealthStatus, LiveObject } from './types.js';
import { currentPods, daemonSetHealth, deploymentHealth, podOwningKinds, replicaSetHealth, statefulSetHealth, withPods } from './workloads.js';

export type { HealthContext, HealthResult, HealthRule, HealthStatus, LiveObject } from './types.js';
export { healthStatuses } from './types.js';
export { currentPods, podOwningKinds } from './workloads.js';
export { podProblem } from './pod.js';
export { applyCustomRules, evaluateRule, ruleMatches } from './custom.js';
export type { CustomHealthRule } from './custom.js';
export type { PodProblem } from './pod.js';

/** Rules keyed by "group/Kind" (core group: "/Kind"). */
const rules: ReadonlyMap<string, HealthRule> = new Map([
  ['apps/Deployment', withPods(deploymentHealth)],
  ['apps/StatefulSet', withPods(statefulSetHealth)],
  ['apps/DaemonSet', withPods(daemonSetHealth)],
  ['apps/ReplicaSet', withPods(replicaSetHealth)],
  ['extensions/Ingress', ingressHealth],
  ['batch/Job', jobHealth],
  ['batch/CronJob', cronJobHealth],
  ['/Pod', podHealth],
  ['/PersistentVolumeClaim', persistentVolumeClaimHealth],
  ['/Service', serviceHealth],
  ['/Namespace', namespaceHealth],
  ['networking.k8s.io/Ingress', ingressHealth],
  ['autoscaling/HorizontalPodAutoscaler', hpaHealth],
  ['apiregistration.k8s.io/APIService', apiServiceHealth],
]);

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The built-in health of one live object; `undefined` means it is absent from the cluster. */
export function assessHealth(object: LiveObject | undefined, context?: HealthContext): HealthResult {
  if (object === undefined) return { status: 'Missing', message: 'not found in the cluster' };
  if (field(object, 'metadata', 'deletionTimestamp') !== undefined) return { status: 'Progressing', message: 'Pending deletion' };
  const kind = str(object, 'kind') ?? '';
  const rule = rules.get(`${groupOf(str(object, 'apiVersion') ?? '')}/${kind}`) ?? conditionsHealth;
  return rule(object, context);
}

/** The context of a workload among other live objects of its namespace: its current pods, else none. */
export function contextAmong(object: LiveObject, sameNamespace: { replicaSets: readonly LiveObject[]; pods: readonly LiveObject[] }): HealthContext | undefined {
  if (!podOwningKinds.has(`${groupOf(str(object, 'apiVersion') ?? '')}/${str(object, 'kind') ?? ''}`)) return undefined;
  return { pods: currentPods(object, sameNamespace.replicaSets, sameNamespace.pods) };
}

/** The health of every object of a set, each workload judged with the pods of the set it owns (as `health -f` does). */
export function assessSet(objects: readonly LiveObject[], rules: readonly CustomHealthRule[] = []): HealthResult[] {
  const namespaceOf = (o: LiveObject) => str(o, 'metadata', 'namespace') ?? '';
  const isCore = (o: LiveObject, kind: string, group: string) => str(o, 'kind') === kind && groupOf(str(o, 'apiVersion') ?? '') === group;
  return objects.map((object) => {
    const ns = namespaceOf(object);
    const replicaSets = objects.filter((o) => isCore(o, 'ReplicaSet', 'apps') && namespaceOf(o) === ns);
    const pods = objects.filter((o) => isCore(o, 'Pod', '') && namespaceOf(o) === ns);
    return applyCustomRules(object, assessHealth(object, contextAmong(object, { replicaSets, pods })), rules);
  });
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
