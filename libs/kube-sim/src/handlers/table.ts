// Server-side printing: the meta.k8s.io/v1 Table that `kubectl get` asks for (Accept: ...;as=Table;g=meta.k8s.io;v=v1).

import type { KubeObject, ResourceType } from '../types/index.js';
import type { PodCells } from './pod-printer.js';
import { podCells } from './pod-printer.js';

export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
  cell: (o: KubeObject, now: Date) => unknown;
}

function get(o: unknown, path: string): unknown {
  let cur = o;
  for (const p of path.split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
  return cur;
}

/** Human duration exactly like kube's duration.HumanDuration: 45s, 5m3s, 12m, 3h20m, 10h, 3d4h, 20d, 2y31d. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  const unit = (a: number, ua: string, b: number, ub: string): string => (b ? `${a}${ua}${b}${ub}` : `${a}${ua}`);
  if (m < 10) return unit(m, 'm', s % 60, 's');
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return unit(h, 'h', m % 60, 'm');
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 24 * 8) return unit(d, 'd', h % 24, 'h');
  if (h < 24 * 365 * 2) return `${d}d`;
  const y = Math.floor(d / 365);
  if (h < 24 * 365 * 8) return unit(y, 'y', d % 365, 'd');
  return `${y}y`;
}

/** Age of a timestamp as kube's printers show it (translateTimestampSince). */
export function age(from: string | undefined, now: Date): string {
  if (!from) return '<unknown>';
  return humanDuration(now.getTime() - new Date(from).getTime());
}

const NAME: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0, cell: (o) => o.metadata.name };
const AGE: Column = { name: 'Age', type: 'string', format: '', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0, cell: (o, now) => age(o.metadata.creationTimestamp, now) };

function col(name: string, cell: (o: KubeObject) => unknown, type = 'string'): Column {
  return { name, type, format: '', description: name, priority: 0, cell };
}

/** Columns kubectl shows only with -o wide (priority 1). */
const wide = (c: Column): Column => ({ ...c, priority: 1 });

/** RESTARTS as printPod shows it: "3 (25s ago)" once a container has restarted. */
function restartsCell(p: PodCells, now: Date): string {
  return p.lastRestart ? `${p.restarts} (${age(p.lastRestart, now)} ago)` : String(p.restarts);
}

function nodeStatus(o: KubeObject): string {
  const ready = ((get(o, 'status.conditions') as { type: string; status: string }[] | undefined) ?? []).find((c) => c.type === 'Ready');
  const s = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
  return get(o, 'spec.unschedulable') ? `${s},SchedulingDisabled` : s;
}

