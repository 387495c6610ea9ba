// Deployment controller after k8s.io/kubernetes/pkg/controller/deployment: a ReplicaSet per pod template (labelled
// pod-template-hash, annotated with revisions), rolling or recreate updates, and status/conditions as the real one writes.

import type { KubeObject } from '../types/index.js';
import type { Ctx, Reconciler } from './runtime.js';
import { key, ref } from './runtime.js';
import type { Condition, Json } from './meta.js';
import { conditions, controllerRef, deepCopy, findCondition, intOrPercent, isControlledBy, isTerminating, nameOf, num, omitZero, parseTime, rec, setCondition, spec, status, templateHash, timestamp } from './meta.js';
import { RS } from './replicaset.js';
import { record } from './events.js';

const DEPLOY = ref('Deployment');
export const REVISION = 'deployment.kubernetes.io/revision';
const DESIRED = 'deployment.kubernetes.io/desired-replicas';
const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
const HASH = 'pod-template-hash';

interface Plan {
  replicas: number;
  maxSurge: number;
  maxUnavailable: number;
  recreate: boolean;
}

/** MaxSurge rounds up and MaxUnavailable down; both zero would deadlock, so unavailable becomes 1 (ResolveFenceposts). */
function plan(d: KubeObject): Plan {
  const s = spec(d);
  const replicas = num(s.replicas, 1);
  const strategy = rec(s.strategy);
  if (strategy.type === 'Recreate') return { replicas, maxSurge: 0, maxUnavailable: 0, recreate: true };
  const ru = rec(strategy.rollingUpdate);
  const maxSurge = intOrPercent(ru.maxSurge, replicas, true, '25%');
  let maxUnavailable = intOrPercent(ru.maxUnavailable, replicas, false, '25%');
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { replicas, maxSurge, maxUnavailable: Math.min(maxUnavailable, replicas), recreate: false };
}

function revision(rs: KubeObject): number {
  return Number(rs.metadata.annotations?.[REVISION] ?? 0) || 0;
}

function specReplicas(rs: KubeObject): number {
  return num(spec(rs).replicas, 0);
}

function statusNum(rs: KubeObject, field: string): number {
  return num(status(rs)[field], 0);
}

function progressCondition(ctx: Ctx, status: 'True' | 'False', reason: string, message: string): Condition {
  const at = timestamp(ctx.now());
  return { type: 'Progressing', status, lastUpdateTime: at, lastTransitionTime: at, reason, message };
}

function scale(ctx: Ctx, rs: KubeObject, replicas: number, p: Plan, d?: KubeObject): KubeObject {
  const from = specReplicas(rs);
  if (d && from !== replicas) record(ctx, d, 'Normal', 'ScalingReplicaSet', `Scaled ${replicas > from ? 'up' : 'down'} replica set ${nameOf(rs)} from ${from} to ${replicas}`, 'deployment-controller');
  const annotations = { ...rs.metadata.annotations, [DESIRED]: String(p.replicas), [MAX_REPLICAS]: String(p.replicas + p.maxSurge) };
  return ctx.port.update({ ...rs, metadata: { ...rs.metadata, annotations }, spec: { ...spec(rs), replicas } });
}

