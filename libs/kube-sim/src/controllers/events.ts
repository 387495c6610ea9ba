// Events as the controllers and the kubelet record them (kubectl describe, kubectl get events): repeated events of
// the same object, reason and message are folded into one with a growing count, like client-go's event correlator.

import type { KubeObject } from '../types/index.js';
import type { Ctx } from './runtime.js';
import { ref } from './runtime.js';
import { fnv32a, nameOf, num, timestamp } from './meta.js';

const EVENT = ref('Event');

export type EventType = 'Normal' | 'Warning';

/** Records an event about `obj`; never throws (a namespace being deleted refuses new events, which is fine). */
export function record(ctx: Ctx, obj: KubeObject, type: EventType, reason: string, message: string, component: string): void {
  const namespace = obj.metadata.namespace ?? 'default';
  const at = timestamp(ctx.now());
  const name = `${nameOf(obj)}.${fnv32a(`${obj.metadata.uid}/${reason}/${message}`).toString(16).padStart(8, '0')}`;
  try {
    const existing = ctx.port.get(EVENT, namespace, name);
    if (existing) {
      ctx.port.update({ ...existing, count: num(existing.count, 1) + 1, lastTimestamp: at });
      return;
    }
    ctx.port.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: { apiVersion: obj.apiVersion, kind: obj.kind, name: nameOf(obj), namespace: obj.metadata.namespace, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion },
      reason,
      message,
      source: component === 'kubelet' ? { component, host: (obj.spec as { nodeName?: string } | undefined)?.nodeName } : { component },
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: '',
    });
  } catch (_e) {
    // Events are best effort, as in a real cluster.
  }
}
