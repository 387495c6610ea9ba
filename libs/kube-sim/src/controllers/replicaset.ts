// ReplicaSet controller: keeps spec.replicas pods from the template and reports replicas/ready/available in status.

import type { Ctx, Reconciler } from './runtime.js';
import { key, ref } from './runtime.js';
import type { Json } from './meta.js';
import { isTerminating, num, omitZero, rec, selectorMatches, spec, status } from './meta.js';
import { record } from './events.js';
import { activePods, availableInMs, createPod, deletePod, deletionOrder, generatedName, isAvailable, isReady, podFromTemplate } from './podutil.js';

export const RS = ref('ReplicaSet');

function reconcileReplicaSet(ctx: Ctx, namespace: string | undefined, name: string): void {
  const rs = ctx.port.get(RS, namespace, name);
  if (!rs || isTerminating(rs)) return;
  const s = spec(rs);
  const desired = num(s.replicas, 1);
  let pods = activePods(ctx, rs);
  if (pods.length < desired) {
    for (let i = pods.length; i < desired; i++) {
      const pod = podFromTemplate(rs, s.template, generatedName(ctx, `${name}-`));
      createPod(ctx, pod);
      record(ctx, rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, 'replicaset-controller');
    }
  } else if (pods.length > desired) {
    for (const p of deletionOrder(pods).slice(0, pods.length - desired)) {
      deletePod(ctx, p);
      record(ctx, rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, 'replicaset-controller');
    }
  }
  pods = activePods(ctx, rs);
  const now = ctx.now();
  const minReady = num(s.minReadySeconds, 0);
  const templateLabels = rec(rec(rec(s.template).metadata).labels) as Record<string, string>;
  const next: Json = {
    replicas: pods.length,
    ...omitZero({
      fullyLabeledReplicas: pods.filter((p) => selectorMatches({ matchLabels: templateLabels }, p.metadata.labels)).length,
      readyReplicas: pods.filter(isReady).length,
      availableReplicas: pods.filter((p) => isAvailable(p, minReady, now)).length,
    }),
    observedGeneration: rs.metadata.generation ?? 1,
  };
  const old = status(rs);
  if (old.conditions) next.conditions = old.conditions;
  ctx.port.updateStatus({ ...rs, status: next });
  const wait = availableInMs(pods, minReady, now);
  if (wait !== undefined) ctx.after(key('ReplicaSet', namespace, name), wait);
}

export const replicaSetReconciler: Reconciler = { kind: 'ReplicaSet', reconcile: reconcileReplicaSet };
