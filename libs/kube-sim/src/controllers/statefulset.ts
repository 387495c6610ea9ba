// StatefulSet controller: pods name-0..name-(n-1) created in order (OrderedReady) or all at once (Parallel), a PVC per
// volumeClaimTemplate and ordinal, rolling updates from the highest ordinal down, revisions in status.

import type { KubeObject } from '../types/index.js';
import type { Ctx, Reconciler } from './runtime.js';
import { key, ref } from './runtime.js';
import type { Json } from './meta.js';
import { arr, deepCopy, isTerminating, nameOf, num, omitZero, rec, spec, status, str, templateHash } from './meta.js';
import { record } from './events.js';
import { activePods, availableInMs, createPod, deletePod, isAvailable, isReady, podFromTemplate } from './podutil.js';

const STS = ref('StatefulSet');
const PVC = ref('PersistentVolumeClaim');
const REVISION_LABEL = 'controller-revision-hash';

function ordinal(sts: KubeObject, pod: KubeObject): number {
  const m = new RegExp(`^${nameOf(sts).replace(/[.]/g, '\\.')}-(\\d+)$`).exec(nameOf(pod));
  return m ? Number(m[1]) : -1;
}

function claimName(template: Json, sts: KubeObject, i: number): string {
  return `${str(rec(template.metadata).name) ?? ''}-${nameOf(sts)}-${i}`;
}

function ensureClaims(ctx: Ctx, sts: KubeObject, i: number): void {
  const matchLabels = rec(rec(spec(sts).selector).matchLabels);
  for (const t of arr(spec(sts).volumeClaimTemplates)) {
    const name = claimName(t, sts, i);
    if (ctx.port.get(PVC, sts.metadata.namespace, name)) continue;
    const meta = rec(t.metadata);
    ctx.port.create({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name, namespace: sts.metadata.namespace, labels: { ...(rec(meta.labels) as Record<string, string>), ...(matchLabels as Record<string, string>) } },
      spec: { volumeMode: 'Filesystem', ...rec(deepCopy(t.spec)) },
    });
  }
}

function newPod(sts: KubeObject, i: number, revision: string): KubeObject {
  const name = `${nameOf(sts)}-${i}`;
  const pod = podFromTemplate(sts, spec(sts).template, name, { [REVISION_LABEL]: revision, 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(i) });
  const ps = rec(pod.spec);
  const claims = arr(spec(sts).volumeClaimTemplates).map((t) => ({ name: str(rec(t.metadata).name) ?? '', persistentVolumeClaim: { claimName: claimName(t, sts, i) } }));
  const names = new Set(claims.map((c) => c.name));
  ps.volumes = [...arr(ps.volumes).filter((v) => !names.has(str(v.name) ?? '')), ...claims];
  ps.hostname = name;
  const svc = str(spec(sts).serviceName);
  if (svc) ps.subdomain = svc;
  return pod;
}

function reconcileStatefulSet(ctx: Ctx, namespace: string | undefined, name: string): void {
  const sts = ctx.port.get(STS, namespace, name);
  if (!sts || isTerminating(sts)) return;
  const s = spec(sts);
  const replicas = num(s.replicas, 1);
  const ordered = s.podManagementPolicy !== 'Parallel';
  const updateRevision = `${name}-${templateHash(s.template)}`;
  const st = status(sts);
  let currentRevision = str(st.currentRevision) ?? updateRevision;
  const strategy = rec(s.updateStrategy);
  const partition = num(rec(strategy.rollingUpdate).partition, 0);
  const byOrdinal = new Map<number, KubeObject>();
  for (const p of activePods(ctx, sts)) byOrdinal.set(ordinal(sts, p), p);

  let blocked = false;
  for (let i = 0; i < replicas && !blocked; i++) {
    const pod = byOrdinal.get(i);
    if (!pod) {
      ensureClaims(ctx, sts, i);
      const created = newPod(sts, i, i < partition ? currentRevision : updateRevision);
      createPod(ctx, created);
      record(ctx, sts, 'Normal', 'SuccessfulCreate', `create Pod ${nameOf(created)} in StatefulSet ${name} successful`, 'statefulset-controller');
      byOrdinal.set(i, ctx.port.get(ref('Pod'), namespace, nameOf(created))!);
      if (ordered) blocked = true;
    } else if (ordered && !isReady(pod)) {
      blocked = true;
    }
  }
  const extra = [...byOrdinal.keys()].filter((i) => i >= replicas).sort((a, b) => b - a);
  const allReady = [...byOrdinal.entries()].filter(([i]) => i < replicas).every(([, p]) => isReady(p));
  if (extra.length && (!ordered || allReady)) {
    for (const i of ordered ? extra.slice(0, 1) : extra) {
      deletePod(ctx, byOrdinal.get(i)!);
      byOrdinal.delete(i);
    }
  } else if (!blocked && allReady && strategy.type !== 'OnDelete') {
    const stale = [...byOrdinal.entries()].filter(([i, p]) => i >= partition && i < replicas && p.metadata.labels?.[REVISION_LABEL] !== updateRevision).sort(([a], [b]) => b - a)[0];
    if (stale) {
      deletePod(ctx, stale[1]);
      byOrdinal.delete(stale[0]);
    }
  }

  const pods = [...byOrdinal.values()].filter(Boolean);
  const now = ctx.now();
  const minReady = num(s.minReadySeconds, 0);
  const rev = (r: string): number => pods.filter((p) => p.metadata.labels?.[REVISION_LABEL] === r).length;
  const updated = rev(updateRevision);
  const ready = pods.filter(isReady).length;
  if (updated === replicas && ready === replicas && pods.length === replicas) currentRevision = updateRevision;
  const next: Json = {
    replicas: pods.length,
    ...omitZero({ readyReplicas: ready, currentReplicas: rev(currentRevision), updatedReplicas: updated }),
    availableReplicas: pods.filter((p) => isAvailable(p, minReady, now)).length,
    currentRevision,
    updateRevision,
    collisionCount: 0,
    observedGeneration: sts.metadata.generation ?? 1,
  };
  ctx.port.updateStatus({ ...sts, status: next });
  const wait = availableInMs(pods, minReady, now);
  if (wait !== undefined) ctx.after(key('StatefulSet', namespace, name), wait);
}

export const statefulSetReconciler: Reconciler = { kind: 'StatefulSet', reconcile: reconcileStatefulSet };
