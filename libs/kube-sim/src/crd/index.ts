// CustomResourceDefinitions come alive: once created they are Established (NamesAccepted + Established conditions),
// their kinds are served, and deleting one removes its custom resources first (finalizer customresourcecleanup): the
// CRD stays Terminating until the last of them is gone, including those held by their own finalizers.

import type { KubeObject, ResourceType, ScaleSubresource } from '../types/index.js';
import { byVersionPriority } from '../types/versions.js';
import type { ObjectStore, StoreEvent } from '../store/index.js';

export const CRD_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';
const CRD_REF = { group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' };

export interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  schema?: { openAPIV3Schema?: Record<string, unknown> };
  subresources?: { status?: object; scale?: ScaleSubresource };
  additionalPrinterColumns?: { name: string; type: string; jsonPath: string; description?: string; format?: string; priority?: number }[];
}

export interface CrdSpec {
  group: string;
  scope: 'Namespaced' | 'Cluster';
  names: { plural: string; singular?: string; kind: string; listKind?: string; shortNames?: string[]; categories?: string[] };
  versions: CrdVersion[];
}

export function crdSpec(crd: KubeObject): CrdSpec {
  return crd.spec as CrdSpec;
}

/** The ResourceType a CRD defines; versions ordered by priority, storage version's subresources. */
export function typeFromCrd(crd: KubeObject): ResourceType | undefined {
  const spec = crdSpec(crd);
  if (!spec?.names?.plural || !spec.names.kind || !spec.group || !Array.isArray(spec.versions)) return undefined;
  const served = spec.versions.filter((v) => v.served !== false);
  if (!served.length) return undefined;
  const storage = spec.versions.find((v) => v.storage) ?? served[0]!;
  const t: ResourceType = {
    group: spec.group,
    versions: served.map((v) => v.name).sort(byVersionPriority),
    kind: spec.names.kind,
    listKind: spec.names.listKind ?? `${spec.names.kind}List`,
    resource: spec.names.plural,
    singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
    namespaced: spec.scope !== 'Cluster',
    shortNames: spec.names.shortNames ?? [],
    categories: spec.names.categories ?? [],
    verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
    status: !!storage.subresources?.status,
    generation: true,
    builtIn: false,
  };
  if (storage.subresources?.scale) t.scale = storage.subresources.scale;
  return t;
}

function establishedStatus(crd: KubeObject, now: string): Record<string, unknown> {
  const spec = crdSpec(crd);
  const storage = spec.versions.find((v) => v.storage) ?? spec.versions[0];
  return {
    conditions: [
      { type: 'NamesAccepted', status: 'True', lastTransitionTime: now, reason: 'NoConflicts', message: 'no conflicts found' },
      { type: 'Established', status: 'True', lastTransitionTime: now, reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
    ],
    acceptedNames: { ...spec.names, singular: spec.names.singular ?? spec.names.kind.toLowerCase(), listKind: spec.names.listKind ?? `${spec.names.kind}List` },
    storedVersions: storage ? [storage.name] : [],
  };
}

/** Drops the cleanup finalizer once no custom resource of the CRD's type is left (deleted ones may wait on theirs). */
function finishCleanup(store: ObjectStore, crdName: string, type: ResourceType | undefined): void {
  const current = store.get(CRD_REF, undefined, crdName);
  if (!current?.metadata.deletionTimestamp || !current.metadata.finalizers?.includes(CRD_FINALIZER)) return;
  if (type && store.types.get(type.group, type.resource) && store.list(type).items.length) return;
  store.update(CRD_REF, { ...current, metadata: { ...current.metadata, finalizers: current.metadata.finalizers.filter((f) => f !== CRD_FINALIZER) } });
}

function onCustomResourceDeleted(store: ObjectStore, e: StoreEvent): void {
  const t = e.resourceType;
  if (t.builtIn || e.type !== 'DELETED') return;
  const name = `${t.resource}.${t.group}`;
  const crd = store.get(CRD_REF, undefined, name);
  if (crd?.metadata.deletionTimestamp) finishCleanup(store, name, t);
}

function onCrdEvent(store: ObjectStore, e: StoreEvent): void {
  if (e.resourceType.group !== CRD_REF.group || e.resourceType.resource !== CRD_REF.resource) {
    onCustomResourceDeleted(store, e);
    return;
  }
  const crd = e.object;
  const type = typeFromCrd(crd);
  if (e.type === 'DELETED') {
    if (type) store.types.remove(type.group, type.resource);
    return;
  }
  if (crd.metadata.deletionTimestamp) {
    if (type && store.types.get(type.group, type.resource)) {
      for (const cr of store.list(type).items) if (!cr.metadata.deletionTimestamp) store.delete(type, cr.metadata.namespace, cr.metadata.name!);
    }
    finishCleanup(store, crd.metadata.name!, type);
    return;
  }
  if (!type) return;
  store.types.add(type);
  const current = store.get(CRD_REF, undefined, crd.metadata.name!);
  if (!current || current.metadata.resourceVersion !== crd.metadata.resourceVersion) return;
  if (!current.metadata.finalizers?.includes(CRD_FINALIZER)) {
    store.update(CRD_REF, { ...current, metadata: { ...current.metadata, finalizers: [...(current.metadata.finalizers ?? []), CRD_FINALIZER] } });
    return;
  }
  const status = establishedStatus(current, store.clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z'));
  const old = (current.status ?? {}) as { conditions?: unknown; acceptedNames?: unknown };
  if (JSON.stringify(old.acceptedNames) !== JSON.stringify(status.acceptedNames) || !Array.isArray(old.conditions) || old.conditions.length < 2) {
    store.updateStatus(CRD_REF, { ...current, status });
  }
}

export function installCrdSupport(store: ObjectStore): void {
  store.onCommit((e) => onCrdEvent(store, e));
}
