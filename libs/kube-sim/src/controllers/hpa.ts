// HorizontalPodAutoscaler controller without metrics: keeps the target's replicas within [minReplicas, maxReplicas]
// and reports currentReplicas/desiredReplicas with the AbleToScale/ScalingActive/ScalingLimited conditions.

import type { KubeObject } from '../types/index.js';
import type { Ctx, Reconciler } from './runtime.js';
import { key, ref } from './runtime.js';
import type { Condition } from './meta.js';
import { conditions, isTerminating, nameOf, num, rec, spec, str, timestamp } from './meta.js';

const HPA = ref('HorizontalPodAutoscaler');
const SCALABLE: Record<string, string> = { Deployment: 'apps/v1', StatefulSet: 'apps/v1', ReplicaSet: 'apps/v1' };

function cond(old: Condition[], type: string, ok: boolean, reason: string, message: string, at: string): Condition {
  const prev = old.find((c) => c.type === type);
  const status = ok ? 'True' : 'False';
  return { type, status, lastTransitionTime: prev && prev.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : at, reason, message };
}

function reconcileHpa(ctx: Ctx, namespace: string | undefined, name: string): void {
  const hpa = ctx.port.get(HPA, namespace, name);
  if (!hpa || isTerminating(hpa)) return;
  const s = spec(hpa);
  const target = rec(s.scaleTargetRef);
  const kind = str(target.kind) ?? '';
  const at = timestamp(ctx.now());
  const old = conditions(hpa);
  const apiVersion = SCALABLE[kind];
  let obj: KubeObject | undefined = apiVersion ? ctx.port.get({ apiVersion, kind }, namespace, str(target.name) ?? '') : undefined;
  if (!obj) {
    ctx.port.updateStatus({ ...hpa, status: { currentReplicas: 0, desiredReplicas: 0, conditions: [cond(old, 'AbleToScale', false, 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${kind.toLowerCase()}s "${str(target.name) ?? ''}" not found`, at)] } });
    return;
  }
  const current = num(spec(obj).replicas, 1);
  const min = num(s.minReplicas, 1);
  const max = num(s.maxReplicas, current);
  const desired = Math.min(max, Math.max(min, current));
  const next: Record<string, unknown> = { ...rec(hpa.status) };
  if (desired !== current) {
    obj = ctx.port.update({ ...obj, spec: { ...spec(obj), replicas: desired } });
    next.lastScaleTime = at;
  }
  const limited = desired !== current;
  next.currentReplicas = current;
  next.desiredReplicas = desired;
  next.currentMetrics = [];
  next.observedGeneration = hpa.metadata.generation ?? 1;
  next.conditions = [
    cond(old, 'AbleToScale', true, 'ReadyForNewScale', 'recommended size matches current size', at),
    cond(old, 'ScalingActive', true, 'ValidMetricFound', 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)', at),
    limited
      ? cond(old, 'ScalingLimited', true, current < min ? 'TooFewReplicas' : 'TooManyReplicas', `the desired replica count is ${current < min ? 'less than the minimum' : 'more than the maximum'} replica count`, at)
      : cond(old, 'ScalingLimited', false, 'DesiredWithinRange', 'the desired count is within the acceptable range', at),
  ];
  ctx.port.updateStatus({ ...hpa, status: next });
}

export const hpaReconciler: Reconciler = {
  kind: 'HorizontalPodAutoscaler',
  reconcile: reconcileHpa,
  triggers(ctx, _type, obj) {
    if (!SCALABLE[obj.kind]) return [];
    return ctx.port
      .list(HPA, obj.metadata.namespace)
      .filter((h) => rec(spec(h).scaleTargetRef).kind === obj.kind && rec(spec(h).scaleTargetRef).name === nameOf(obj))
      .map((h) => key('HorizontalPodAutoscaler', h.metadata.namespace, nameOf(h)));
  },
};
