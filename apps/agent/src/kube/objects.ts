// Identity, ordering and ownership labels of the objects an application owns.
import type { Guard } from '../config/index.js';
import type { KubeObject, ObjectRef } from './client.js';

export const fieldManager = 'flotilla-agent';
/** Every object the agent applies carries this label; nothing without it is ever pruned. */
export const appLabel = 'app.flotilla.dev/name';
/**
 * Scopes that ownership to one hub: two hubs driving apps of the same name on one cluster never prune or take over
 * each other's objects. Objects without it (applied before it existed) are adopted.
 */
export const hubLabel = 'app.flotilla.dev/hub';

/** Whether a live object belongs to `app` of this agent's hub (`hub` undefined: any hub). */
export function ownedBy(labels: Readonly<Record<string, string>> | undefined, app: string, hub: string | undefined): boolean {
  if (labels?.[appLabel] !== app) return false;
  const scope = labels[hubLabel];
  return hub === undefined || scope === undefined || scope === hub;
}

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** A stable key: group/Kind/namespace/name (the version is not part of an object's identity). */
export function refKey(ref: ObjectRef): string {
  return `${groupOf(ref.apiVersion)}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** How a human names an object in messages: `Deployment shop/web`. */
export function describe(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

export function refOf(object: KubeObject): ObjectRef {
  return { apiVersion: object.apiVersion, kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name };
}

/** Why the guard refuses an object, or undefined when it may be touched. */
export function guardRefusal(guard: Guard, ref: ObjectRef): string | undefined {
  if (guard.kinds !== '*' && !guard.kinds.has(ref.kind) && !guard.kinds.has(`${groupOf(ref.apiVersion)}/${ref.kind}`)) {
    return `${describe(ref)}: kind ${ref.kind} is not in FLOTILLA_ALLOWED_KINDS`;
  }
  if (guard.namespaces !== '*') {
    const namespace = ref.kind === 'Namespace' && groupOf(ref.apiVersion) === '' ? ref.name : ref.namespace;
    if (namespace !== undefined && !guard.namespaces.has(namespace)) {
      return `${describe(ref)}: namespace ${namespace} is not in FLOTILLA_ALLOWED_NAMESPACES`;
    }
  }
  return undefined;
}

/** Kinds that others depend on go first within their scope (after Helm's install order). */
const kindPriority = [
  'PriorityClass', 'StorageClass', 'ClusterRole', 'ClusterRoleBinding',
  'ResourceQuota', 'LimitRange', 'ServiceAccount', 'Secret', 'ConfigMap', 'PersistentVolumeClaim',
  'Role', 'RoleBinding', 'Service', 'DaemonSet', 'Pod', 'ReplicaSet', 'Deployment', 'StatefulSet',
  'HorizontalPodAutoscaler', 'Job', 'CronJob', 'Ingress',
];

export type Tier = 0 | 1 | 2 | 3;

/** Apply order: Namespaces, CRDs, other cluster-scoped objects, namespaced objects. */
export function tierOf(object: ObjectRef, namespaced: boolean): Tier {
  const group = groupOf(object.apiVersion);
  if (group === '' && object.kind === 'Namespace') return 0;
  if (group === 'apiextensions.k8s.io' && object.kind === 'CustomResourceDefinition') return 1;
  return namespaced ? 3 : 2;
}

export function applyOrder<T extends { ref: ObjectRef; tier: Tier }>(items: readonly T[]): T[] {
  const priority = (kind: string) => {
    const index = kindPriority.indexOf(kind);
    return index < 0 ? kindPriority.length : index;
  };
  return [...items].sort(
    (a, b) =>
      a.tier - b.tier ||
      priority(a.ref.kind) - priority(b.ref.kind) ||
      a.ref.kind.localeCompare(b.ref.kind) ||
      (a.ref.namespace ?? '').localeCompare(b.ref.namespace ?? '') ||
      a.ref.name.localeCompare(b.ref.name),
  );
}

/** The hubLabel value for a hub address: `hub.example.com-9090`, or a digest when that is no valid label value. */
export function hubScopeOf(hubAddress: string): string {
  const readable = hubAddress.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  if (readable !== '' && readable.length <= 63) return readable;
  let hash = 0x811c9dc5;
  for (const ch of hubAddress) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return `${readable.slice(0, 50).replace(/[^a-z0-9]+$/, '')}-${hash.toString(16)}`;
}
