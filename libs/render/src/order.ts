// kustomize's default "legacy" output order: a fixed kind ranking, then group/version/kind, then namespace and name.
import type { KubeObject } from './types.js';

const ORDER_FIRST = [
  'Namespace', 'ResourceQuota', 'StorageClass', 'CustomResourceDefinition', 'ServiceAccount', 'PodSecurityPolicy',
  'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ConfigMap', 'Secret', 'Endpoints', 'Service',
  'LimitRange', 'PriorityClass', 'PersistentVolume', 'PersistentVolumeClaim', 'Deployment', 'StatefulSet', 'CronJob',
  'PodDisruptionBudget',
];
const ORDER_LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];
function ranking(first: readonly string[], last: readonly string[]): Map<string, number> {
  return new Map<string, number>([...first.map((k, i): [string, number] => [k, -first.length + i]), ...last.map((k, i): [string, number] => [k, 1 + i])]);
}
const RANK = ranking(ORDER_FIRST, ORDER_LAST);

interface Gvk {
  group: string;
  version: string;
  kind: string;
}

export function gvkOf(o: KubeObject): Gvk {
  const av = o.apiVersion;
  const i = av.lastIndexOf('/');
  return i < 0 ? { group: '', version: av, kind: o.kind } : { group: av.slice(0, i), version: av.slice(i + 1), kind: o.kind };
}

function gvkString(g: Gvk): string {
  return `${g.group || '~G'}_${g.version || '~V'}_${g.kind || '~K'}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function gvkCompare(a: Gvk, b: Gvk, rank: Map<string, number>): number {
  const ra = rank.get(a.kind) ?? 0;
  const rb = rank.get(b.kind) ?? 0;
  if (ra !== rb) return ra - rb;
  if (a.kind === 'Namespace' && b.kind === 'Namespace' && (a.group === '' || b.group === '')) return -cmp(gvkString(a), gvkString(b));
  return cmp(gvkString(a), gvkString(b));
}

function idString(o: KubeObject, g: Gvk): string {
  const ns = typeof o.metadata.namespace === 'string' && o.metadata.namespace !== '' ? o.metadata.namespace : '~X';
  return `${gvkString(g)}|${ns}|${o.metadata.name || '~N'}`;
}

/** `order` replaces the default first and last kinds (sortOptions.legacySortOptions). */
export function legacySort<T>(items: readonly T[], objectOf: (t: T) => KubeObject, order?: { first: readonly string[]; last: readonly string[] }): T[] {
  const rank = order === undefined ? RANK : ranking(order.first, order.last);
  const keyed = items.map((item) => {
    const o = objectOf(item);
    const g = gvkOf(o);
    return { item, g, id: idString(o, g) };
  });
  keyed.sort((a, b) => {
    const sameGvk = a.g.group === b.g.group && a.g.version === b.g.version && a.g.kind === b.g.kind;
    return sameGvk ? cmp(a.id, b.id) : gvkCompare(a.g, b.g, rank);
  });
  return keyed.map((k) => k.item);
}
