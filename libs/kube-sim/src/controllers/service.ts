// Service controller: allocates a cluster IP (and node ports for NodePort/LoadBalancer) when the create left them
// empty, and gives LoadBalancer Services an ingress address after a delay, unless the lb-pending fault holds them.

import type { KubeObject } from '../types/index.js';
import { FAULT_ANNOTATION } from '../faults/index.js';
import type { Ctx, Reconciler } from './runtime.js';
import { key, ref } from './runtime.js';
import type { Json } from './meta.js';
import { arr, isTerminating, nameOf, num, parseTime, rec, spec, status, str } from './meta.js';

const SVC = ref('Service');

/** The first free address of the service range, skipping those the API server allocated at create. */
function allocateIp(ctx: Ctx): string {
  const used = new Set(ctx.port.list(SVC).map((s) => str(spec(s).clusterIP)));
  for (let i = 10; i < 65_000; i++) {
    const ip = `10.96.${Math.floor(i / 254)}.${(i % 254) + 1}`;
    if (!used.has(ip)) return ip;
  }
  return '10.96.255.254';
}

function usedNodePorts(ctx: Ctx): Set<unknown> {
  return new Set(ctx.port.list(SVC).flatMap((s) => arr(spec(s).ports).map((p) => p.nodePort)));
}

function freeNodePort(used: Set<unknown>): number {
  for (let p = 30000; p <= 32767; p++) {
    if (!used.has(p)) {
      used.add(p);
      return p;
    }
  }
  return 32767;
}

function allocateSpec(ctx: Ctx, svc: KubeObject): Json | undefined {
  const s = { ...spec(svc) };
  const type = str(s.type) ?? 'ClusterIP';
  let changed = false;
  if (type !== 'ExternalName' && !str(s.clusterIP)) {
    const ip = allocateIp(ctx);
    Object.assign(s, { clusterIP: ip, clusterIPs: [ip], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' });
    changed = true;
  }
  if (type === 'NodePort' || type === 'LoadBalancer') {
    const used = usedNodePorts(ctx);
    const ports = arr(s.ports).map((p) => {
      if (p.nodePort) return p;
      changed = true;
      return { ...p, nodePort: freeNodePort(used) };
    });
    s.ports = ports;
  }
  return changed ? s : undefined;
}

function lbBlocked(ctx: Ctx, svc: KubeObject): boolean {
  return svc.metadata.annotations?.[FAULT_ANNOTATION] === 'lb-pending' || ctx.faults.objectFault('Service', svc.metadata.namespace, nameOf(svc)) === 'lb-pending';
}

function reconcileService(ctx: Ctx, namespace: string | undefined, name: string): void {
  let svc = ctx.port.get(SVC, namespace, name);
  if (!svc || isTerminating(svc)) return;
  const allocated = allocateSpec(ctx, svc);
  if (allocated) svc = ctx.port.update({ ...svc, spec: allocated });
  const isLb = spec(svc).type === 'LoadBalancer';
  const ingress = arr(rec(status(svc).loadBalancer).ingress);
  if (!isLb) {
    if (ingress.length) ctx.port.updateStatus({ ...svc, status: { loadBalancer: {} } });
    return;
  }
  if (ingress.length || lbBlocked(ctx, svc)) return;
  const due = (parseTime(svc.metadata.creationTimestamp) ?? ctx.now()) + ctx.options.loadBalancerDelayMs;
  if (ctx.now() < due) {
    ctx.after(key('Service', namespace, name), due - ctx.now());
    return;
  }
  const n = num(ctx.next('lbIP'), 1);
  ctx.port.updateStatus({ ...svc, status: { loadBalancer: { ingress: [{ ip: `172.18.255.${(n % 254) + 1}`, ipMode: 'VIP' }] } } });
}

export const serviceReconciler: Reconciler = { kind: 'Service', reconcile: reconcileService };