function nodeRoles(o: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(o.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

function nodeAddress(o: KubeObject, type: string): string {
  const a = ((get(o, 'status.addresses') as { type: string; address: string }[] | undefined) ?? []).find((x) => x.type === type);
  return a?.address ?? '<none>';
}

function eventTarget(o: KubeObject): string {
  const kind = String(get(o, 'involvedObject.kind') ?? '').toLowerCase();
  const name = get(o, 'involvedObject.name');
  return name ? `${kind}/${String(name)}` : kind;
}

function eventSource(o: KubeObject): string {
  const component = (get(o, 'source.component') as string | undefined) || (get(o, 'reportingComponent') as string | undefined);
  const host = (get(o, 'source.host') as string | undefined) || (get(o, 'reportingInstance') as string | undefined);
  return [component, host].filter(Boolean).join(', ');
}

function eventCells(o: KubeObject, now: Date): { firstSeen: string; lastSeen: string } {
  const first = (get(o, 'firstTimestamp') as string | undefined) ?? (get(o, 'eventTime') as string | undefined);
  const firstSeen = age(first, now);
  const series = get(o, 'series.lastObservedTime') as string | undefined;
  const last = series ?? (get(o, 'lastTimestamp') as string | undefined);
  return { firstSeen, lastSeen: last ? age(last, now) : firstSeen };
}

const num = (o: KubeObject, p: string): number => Number(get(o, p) ?? 0);

const BY_KIND: Record<string, Column[]> = {
  'apps/Deployment': [NAME, col('Ready', (o) => `${num(o, 'status.readyReplicas')}/${num(o, 'spec.replicas')}`), col('Up-to-date', (o) => num(o, 'status.updatedReplicas'), 'integer'), col('Available', (o) => num(o, 'status.availableReplicas'), 'integer'), AGE],
  'apps/ReplicaSet': [NAME, col('Desired', (o) => num(o, 'spec.replicas'), 'integer'), col('Current', (o) => num(o, 'status.replicas'), 'integer'), col('Ready', (o) => num(o, 'status.readyReplicas'), 'integer'), AGE],
  'apps/StatefulSet': [NAME, col('Ready', (o) => `${num(o, 'status.readyReplicas')}/${num(o, 'spec.replicas')}`), AGE],
  '/Pod': [
    NAME,
    col('Ready', (o) => podCells(o).ready),
    col('Status', (o) => podCells(o).status),
    { ...col('Restarts', (o) => podCells(o).restarts), cell: (o, now) => restartsCell(podCells(o), now) },
    AGE,
    wide(col('IP', (o) => podCells(o).ip)),
    wide(col('Node', (o) => podCells(o).node)),
    wide(col('Nominated Node', (o) => podCells(o).nominatedNode)),
    wide(col('Readiness Gates', (o) => podCells(o).readinessGates)),
  ],
  '/Event': [
    { ...col('Last Seen', () => ''), cell: (o, now) => eventCells(o, now).lastSeen },
    col('Type', (o) => get(o, 'type') ?? ''),
    col('Reason', (o) => get(o, 'reason') ?? ''),
    col('Object', (o) => eventTarget(o)),
    wide(col('Subobject', (o) => get(o, 'involvedObject.fieldPath') ?? '')),
    wide(col('Source', (o) => eventSource(o))),
    col('Message', (o) => String(get(o, 'message') ?? '').trim()),
    wide({ ...col('First Seen', () => ''), cell: (o, now) => eventCells(o, now).firstSeen }),
    wide(col('Count', (o) => Number(get(o, 'series.count') ?? get(o, 'count') ?? 0) || 1)),
    wide({ ...NAME, description: 'Name' }),
  ],
  '/Namespace': [NAME, col('Status', (o) => get(o, 'status.phase') ?? ''), AGE],
  '/ConfigMap': [NAME, col('Data', (o) => Object.keys((get(o, 'data') as object | undefined) ?? {}).length + Object.keys((get(o, 'binaryData') as object | undefined) ?? {}).length, 'integer'), AGE],
  '/Service': [
    NAME,
    col('Type', (o) => get(o, 'spec.type') ?? 'ClusterIP'),
    col('Cluster-IP', (o) => get(o, 'spec.clusterIP') ?? '<none>'),
    col('External-IP', (o) => {
      const ingress = (get(o, 'status.loadBalancer.ingress') as { ip?: string; hostname?: string }[] | undefined) ?? [];
      if (ingress.length) return ingress.map((i) => i.ip ?? i.hostname).join(',');
      return get(o, 'spec.type') === 'LoadBalancer' ? '<pending>' : '<none>';
    }),
    col('Port(s)', (o) => {
      const ports = (get(o, 'spec.ports') as { port: number; nodePort?: number; protocol?: string }[] | undefined) ?? [];
      return ports.length ? ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',') : '<none>';
    }),
    AGE,
  ],
  'apps/DaemonSet': [
    NAME,
    col('Desired', (o) => num(o, 'status.desiredNumberScheduled'), 'integer'),
    col('Current', (o) => num(o, 'status.currentNumberScheduled'), 'integer'),
    col('Ready', (o) => num(o, 'status.numberReady'), 'integer'),
    col('Up-to-date', (o) => num(o, 'status.updatedNumberScheduled'), 'integer'),
    col('Available', (o) => num(o, 'status.numberAvailable'), 'integer'),
    AGE,
  ],
  'batch/CronJob': [NAME, col('Schedule', (o) => get(o, 'spec.schedule') ?? ''), col('Suspend', (o) => String(get(o, 'spec.suspend') ?? false)), col('Active', (o) => ((get(o, 'status.active') as unknown[] | undefined) ?? []).length, 'integer'), AGE],
  '/Node': [
    NAME,
    col('Status', (o) => nodeStatus(o)),
    col('Roles', (o) => nodeRoles(o)),
    AGE,
    col('Version', (o) => get(o, 'status.nodeInfo.kubeletVersion') ?? ''),
    wide(col('Internal-IP', (o) => nodeAddress(o, 'InternalIP'))),
    wide(col('External-IP', (o) => nodeAddress(o, 'ExternalIP'))),
    wide(col('OS-Image', (o) => get(o, 'status.nodeInfo.osImage') ?? '<unknown>')),
    wide(col('Kernel-Version', (o) => get(o, 'status.nodeInfo.kernelVersion') ?? '<unknown>')),
    wide(col('Container-Runtime', (o) => get(o, 'status.nodeInfo.containerRuntimeVersion') ?? '<unknown>')),
  ],
  '/PersistentVolumeClaim': [
    NAME,
    col('Status', (o) => get(o, 'status.phase') ?? 'Pending'),
    col('Volume', (o) => get(o, 'spec.volumeName') ?? ''),
    col('Capacity', (o) => get(o, 'status.capacity.storage') ?? ''),
    col('Access Modes', (o) => ((get(o, 'status.accessModes') as string[] | undefined) ?? []).map((m) => ({ ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' })[m] ?? m).join(',')),
    col('StorageClass', (o) => get(o, 'spec.storageClassName') ?? '<unset>'),
    AGE,
  ],
  '/Secret': [NAME, col('Type', (o) => get(o, 'type') ?? 'Opaque'), col('Data', (o) => Object.keys((get(o, 'data') as object | undefined) ?? {}).length, 'integer'), AGE],
  '/ServiceAccount': [NAME, col('Secrets', (o) => ((get(o, 'secrets') as unknown[] | undefined) ?? []).length, 'integer'), AGE],
  'networking.k8s.io/Ingress': [
    NAME,
    col('Class', (o) => get(o, 'spec.ingressClassName') ?? '<none>'),
    col('Hosts', (o) => ((get(o, 'spec.rules') as { host?: string }[] | undefined) ?? []).map((r) => r.host ?? '*').join(',') || '*'),
    col('Address', (o) => ((get(o, 'status.loadBalancer.ingress') as { ip?: string; hostname?: string }[] | undefined) ?? []).map((i) => i.ip ?? i.hostname).join(',')),
    col('Ports', (o) => ((get(o, 'spec.tls') as unknown[] | undefined)?.length ? '80, 443' : '80')),
    AGE,
  ],
  'storage.k8s.io/StorageClass': [
    { ...NAME, cell: (o) => `${o.metadata.name}${o.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true' ? ' (default)' : ''}` },
    col('Provisioner', (o) => get(o, 'provisioner') ?? ''),
    col('ReclaimPolicy', (o) => get(o, 'reclaimPolicy') ?? 'Delete'),
    col('VolumeBindingMode', (o) => get(o, 'volumeBindingMode') ?? 'Immediate'),
    col('AllowVolumeExpansion', (o) => String(get(o, 'allowVolumeExpansion') ?? false)),
    AGE,
  ],
  'batch/Job': [NAME, col('Status', (o) => ((get(o, 'status.succeeded') as number | undefined) ? 'Complete' : 'Running')), col('Completions', (o) => `${num(o, 'status.succeeded')}/${get(o, 'spec.completions') ?? 1}`), AGE],
};

/** Printer columns a CRD version declares (simple `.a.b` JSONPaths), or Age when it declares none. */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  format?: string;
  priority?: number;
}

function printerColumn(c: PrinterColumn): Column {
  return {
    name: c.name,
    type: c.type,
    format: c.format ?? '',
    description: c.description ?? '',
    priority: c.priority ?? 0,
    cell: (o, now) => {
      const v = get(o, c.jsonPath.replace(/^\./, ''));
      if (c.type === 'date' && typeof v === 'string') return age(v, now);
      return v ?? null;
    },
  };
}

function columnsFor(t: ResourceType, printer?: PrinterColumn[]): Column[] {
  if (!t.builtIn) return printer?.length ? [NAME, ...printer.map(printerColumn)] : [NAME, AGE];
  return BY_KIND[`${t.group}/${t.kind}`] ?? [NAME, AGE];
}

function rowObject(o: KubeObject, include: string): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

export function table(t: ResourceType, objects: KubeObject[], listMeta: Record<string, unknown>, include: string | null, now: Date, printer?: PrinterColumn[]): object {
  const cols = columnsFor(t, printer);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: cols.map(({ cell: _c, ...d }) => d),
    rows: objects.map((o) => ({ cells: cols.map((c) => c.cell(o, now)), object: rowObject(o, include ?? 'Metadata') })),
  };
}
