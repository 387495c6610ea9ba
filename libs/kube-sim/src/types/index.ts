// Which resource types a cluster serves: the shared built-in set plus the cluster's own CRDs (a small lazy overlay).

export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface ResourceType {
  group: string;
  /** Versions served, preferred (storage) version first. */
  versions: string[];
  kind: string;
  listKind: string;
  /** Plural resource name, as in URLs. */
  resource: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** Has a status subresource: the main resource ignores status changes and status writes ignore the rest. */
  status: boolean;
  scale?: ScaleSubresource;
  /** metadata.generation is kept and bumped on non-metadata, non-status changes. */
  generation: boolean;
  /** Built-in kinds get strategic merge patch; custom resources answer 415 to it like the real server. */
  builtIn: boolean;
  /** Extra field selectors beyond metadata.name / metadata.namespace, with how to read each from an object. */
  fieldSelectors?: Record<string, (obj: KubeObject) => string>;
}

/** A Kubernetes object as JSON. Stored objects are deep-frozen snapshots: clone before changing. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: ManagedFieldsEntry[];
  [key: string]: unknown;
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/** Names a type the way callers know it: by plural resource or by kind, within a group. */
export interface TypeRef {
  group: string;
  resource?: string;
  kind?: string;
}

export function typeKey(group: string, resource: string): string {
  return `${group}/${resource}`;
}

export function groupVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** Splits `apps/v1` into group `apps` and version `v1`; `v1` is the core group. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

export class TypeRegistry {
  private own?: Map<string, ResourceType>;

  /** `base` is shared by every cluster and never changed; CRD types go to this registry's own overlay. */
  constructor(private readonly base: ReadonlyMap<string, ResourceType>) {}

  add(t: ResourceType): void {
    (this.own ??= new Map()).set(typeKey(t.group, t.resource), t);
  }

  remove(group: string, resource: string): void {
    this.own?.delete(typeKey(group, resource));
  }

  get(group: string, resource: string): ResourceType | undefined {
    const k = typeKey(group, resource);
    return this.own?.get(k) ?? this.base.get(k);
  }

  byKind(group: string, kind: string): ResourceType | undefined {
    for (const t of this.all()) if (t.group === group && t.kind === kind) return t;
    return undefined;
  }

  resolve(ref: TypeRef): ResourceType | undefined {
    if (ref.resource) return this.get(ref.group, ref.resource);
    if (ref.kind) return this.byKind(ref.group, ref.kind);
    return undefined;
  }

  *all(): Iterable<ResourceType> {
    yield* this.base.values();
    if (this.own) yield* this.own.values();
  }
}