function newReplicaSet(d: KubeObject, hash: string, replicas: number, rev: number, p: Plan): KubeObject {
  const s = spec(d);
  const template = rec(deepCopy(s.template));
  const tmeta = rec(template.metadata);
  const labels = { ...(rec(tmeta.labels) as Record<string, string>), [HASH]: hash };
  template.metadata = { ...tmeta, labels };
  const selector = rec(deepCopy(s.selector));
  selector.matchLabels = { ...rec(selector.matchLabels), [HASH]: hash };
  const rsSpec: Json = { replicas, selector, template };
  if (s.minReadySeconds !== undefined) rsSpec.minReadySeconds = s.minReadySeconds;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${nameOf(d)}-${hash}`,
      namespace: d.metadata.namespace,
      labels,
      annotations: { ...(d.metadata.annotations ?? {}), [DESIRED]: String(p.replicas), [MAX_REPLICAS]: String(p.replicas + p.maxSurge), [REVISION]: String(rev) },
      ownerReferences: [controllerRef(d)],
    },
    spec: rsSpec,
  };
}

/** Rolling update, coarse but with the real arithmetic: surge the new RS, then scale old ones within maxUnavailable. */
function rollingUpdate(ctx: Ctx, d: KubeObject, p: Plan, newRS: KubeObject, olds: KubeObject[]): void {
  const all = (): number => specReplicas(newRS) + olds.reduce((n, rs) => n + specReplicas(rs), 0);
  const maxTotal = p.replicas + p.maxSurge;
  if (specReplicas(newRS) > p.replicas) newRS = scale(ctx, newRS, p.replicas, p, d);
  else if (specReplicas(newRS) < p.replicas && all() < maxTotal) newRS = scale(ctx, newRS, Math.min(p.replicas, specReplicas(newRS) + maxTotal - all()), p, d);
  const minAvailable = p.replicas - p.maxUnavailable;
  const newUnavailable = specReplicas(newRS) - statusNum(newRS, 'availableReplicas');
  let budget = all() - minAvailable - newUnavailable;
  const byAge = [...olds].sort((a, b) => revision(a) - revision(b));
  for (let i = 0; i < byAge.length && budget > 0; i++) {
    const rs = byAge[i]!;
    const take = Math.min(specReplicas(rs), budget);
    if (take > 0) {
      byAge[i] = scale(ctx, rs, specReplicas(rs) - take, p, d);
      budget -= take;
    }
  }
}

function recreate(ctx: Ctx, d: KubeObject, p: Plan, newRS: KubeObject, olds: KubeObject[]): void {
  for (const rs of olds) if (specReplicas(rs) > 0) scale(ctx, rs, 0, p, d);
  const oldPods = olds.reduce((n, rs) => n + statusNum(rs, 'replicas'), 0);
  if (oldPods === 0 && specReplicas(newRS) !== p.replicas) scale(ctx, newRS, p.replicas, p, d);
}

function cleanupHistory(ctx: Ctx, d: KubeObject, olds: KubeObject[]): void {
  const limit = num(spec(d).revisionHistoryLimit, 10);
  const idle = olds.filter((rs) => specReplicas(rs) === 0 && statusNum(rs, 'replicas') === 0 && !isTerminating(rs)).sort((a, b) => revision(a) - revision(b));
  for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) ctx.port.delete(RS, rs.metadata.namespace, nameOf(rs));
}

function reconcileDeployment(ctx: Ctx, namespace: string | undefined, name: string): void {
  let d = ctx.port.get(DEPLOY, namespace, name);
  if (!d || isTerminating(d)) return;
  const s = spec(d);
  const p = plan(d);
  const owned = ctx.port.list(RS, namespace).filter((rs) => isControlledBy(rs, d!));
  const hash = templateHash(s.template, num(status(d).collisionCount, 0));
  let newRS = owned.find((rs) => rs.metadata.labels?.[HASH] === hash);
  let olds = owned.filter((rs) => rs !== newRS);
  let conds = conditions(d);
  const deadlineSeconds = num(s.progressDeadlineSeconds, 600);
  const maxOldRevision = Math.max(0, ...olds.map(revision));

  if (!s.paused) {
    if (!newRS) {
      const oldPods = olds.reduce((n, rs) => n + specReplicas(rs), 0);
      const initial = p.recreate ? (oldPods > 0 ? 0 : p.replicas) : oldPods === 0 ? p.replicas : Math.max(0, Math.min(p.replicas + p.maxSurge - oldPods, p.replicas));
      newRS = ctx.port.create(newReplicaSet(d, hash, initial, maxOldRevision + 1, p));
      if (initial > 0) record(ctx, d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${nameOf(newRS)} from 0 to ${initial}`, 'deployment-controller');
      conds = setCondition(conds, progressCondition(ctx, 'True', 'NewReplicaSetCreated', `Created new replica set "${nameOf(newRS)}"`));
    } else {
      if (!findCondition(conds, 'Progressing')) conds = setCondition(conds, progressCondition(ctx, 'True', 'FoundNewReplicaSet', `Found new replica set "${nameOf(newRS)}"`));
      if (revision(newRS) <= maxOldRevision) {
        newRS = ctx.port.update({ ...newRS, metadata: { ...newRS.metadata, annotations: { ...newRS.metadata.annotations, [REVISION]: String(maxOldRevision + 1) } } });
      }
    }
    if (p.recreate) recreate(ctx, d, p, newRS, olds);
    else rollingUpdate(ctx, d, p, newRS, olds);
    cleanupHistory(ctx, d, olds);
  } else if (newRS && specReplicas(newRS) !== p.replicas && olds.every((rs) => specReplicas(rs) === 0)) {
    scale(ctx, newRS, p.replicas, p, d);
  }

  const rev = newRS ? newRS.metadata.annotations?.[REVISION] : undefined;
  if (rev && d.metadata.annotations?.[REVISION] !== rev) {
    d = ctx.port.update({ ...d, metadata: { ...d.metadata, annotations: { ...d.metadata.annotations, [REVISION]: rev } } });
  }
  // Re-read: scaling above changed the ReplicaSets this status is computed from.
  const current = ctx.port.list(RS, namespace).filter((rs) => isControlledBy(rs, d!));
  newRS = newRS ? current.find((rs) => rs.metadata.uid === newRS!.metadata.uid) : undefined;
  olds = current.filter((rs) => rs !== newRS);
  writeStatus(ctx, d, p, newRS, current, conds, deadlineSeconds, s.progressDeadlineSeconds !== null);
}

