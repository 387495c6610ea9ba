// Shared setup for the controller tests: one store on a FakeClock with controllers attached, and small readers.

import { FakeClock } from '@flotilla/testkit';
import { ObjectStore } from '../src/store/index.js';
import type { Controllers, AttachOptions } from '../src/controllers/index.js';
import { attachControllers } from '../src/controllers/index.js';
import type { KubeObject } from '../src/types/index.js';
import { parseApiVersion } from '../src/types/index.js';

export const START = '2026-01-01T00:00:00Z';

export interface Sim {
  clock: FakeClock;
  store: ObjectStore;
  controllers: Controllers;
  apply(obj: KubeObject): KubeObject;
  get(kind: string, name: string, namespace?: string): KubeObject;
  list(kind: string, namespace?: string): KubeObject[];
  /** Advances the fake clock by `seconds`; timers fire and controllers settle on the way. */
  advance(seconds: number): void;
}

const API_VERSION: Record<string, string> = {
  Deployment: 'apps/v1', ReplicaSet: 'apps/v1', StatefulSet: 'apps/v1', DaemonSet: 'apps/v1', Job: 'batch/v1', CronJob: 'batch/v1',
  Pod: 'v1', Service: 'v1', PersistentVolumeClaim: 'v1', PersistentVolume: 'v1', Namespace: 'v1', Node: 'v1', ConfigMap: 'v1', Event: 'v1',
  StorageClass: 'storage.k8s.io/v1', Ingress: 'networking.k8s.io/v1', HorizontalPodAutoscaler: 'autoscaling/v2',
};

function typeOf(kind: string): { group: string; kind: string } {
  return { group: parseApiVersion(API_VERSION[kind] ?? 'v1').group, kind };
}

export function newSim(options: AttachOptions = {}): Sim {
  const clock = new FakeClock(START);
  const store = new ObjectStore({ clock });
  const controllers = attachControllers(store, options);
  const sim: Sim = {
    clock,
    store,
    controllers,
    apply(obj) {
      const t = typeOf(obj.kind);
      const cur = store.get(t, obj.metadata.namespace, obj.metadata.name ?? '');
      const out = cur ? store.update(t, { ...obj, metadata: { ...obj.metadata, resourceVersion: cur.metadata.resourceVersion } }) : store.create(t, obj);
      controllers.settle();
      return out;
    },
    get(kind, name, namespace = 'default') {
      const t = typeOf(kind);
      const o = store.get(t, store.type(t).namespaced ? namespace : undefined, name);
      if (!o) throw new Error(`${kind} ${namespace}/${name} not found`);
      return o;
    },
    list(kind, namespace) {
      return store.list(typeOf(kind), namespace ? { namespace } : {}).items;
    },
    advance(seconds) {
      clock.advance(seconds * 1000);
      controllers.settle();
    },
  };
  return sim;
}

export function deployment(name: string, replicas = 3, extra: { image?: string; annotations?: Record<string, string>; spec?: Record<string, unknown> } = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: extra.image ?? 'nginx:1.27' }] } },
      progressDeadlineSeconds: 600,
      revisionHistoryLimit: 10,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      ...extra.spec,
    },
  };
}

export function status(obj: KubeObject): Record<string, unknown> {
  return (obj.status ?? {}) as Record<string, unknown>;
}

export function condition(obj: KubeObject, type: string): Record<string, unknown> | undefined {
  const list = (status(obj).conditions ?? []) as Record<string, unknown>[];
  return list.find((c) => c.type === type);
}

export function containerState(pod: KubeObject): Record<string, unknown> {
  const cs = (status(pod).containerStatuses ?? []) as Record<string, unknown>[];
  return cs[0] ?? {};
}

/** `reason: message (count)` of the events about one object, in the store's (name) order. */
export function eventsFor(sim: Sim, kind: string, name: string, namespace = 'default'): string[] {
  return sim
    .list('Event', namespace)
    .filter((e) => (e.involvedObject as { kind: string; name: string }).kind === kind && (e.involvedObject as { name: string }).name === name)
    .map((e) => `${String(e.reason)}: ${String(e.message)} (${String(e.count)})`);
}
