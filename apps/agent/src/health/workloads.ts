// Health of the replicated workloads, after Argo CD gitops-engine's rules: rolled out and available is Healthy.
import { condition, field, generationPending, num, str } from './fields.js';
import type { HealthResult, LiveObject } from './types.js';

const healthy = (message: string): HealthResult => ({ status: 'Healthy', message });
const progressing = (message: string): HealthResult => ({ status: 'Progressing', message });

export function deploymentHealth(object: LiveObject): HealthResult {
  if (field(object, 'spec', 'paused') === true) return { status: 'Suspended', message: 'Deployment is paused' };
  if (generationPending(object)) return progressing('Waiting for rollout to finish: observed deployment generation less than desired generation');
  const progressingCondition = condition(object, 'Progressing');
  if (progressingCondition?.reason === 'ProgressDeadlineExceeded') {
    return { status: 'Degraded', message: `Deployment exceeded its progress deadline${progressingCondition.message ? `: ${progressingCondition.message}` : ''}` };
  }
  const desired = num(object, 'spec', 'replicas') ?? 1;
  const replicas = num(object, 'status', 'replicas') ?? 0;
  const updated = num(object, 'status', 'updatedReplicas') ?? 0;
  const available = num(object, 'status', 'availableReplicas') ?? 0;
  if (updated < desired) return progressing(`Waiting for rollout to finish: ${updated} out of ${desired} new replicas have been updated`);
  if (replicas > updated) return progressing(`Waiting for rollout to finish: ${replicas - updated} old replicas are pending termination`);
  if (available < updated) return progressing(`Waiting for rollout to finish: ${available} of ${updated} updated replicas are available`);
  return healthy(`${available}/${desired} replicas available`);
}

export function statefulSetHealth(object: LiveObject): HealthResult {
  if (num(object, 'status', 'observedGeneration') === undefined || generationPending(object)) {
    return progressing('Waiting for statefulset spec update to be observed');
  }
  const desired = num(object, 'spec', 'replicas') ?? 1;
  const ready = num(object, 'status', 'readyReplicas') ?? 0;
  if (ready < desired) return progressing(`Waiting for ${desired - ready} pods to be ready`);
  const strategy = str(object, 'spec', 'updateStrategy', 'type') ?? 'RollingUpdate';
  if (strategy === 'OnDelete') return healthy(`statefulset has ${ready} ready pods`);
  const partition = num(object, 'spec', 'updateStrategy', 'rollingUpdate', 'partition');
  if (partition !== undefined && partition > 0) {
    const updated = num(object, 'status', 'updatedReplicas') ?? 0;
    if (updated < desired - partition) return progressing(`Waiting for partitioned roll out to finish: ${updated} out of ${desired - partition} new pods have been updated`);
    return healthy(`partitioned roll out complete: ${updated} new pods have been updated`);
  }
  const currentRevision = str(object, 'status', 'currentRevision');
  const updateRevision = str(object, 'status', 'updateRevision');
  if (updateRevision !== undefined && currentRevision !== updateRevision) {
    return progressing(`waiting for statefulset rolling update to complete ${num(object, 'status', 'updatedReplicas') ?? 0} pods at revision ${updateRevision}`);
  }
  return healthy(`statefulset rolling update complete ${ready} pods at revision ${currentRevision ?? 'unknown'}`);
}

export function daemonSetHealth(object: LiveObject): HealthResult {
  if (generationPending(object)) return progressing('Waiting for rollout to finish: observed daemon set generation less than desired generation');
  if (str(object, 'spec', 'updateStrategy', 'type') === 'OnDelete') return healthy('daemon set uses OnDelete updates');
  const desired = num(object, 'status', 'desiredNumberScheduled') ?? 0;
  const updated = num(object, 'status', 'updatedNumberScheduled') ?? 0;
  const available = num(object, 'status', 'numberAvailable') ?? 0;
  if (updated < desired) return progressing(`Waiting for daemon set rollout to finish: ${updated} out of ${desired} new pods have been updated`);
  if (available < desired) return progressing(`Waiting for daemon set rollout to finish: ${available} of ${desired} updated pods are available`);
  return healthy(`${available}/${desired} pods available`);
}

export function replicaSetHealth(object: LiveObject): HealthResult {
  if (generationPending(object)) return progressing('Waiting for rollout to finish: observed replica set generation less than desired generation');
  const failure = condition(object, 'ReplicaFailure');
  if (failure?.status === 'True') return { status: 'Degraded', message: failure.message || failure.reason || 'ReplicaFailure' };
  const desired = num(object, 'spec', 'replicas') ?? 1;
  const available = num(object, 'status', 'availableReplicas') ?? 0;
  if (available < desired) return progressing(`Waiting for rollout to finish: ${available} out of ${desired} new replicas are available`);
  return healthy(`${available}/${desired} replicas available`);
}
