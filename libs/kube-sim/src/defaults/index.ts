// Defaulting of built-in kinds as the apiserver does it on every write (pkg/apis/*/v1/defaults.go), so stored
// objects, `kubectl get -o yaml` and server dry-runs look like a real cluster's. Also allocates Service cluster IPs.

import type { ObjectStore } from '../store/index.js';
import type { KubeObject, ResourceType } from '../types/index.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(parent: Obj, key: string): Obj {
  if (!isObj(parent[key])) parent[key] = {};
  return parent[key] as Obj;
}

function def(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

function imagePullPolicy(image: unknown): string {
  const s = typeof image === 'string' ? image : '';
  if (s.includes('@')) return 'IfNotPresent';
  const last = s.split('/').pop() ?? '';
  const tag = last.includes(':') ? last.slice(last.indexOf(':') + 1) : '';
  return !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/** Ports of containers and Services default their protocol to TCP; server-side apply needs it as a list key too. */
export function defaultPorts(ports: unknown): void {
  if (Array.isArray(ports)) for (const p of ports) if (isObj(p)) def(p, 'protocol', 'TCP');
}

function container(c: unknown): void {
  if (!isObj(c)) return;
  def(c, 'terminationMessagePath', '/dev/termination-log');
  def(c, 'terminationMessagePolicy', 'File');
  def(c, 'imagePullPolicy', imagePullPolicy(c.image));
  def(c, 'resources', {});
  defaultPorts(c.ports);
}

export function defaultPodSpec(spec: Obj): void {
  def(spec, 'restartPolicy', 'Always');
  def(spec, 'terminationGracePeriodSeconds', 30);
  def(spec, 'dnsPolicy', 'ClusterFirst');
  def(spec, 'securityContext', {});
  def(spec, 'schedulerName', 'default-scheduler');
  for (const list of ['containers', 'initContainers']) if (Array.isArray(spec[list])) (spec[list] as unknown[]).forEach(container);
}

function template(spec: Obj): void {
  const t = obj(spec, 'template');
  defaultPodSpec(obj(t, 'spec'));
}

const BY_KIND: Record<string, (o: KubeObject, spec: Obj) => void> = {
  '/Pod': (_o, spec) => defaultPodSpec(spec),
  'apps/Deployment': (_o, spec) => {
    def(spec, 'replicas', 1);
    const strategy = obj(spec, 'strategy');
    def(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = obj(strategy, 'rollingUpdate');
      def(ru, 'maxUnavailable', '25%');
      def(ru, 'maxSurge', '25%');
    }
    def(spec, 'revisionHistoryLimit', 10);
    def(spec, 'progressDeadlineSeconds', 600);
    template(spec);
  },
  'apps/ReplicaSet': (_o, spec) => {
    def(spec, 'replicas', 1);
    template(spec);
  },
  'apps/StatefulSet': (_o, spec) => {
    def(spec, 'replicas', 1);
    def(spec, 'podManagementPolicy', 'OrderedReady');
    const us = obj(spec, 'updateStrategy');
    def(us, 'type', 'RollingUpdate');
    if (us.type === 'RollingUpdate') def(obj(us, 'rollingUpdate'), 'partition', 0);
    def(spec, 'revisionHistoryLimit', 10);
    def(spec, 'persistentVolumeClaimRetentionPolicy', { whenDeleted: 'Retain', whenScaled: 'Retain' });
    template(spec);
  },
  'apps/DaemonSet': (_o, spec) => {
    const us = obj(spec, 'updateStrategy');
    def(us, 'type', 'RollingUpdate');
    if (us.type === 'RollingUpdate') {
      const ru = obj(us, 'rollingUpdate');
      def(ru, 'maxUnavailable', 1);
      def(ru, 'maxSurge', 0);
    }
    def(spec, 'revisionHistoryLimit', 10);
    template(spec);
  },
  'batch/Job': (_o, spec) => {
    def(spec, 'parallelism', 1);
    def(spec, 'completions', 1);
    def(spec, 'backoffLimit', 6);
    def(spec, 'completionMode', 'NonIndexed');
    def(spec, 'suspend', false);
    def(spec, 'podReplacementPolicy', 'TerminatingOrFailed');
    template(spec);
  },
  'batch/CronJob': (_o, spec) => {
    def(spec, 'concurrencyPolicy', 'Allow');
    def(spec, 'suspend', false);
    def(spec, 'successfulJobsHistoryLimit', 3);
    def(spec, 'failedJobsHistoryLimit', 1);
    const jt = obj(obj(spec, 'jobTemplate'), 'spec');
    template(jt);
  },
  '/Service': (_o, spec) => {
    def(spec, 'type', 'ClusterIP');
    def(spec, 'sessionAffinity', 'None');
    if (spec.type !== 'ExternalName') {
      def(spec, 'internalTrafficPolicy', 'Cluster');
      if (Array.isArray(spec.ports)) for (const p of spec.ports) if (isObj(p)) {
        def(p, 'protocol', 'TCP');
        def(p, 'targetPort', p.port);
      }
    }
    if (spec.type === 'LoadBalancer' || spec.type === 'NodePort') def(spec, 'externalTrafficPolicy', 'Cluster');
    if (spec.type === 'LoadBalancer') def(spec, 'allocateLoadBalancerNodePorts', true);
  },
  '/PersistentVolumeClaim': (_o, spec) => {
    def(spec, 'volumeMode', 'Filesystem');
  },
};

/** A Secret's write-only stringData becomes base64 data (it wins over data), as the v1 -> internal conversion does. */
function mergeStringData(o: KubeObject): void {
  const stringData = o.stringData;
  if (stringData === undefined) return;
  delete o.stringData;
  if (!isObj(stringData)) return;
  const data: Record<string, unknown> = isObj(o.data) ? { ...o.data } : {};
  for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  o.data = data;
}

/** Fills defaults in a mutable object of a built-in kind (no-op for other kinds). */
export function applyDefaults(t: ResourceType, o: KubeObject): void {
  if (!t.builtIn) return;
  if (t.group === '' && t.kind === 'Secret') {
    if (!o.type) o.type = 'Opaque';
    mergeStringData(o);
  }
  const fn = BY_KIND[`${t.group}/${t.kind}`];
  if (fn) fn(o, obj(o, 'spec'));
}

/**
 * What the registry adds on create and keeps on update: a Service's cluster IP (and node ports), and a claim's
 * default StorageClass (DefaultStorageClass admission).
 */
export function allocate(store: ObjectStore, t: ResourceType, o: KubeObject, old: KubeObject | undefined): void {
  if (t.group === '' && t.kind === 'Service') allocateService(store, o, old);
  if (t.group === '' && t.kind === 'PersistentVolumeClaim' && !old) {
    const spec = obj(o, 'spec');
    if (spec.storageClassName === undefined) {
      const sc = store.list({ group: 'storage.k8s.io', resource: 'storageclasses' }).items.find((s) => s.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
      if (sc) spec.storageClassName = sc.metadata.name;
    }
  }
}

function allocateService(store: ObjectStore, o: KubeObject, old: KubeObject | undefined): void {
  const spec = obj(o, 'spec');
  if (spec.type === 'ExternalName') return;
  const oldSpec = (old?.spec ?? {}) as Obj;
  if (spec.clusterIP === undefined || spec.clusterIP === '') spec.clusterIP = oldSpec.clusterIP ?? freeClusterIP(store);
  if (spec.clusterIP !== 'None') def(spec, 'clusterIPs', [spec.clusterIP]);
  else def(spec, 'clusterIPs', ['None']);
  def(spec, 'ipFamilies', ['IPv4']);
  def(spec, 'ipFamilyPolicy', 'SingleStack');
  if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && Array.isArray(spec.ports)) {
    const oldPorts = (Array.isArray(oldSpec.ports) ? oldSpec.ports : []) as Obj[];
    const used = usedNodePorts(store);
    for (const p of spec.ports as Obj[]) {
      if (p.nodePort !== undefined) continue;
      const prior = oldPorts.find((x) => x.port === p.port && (x.protocol ?? 'TCP') === (p.protocol ?? 'TCP'))?.nodePort;
      p.nodePort = prior ?? nextNodePort(used);
    }
  }
}

function freeClusterIP(store: ObjectStore): string {
  const used = new Set(store.list({ group: '', resource: 'services' }).items.map((s) => (s.spec as Obj | undefined)?.clusterIP));
  for (let i = 10; i < 65000; i++) {
    const ip = `10.96.${Math.floor(i / 254)}.${(i % 254) + 1}`;
    if (!used.has(ip)) return ip;
  }
  return '10.96.255.254';
}

function usedNodePorts(store: ObjectStore): Set<number> {
  const used = new Set<number>();
  for (const s of store.list({ group: '', resource: 'services' }).items) {
    for (const p of ((s.spec as Obj | undefined)?.ports ?? []) as Obj[]) if (typeof p.nodePort === 'number') used.add(p.nodePort);
  }
  return used;
}

function nextNodePort(used: Set<number>): number {
  for (let p = 30000; p <= 32767; p++) {
    if (!used.has(p)) {
      used.add(p);
      return p;
    }
  }
  return 32767;
}
