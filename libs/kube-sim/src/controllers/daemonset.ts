// DaemonSet controller: one pod per schedulable Node, rolling updates one node at a time (maxUnavailable), status counts.

import type { KubeObject } from '../types/index.js';
import type { Ctx, Reconciler } from './runtime.js';
import { key, ref } from './runtime.js';
import { intOrPercent, isTerminating, nameOf, num, omitZero, rec, spec, str, templateHash } from './meta.js';
import { nodeMatches } from './pods.js';
import { activePods, availableInMs, createPod, deletePod, generatedName, isAvailable, isReady, podFromTemplate } from './podutil.js';

const DS = ref('DaemonSet');
const NODE = ref('Node');
const REVISION_LABEL = 'controller-revision-hash';

function reconcileDaemonSet(ctx: Ctx, namespace: string | undefined, name: string): void {
  const ds = ctx.port.get(DS, namespace, name);
  if (!ds || isTerminating(ds)) return;
  const s = spec(ds);
  const nodes = ctx.port.list(NODE).filter((n) => !spec(n).unschedulable && !isTerminating(n) && nodeMatches({ ...ds, spec: rec(rec(s.template).spec) }, n));
  const nodeNames = new Set(nodes.map(nameOf));
  const revision = templateHash(s.template);
  const generation = String(ds.metadata.generation ?? 1);
  const byNode = new Map<string, KubeObject>();
  for (const p of activePods(ctx, ds)) {
    const node = str(spec(p).nodeName) ?? '';
    if (!nodeNames.has(node) || byNode.has(node)) deletePod(ctx, p);
    else byNode.set(node, p);
  }
  for (const n of nodes) {
    if (byNode.has(nameOf(n))) continue;
    const pod = podFromTemplate(ds, s.template, generatedName(ctx, `${name}-`), { [REVISION_LABEL]: revision, 'pod-template-generation': generation });
    pod.spec = { ...rec(pod.spec), nodeName: nameOf(n) };
    createPod(ctx, pod);
    byNode.set(nameOf(n), ctx.port.get(ref('Pod'), namespace, nameOf(pod))!);
  }
  const strategy = rec(s.updateStrategy);
  if (strategy.type !== 'OnDelete') {
    const maxUnavailable = Math.max(1, intOrPercent(rec(strategy.rollingUpdate).maxUnavailable, nodes.length, false, '1'));
    const unavailable = [...byNode.values()].filter((p) => !isReady(p)).length;
    const stale = [...byNode.entries()].filter(([, p]) => p.metadata.labels?.[REVISION_LABEL] !== revision).sort(([a], [b]) => a.localeCompare(b));
    for (const [node, p] of stale.slice(0, Math.max(0, maxUnavailable - unavailable))) {
      deletePod(ctx, p);
      byNode.delete(node);
    }
  }
  const pods = [...byNode.values()];
  const now = ctx.now();
  const minReady = num(s.minReadySeconds, 0);
  const available = pods.filter((p) => isAvailable(p, minReady, now)).length;
  ctx.port.updateStatus({
    ...ds,
    status: {
      currentNumberScheduled: pods.length,
      numberMisscheduled: 0,
      desiredNumberScheduled: nodes.length,
      numberReady: pods.filter(isReady).length,
      ...omitZero({
        observedGeneration: ds.metadata.generation ?? 1,
        updatedNumberScheduled: pods.filter((p) => p.metadata.labels?.[REVISION_LABEL] === revision).length,
        numberAvailable: available,
        numberUnavailable: Math.max(0, nodes.length - available),
      }),
    },
  });
  const wait = availableInMs(pods, minReady, now);
  if (wait !== undefined) ctx.after(key('DaemonSet', namespace, name), wait);
}

export const daemonSetReconciler: Reconciler = {
  kind: 'DaemonSet',
  reconcile: reconcileDaemonSet,
  triggers(ctx, _type, obj) {
    if (obj.kind !== 'Node') return [];
    return ctx.port.list(DS).map((d) => key('DaemonSet', d.metadata.namespace, nameOf(d)));
  },
};
