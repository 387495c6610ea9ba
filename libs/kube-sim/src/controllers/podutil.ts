// Pod helpers shared by the workload controllers: pods from templates, readiness and availability (minReadySeconds).

import type { KubeObject } from '../types/index.js';
import type { Ctx } from './runtime.js';
import { ref } from './runtime.js';
import type { Condition } from './meta.js';
import { conditions, controllerRef, deepCopy, fnv32a, isControlledBy, isTerminating, parseTime, rec, safeEncode, status } from './meta.js';

export const POD = ref('Pod');

/** Pods an owner controls, not being deleted and not finished. */
export function activePods(ctx: Ctx, owner: KubeObject): KubeObject[] {
  return ownedPods(ctx, owner).filter((p) => !isTerminating(p) && !isFinished(p));
}

export function ownedPods(ctx: Ctx, owner: KubeObject): KubeObject[] {
  return ctx.port.list(POD, owner.metadata.namespace).filter((p) => isControlledBy(p, owner));
}

export function isFinished(pod: KubeObject): boolean {
  const phase = status(pod).phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

export function readyCondition(pod: KubeObject): Condition | undefined {
  return conditions(pod).find((c) => c.type === 'Ready');
}

export function isReady(pod: KubeObject): boolean {
  return status(pod).phase === 'Running' && readyCondition(pod)?.status === 'True';
}

/** podutil.IsPodAvailable: ready for at least minReadySeconds (ready is enough when minReadySeconds is 0). */
export function isAvailable(pod: KubeObject, minReadySeconds: number, now: number): boolean {
  if (!isReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = parseTime(readyCondition(pod)?.lastTransitionTime);
  return since !== undefined && since + minReadySeconds * 1000 < now;
}

/** When a ready pod that is not yet available becomes available, so the owner can requeue itself for then. */
export function availableInMs(pods: KubeObject[], minReadySeconds: number, now: number): number | undefined {
  let best: number | undefined;
  for (const p of pods) {
    if (!isReady(p) || isAvailable(p, minReadySeconds, now)) continue;
    const since = parseTime(readyCondition(p)?.lastTransitionTime) ?? now;
    const due = since + minReadySeconds * 1000 + 1000 - now;
    best = best === undefined ? due : Math.min(best, due);
  }
  return best;
}

/** `prefix` + 5 characters from the generated-name alphabet, deterministic per cluster. */
export function generatedName(ctx: Ctx, prefix: string): string {
  const n = ctx.next(`name:${prefix}`);
  return prefix + safeEncode(fnv32a(`${prefix}${n}`), 5);
}

/** A pod from a workload's template, controlled by `owner` (controller.GetPodFromTemplate). */
export function podFromTemplate(owner: KubeObject, template: unknown, name: string, extraLabels: Record<string, string> = {}): KubeObject {
  const t = rec(deepCopy(template));
  const meta = rec(t.metadata);
  const labels = { ...(rec(meta.labels) as Record<string, string>), ...extraLabels };
  const annotations = rec(meta.annotations) as Record<string, string>;
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: owner.metadata.namespace, labels, ownerReferences: [controllerRef(owner)] },
    spec: { restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', ...rec(t.spec) },
  };
  if (Object.keys(annotations).length) pod.metadata.annotations = annotations;
  return pod;
}

/** Creates a pod unless its namespace is going away (then the create is refused and the owner is being deleted too). */
export function createPod(ctx: Ctx, pod: KubeObject): void {
  ctx.port.create(pod);
}

export function deletePod(ctx: Ctx, pod: KubeObject): void {
  ctx.port.delete(POD, pod.metadata.namespace, pod.metadata.name ?? '');
}

/** Deletion order of controller.ActivePods: unscheduled, pending, not ready, then most recently created first. */
export function deletionOrder(pods: KubeObject[]): KubeObject[] {
  const rank = (p: KubeObject): number => (!rec(p.spec).nodeName ? 0 : status(p).phase === 'Pending' ? 1 : !isReady(p) ? 2 : 3);
  return [...pods].sort((a, b) => rank(a) - rank(b) || String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)) || String(b.metadata.name).localeCompare(String(a.metadata.name)));
}
