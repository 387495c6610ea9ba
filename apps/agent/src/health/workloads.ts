// Health of the replicated workloads, after Argo CD gitops-engine's rules (kubectl rollout status), and the pods that
// make one Degraded at once: a current pod that crash-loops, cannot pull, is OOM-killed or cannot be scheduled.
import { condition, field, generationPending, list, num, str } from './fields.js';
import { podProblem } from './pod.js';
import type { HealthContext, HealthResult, LiveObject } from './types.js';

const healthy = (message: string): HealthResult => ({ status: 'Healthy', message });
const progressing = (message: string): HealthResult => ({ status: 'Progressing', message });

export function deploymentHealth(object: LiveObject): HealthResult {
  if (field(object, 'spec', 'paused') === true) return { status: 'Suspended', message: 'Deployment is paused' };
  if (generationPending(object)) return progressing('Waiting for rollout to finish: observed deployment generation less than desired generation');
  const progressingCondition = condition(object, 'Progressing');
  if (progressingCondition?.reason === 'ProgressDeadlineExceeded') {
    return { status: 'Degraded', message: `Deployment exceeded its progress deadline${progressingCondition.message ? `: ${progressingCondition.message}` : ''}` };
  }
  const desired = num(object, 'spec', 'replicas');
  const replicas = num(object, 'status', 'replicas') ?? 0;
  const updated = num(object, 'status', 'updatedReplicas') ?? 0;
  const available = num(object, 'status', 'availableReplicas') ?? 0;
  if (desired !== undefined && updated < desired) return progressing(`Waiting for rollout to finish: ${updated} out of ${desired} new replicas have been updated`);
  if (replicas > updated) return progressing(`Waiting for rollout to finish: ${replicas - updated} old replicas are pending termination`);
  if (available < updated) return progressing(`Waiting for rollout to finish: ${available} of ${updated} updated replicas are available`);
  return healthy(`${available}/${desired ?? available} replicas available`);
}

export function statefulSetHealth(object: LiveObject): HealthResult {
  const observed = num(object, 'status', 'observedGeneration');
  if (observed === undefined || observed === 0 || generationPending(object)) return progressing('Waiting for statefulset spec update to be observed');
  const desired = num(object, 'spec', 'replicas');
  const ready = num(object, 'status', 'readyReplicas') ?? 0;
  const updated = num(object, 'status', 'updatedReplicas') ?? 0;
  if (desired !== undefined && ready < desired) return progressing(`Waiting for ${desired - ready} pods to be ready`);
  const strategy = str(object, 'spec', 'updateStrategy', 'type') ?? 'RollingUpdate';
  const rollingUpdate = field(object, 'spec', 'updateStrategy', 'rollingUpdate');
  if (strategy === 'RollingUpdate' && rollingUpdate !== undefined && rollingUpdate !== null) {
    const partition = num(rollingUpdate, 'partition');
    if (desired !== undefined && partition !== undefined && updated < desired - partition) {
      return progressing(`Waiting for partitioned roll out to finish: ${updated} out of ${desired - partition} new pods have been updated`);
    }
    return healthy(`partitioned roll out complete: ${updated} new pods have been updated`);
  }
  if (strategy === 'OnDelete') return healthy(`statefulset has ${ready} ready pods (${updated} updated)`);
  const currentRevision = str(object, 'status', 'currentRevision');
  const updateRevision = str(object, 'status', 'updateRevision');
  if (updateRevision !== currentRevision) return progressing(`waiting for statefulset rolling update to complete ${updated} pods at revision ${updateRevision ?? '?'}`);
  return healthy(`statefulset rolling update complete ${num(object, 'status', 'currentReplicas') ?? ready} pods at revision ${currentRevision ?? '?'}`);
}

