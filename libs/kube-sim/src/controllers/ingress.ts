// Ingress controller: gives every Ingress a load-balancer address after a delay, as an ingress controller publishes it,
// unless the lb-pending fault holds it (then it stays without an address, like a cluster with no controller).

import { FAULT_ANNOTATION } from '../faults/index.js';
import type { Ctx, Reconciler } from './runtime.js';
import { key, ref } from './runtime.js';
import { arr, isTerminating, nameOf, parseTime, rec, status } from './meta.js';

const INGRESS = ref('Ingress');

function reconcileIngress(ctx: Ctx, namespace: string | undefined, name: string): void {
  const ing = ctx.port.get(INGRESS, namespace, name);
  if (!ing || isTerminating(ing)) return;
  if (arr(rec(status(ing).loadBalancer).ingress).length) return;
  if (ing.metadata.annotations?.[FAULT_ANNOTATION] === 'lb-pending' || ctx.faults.objectFault('Ingress', namespace, nameOf(ing)) === 'lb-pending') return;
  const due = (parseTime(ing.metadata.creationTimestamp) ?? ctx.now()) + ctx.options.loadBalancerDelayMs;
  if (ctx.now() < due) {
    ctx.after(key('Ingress', namespace, name), due - ctx.now());
    return;
  }
  // One address per cluster, like a single ingress controller behind one load balancer.
  ctx.port.updateStatus({ ...ing, status: { loadBalancer: { ingress: [{ ip: '172.18.255.200' }] } } });
}

export const ingressReconciler: Reconciler = { kind: 'Ingress', reconcile: reconcileIngress };
