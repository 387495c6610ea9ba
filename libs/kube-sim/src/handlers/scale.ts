// The scale subresource: an autoscaling/v1 Scale view of spec.replicas / status.replicas and the object's selector.

import { badRequest } from '../errors/index.js';
import { clone } from '../store/meta.js';
import type { KubeObject, ResourceType } from '../types/index.js';

function read(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const p of path.split('.').filter(Boolean)) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
  return cur;
}

function write(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.').filter(Boolean);
  let cur = obj;
  for (const p of parts.slice(0, -1)) cur = (cur[p] ??= {}) as Record<string, unknown>;
  cur[parts[parts.length - 1]!] = value;
}

function selectorString(sel: unknown): string {
  if (typeof sel === 'string') return sel;
  const labels = (sel as { matchLabels?: Record<string, string> } | undefined)?.matchLabels ?? {};
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}

export function toScale(t: ResourceType, obj: KubeObject): KubeObject {
  const s = t.scale!;
  const m = obj.metadata;
  const status: Record<string, unknown> = { replicas: read(obj, s.statusReplicasPath) ?? 0 };
  // Built-in kinds point at their own .spec.selector (from the kube-schema catalog); a CRD at a string field, if any.
  const selector = s.labelSelectorPath ? selectorString(read(obj, s.labelSelectorPath)) : undefined;
  if (selector) status.selector = selector;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: read(obj, s.specReplicasPath) ?? 0 },
    status,
  };
}

/** The object with spec replicas taken from a Scale; its resourceVersion (if any) is the precondition. */
export function fromScale(t: ResourceType, obj: KubeObject, scale: KubeObject): KubeObject {
  const replicas = read(scale, '.spec.replicas');
  if (replicas !== undefined && (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)) {
    throw badRequest(`Scale.autoscaling "${obj.metadata.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
  }
  const next = clone(obj) as KubeObject & Record<string, unknown>;
  write(next, t.scale!.specReplicasPath, replicas ?? 0);
  const rv = scale.metadata?.resourceVersion;
  if (rv) next.metadata.resourceVersion = rv;
  return next;
}