function writeStatus(ctx: Ctx, d: KubeObject, p: Plan, newRS: KubeObject | undefined, all: KubeObject[], conds: Condition[], deadlineSeconds: number, hasDeadline: boolean): void {
  const sum = (field: string, list: KubeObject[]): number => list.reduce((n, rs) => n + statusNum(rs, field), 0);
  const available = sum('availableReplicas', all);
  const total = all.reduce((n, rs) => n + specReplicas(rs), 0);
  const next: Json = omitZero({
    observedGeneration: d.metadata.generation ?? 1,
    replicas: sum('replicas', all),
    updatedReplicas: newRS ? statusNum(newRS, 'replicas') : 0,
    readyReplicas: sum('readyReplicas', all),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
    collisionCount: num(status(d).collisionCount, 0),
  });
  const at = timestamp(ctx.now());
  conds =
    available >= p.replicas - (p.recreate ? 0 : p.maxUnavailable)
      ? setCondition(conds, { type: 'Available', status: 'True', lastUpdateTime: at, lastTransitionTime: at, reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' })
      : setCondition(conds, { type: 'Available', status: 'False', lastUpdateTime: at, lastTransitionTime: at, reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' });
  conds = hasDeadline ? rolloutConditions(ctx, d, p, newRS, next, conds, deadlineSeconds) : conds.filter((c) => c.type !== 'Progressing');
  next.conditions = conds;
  ctx.port.updateStatus({ ...d, status: next });
}

/** syncRolloutStatus: Progressing is NewReplicaSetAvailable when complete, refreshed on progress, False past the deadline. */
function rolloutConditions(ctx: Ctx, d: KubeObject, p: Plan, newRS: KubeObject | undefined, next: Json, conds: Condition[], deadlineSeconds: number): Condition[] {
  const cur = findCondition(conds, 'Progressing');
  const n = (f: string): number => num(next[f], 0);
  const rsName = newRS ? nameOf(newRS) : '';
  if (n('replicas') === n('updatedReplicas') && cur?.reason === 'NewReplicaSetAvailable') return conds;
  const complete = n('updatedReplicas') === p.replicas && n('replicas') === p.replicas && n('availableReplicas') === p.replicas && n('observedGeneration') >= (d.metadata.generation ?? 1);
  if (complete) {
    const msg = newRS ? `ReplicaSet "${rsName}" has successfully progressed.` : `Deployment "${nameOf(d)}" has successfully progressed.`;
    return setCondition(conds, progressCondition(ctx, 'True', 'NewReplicaSetAvailable', msg));
  }
  const old = status(d);
  const o = (f: string): number => num(old[f], 0);
  const progressed = n('updatedReplicas') > o('updatedReplicas') || n('replicas') - n('updatedReplicas') < o('replicas') - o('updatedReplicas') || n('readyReplicas') > o('readyReplicas') || n('availableReplicas') > o('availableReplicas');
  const k = key('Deployment', d.metadata.namespace, nameOf(d));
  if (progressed) {
    const c = progressCondition(ctx, 'True', 'ReplicaSetUpdated', newRS ? `ReplicaSet "${rsName}" is progressing.` : `Deployment "${nameOf(d)}" is progressing.`);
    if (cur?.status === 'True' && cur.lastTransitionTime) c.lastTransitionTime = cur.lastTransitionTime;
    ctx.after(k, deadlineSeconds * 1000 + 1000);
    return [...conds.filter((x) => x.type !== 'Progressing'), c];
  }
  if (!cur || cur.reason === 'ProgressDeadlineExceeded') return conds;
  const from = parseTime(cur.lastUpdateTime) ?? ctx.now();
  if (from + deadlineSeconds * 1000 < ctx.now()) {
    const msg = newRS ? `ReplicaSet "${rsName}" has timed out progressing.` : `Deployment "${nameOf(d)}" has timed out progressing.`;
    return setCondition(conds, progressCondition(ctx, 'False', 'ProgressDeadlineExceeded', msg));
  }
  ctx.after(k, from + deadlineSeconds * 1000 + 1000 - ctx.now());
  return conds;
}

export const deploymentReconciler: Reconciler = { kind: 'Deployment', reconcile: reconcileDeployment };