export function daemonSetHealth(object: LiveObject): HealthResult {
  if (generationPending(object)) return progressing('Waiting for rollout to finish: observed daemon set generation less than desired generation');
  const desired = num(object, 'status', 'desiredNumberScheduled') ?? 0;
  const updated = num(object, 'status', 'updatedNumberScheduled') ?? 0;
  const available = num(object, 'status', 'numberAvailable') ?? 0;
  if (str(object, 'spec', 'updateStrategy', 'type') === 'OnDelete') return healthy(`daemon set ${updated} out of ${desired} new pods have been updated (OnDelete)`);
  if (updated < desired) return progressing(`Waiting for daemon set rollout to finish: ${updated} out of ${desired} new pods have been updated`);
  if (available < desired) return progressing(`Waiting for daemon set rollout to finish: ${available} of ${desired} updated pods are available`);
  return healthy(`${available}/${desired} pods available`);
}

export function replicaSetHealth(object: LiveObject): HealthResult {
  if (generationPending(object)) return progressing('Waiting for rollout to finish: observed replica set generation less than desired generation');
  const failure = condition(object, 'ReplicaFailure');
  if (failure?.status === 'True') return { status: 'Degraded', message: failure.message || failure.reason || 'ReplicaFailure' };
  const desired = num(object, 'spec', 'replicas');
  const available = num(object, 'status', 'availableReplicas') ?? 0;
  if (desired !== undefined && available < desired) return progressing(`Waiting for rollout to finish: ${available} out of ${desired} new replicas are available`);
  return healthy(`${available}/${desired ?? available} replicas available`);
}

/** The workload's own verdict, turned Degraded when one of its current pods is stuck (see podProblem). */
export function withPods(rule: (object: LiveObject) => HealthResult): (object: LiveObject, context?: HealthContext) => HealthResult {
  return (object, context) => {
    const own = rule(object);
    if (own.status === 'Healthy' || own.status === 'Degraded' || context?.pods === undefined) return own;
    for (const pod of context.pods) {
      const problem = podProblem(pod);
      if (problem) return { status: 'Degraded', message: `pod ${str(pod, 'metadata', 'name') ?? '?'}: ${problem.message}` };
    }
    return own;
  };
}

const uidOf = (o: unknown) => str(o, 'metadata', 'uid');
const controlledBy = (o: unknown, uid: string | undefined) => uid !== undefined && list(o, 'metadata', 'ownerReferences').some((r) => str(r, 'uid') === uid && field(r, 'controller') === true);
const revisionAnnotation = 'deployment.kubernetes.io/revision';

/**
 * The pods that decide a workload's health now: a Deployment's pods of its current ReplicaSet (the one at its revision;
 * old ones being replaced do not count), a StatefulSet's pods at its update revision, a DaemonSet's or ReplicaSet's
 * own pods. `replicaSets` and `pods` are the live objects of the workload's namespace.
 */
export function currentPods(workload: LiveObject, replicaSets: readonly LiveObject[], pods: readonly LiveObject[]): LiveObject[] {
  const kind = str(workload, 'kind');
  const uid = uidOf(workload);
  if (kind === 'Deployment') {
    const owned = replicaSets.filter((rs) => controlledBy(rs, uid));
    const revision = str(workload, 'metadata', 'annotations', revisionAnnotation);
    const newest = [...owned].sort((a, b) => Number(str(b, 'metadata', 'annotations', revisionAnnotation) ?? 0) - Number(str(a, 'metadata', 'annotations', revisionAnnotation) ?? 0))[0];
    const current = owned.find((rs) => revision !== undefined && str(rs, 'metadata', 'annotations', revisionAnnotation) === revision) ?? newest;
    return current === undefined ? [] : pods.filter((p) => controlledBy(p, uidOf(current)));
  }
  const owned = pods.filter((p) => controlledBy(p, uid));
  if (kind === 'StatefulSet') {
    const updateRevision = str(workload, 'status', 'updateRevision');
    return updateRevision === undefined ? owned : owned.filter((p) => str(p, 'metadata', 'labels', 'controller-revision-hash') === updateRevision);
  }
  return owned;
}

/** Kinds whose health looks at their pods, as group/Kind. */
export const podOwningKinds: ReadonlySet<string> = new Set(['apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet', 'apps/ReplicaSet']);
