// Server-side printing: the meta.k8s.io/v1 Table that `kubectl get` asks for (Accept: ...;as=Table;g=meta.k8s.io;v=v1).

import type { KubeObject, ResourceType } from '../types/index.js';

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

/** Human duration like kube's duration.HumanDuration: 45s, 5m, 3h, 2d. */
export function age(from: string | undefined, now: Date): string {
  if (!from) return '<unknown>';
  const s = Math.max(0, Math.floor((now.getTime() - new Date(from).getTime()) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

const NAME: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0, cell: (o) => o.metadata.name };
const AGE: Column = { name: 'Age', type: 'string', format: '', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0, cell: (o, now) => age(o.metadata.creationTimestamp, now) };

function col(name: string, cell: (o: KubeObject) => unknown, type = 'string'): Column {
  return { name, type, format: '', description: name, priority: 0, cell };
}

const num = (o: KubeObject, p: string): number => Number(get(o, p) ?? 0);

const BY_KIND: Record<string, Column[]> = {
  'apps/Deployment': [NAME, col('Ready', (o) => `${num(o, 'status.readyReplicas')}/${num(o, 'spec.replicas')}`), col('Up-to-date', (o) => num(o, 'status.updatedReplicas'), 'integer'), col('Available', (o) => num(o, 'status.availableReplicas'), 'integer'), AGE],
  'apps/ReplicaSet': [NAME, col('Desired', (o) => num(o, 'spec.replicas'), 'integer'), col('Current', (o) => num(o, 'status.replicas'), 'integer'), col('Ready', (o) => num(o, 'status.readyReplicas'), 'integer'), AGE],
  'apps/StatefulSet': [NAME, col('Ready', (o) => `${num(o, 'status.readyReplicas')}/${num(o, 'spec.replicas')}`), AGE],
  '/Pod': [
    NAME,
    col('Ready', (o) => {
      const cs = (get(o, 'status.containerStatuses') as { ready?: boolean }[] | undefined) ?? [];
      const total = ((get(o, 'spec.containers') as unknown[] | undefined) ?? []).length;
      return `${cs.filter((c) => c.ready).length}/${total}`;
    }),
    col('Status', (o) => get(o, 'status.phase') ?? 'Pending'),
    col('Restarts', (o) => ((get(o, 'status.containerStatuses') as { restartCount?: number }[] | undefined) ?? []).reduce((a, c) => a + (c.restartCount ?? 0), 0), 'integer'),
    AGE,
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
  '/Node': [NAME, col('Status', (o) => (((get(o, 'status.conditions') as { type: string; status: string }[] | undefined) ?? []).some((c) => c.type === 'Ready' && c.status === 'True') ? 'Ready' : 'NotReady')), col('Roles', () => '<none>'), AGE, col('Version', (o) => get(o, 'status.nodeInfo.kubeletVersion') ?? '')],
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
