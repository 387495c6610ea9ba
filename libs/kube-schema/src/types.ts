// Types shared by the catalog, the OpenAPI documents and the patch engines.

/** A JSON value as it arrives from a request body or a YAML file. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export interface GroupVersionKind {
  /** "" for the legacy core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** Where a scale subresource reads and writes replicas (the CRD `scale` subresource fields). */
export interface ScalePaths {
  readonly specReplicasPath: string;
  readonly statusReplicasPath: string;
  /**
   * For built-in kinds this points at the object's own selector (a LabelSelector, or a plain map for
   * ReplicationController) that the server renders as a selector string in Scale.status.selector; for a CRD it points at
   * a string field, as the CRD says.
   */
  readonly labelSelectorPath?: string;
}

export interface SubresourceInfo extends GroupVersionKind {
  /** "status", "scale", "log", "exec", ...: discovery lists it as `<plural>/<name>`. */
  readonly name: string;
  readonly verbs: readonly string[];
  readonly scale?: ScalePaths;
}

/** One served resource, with what discovery (`/api/v1`, `/apis/<group>/<version>`) says about it. */
export interface ResourceInfo extends GroupVersionKind {
  readonly plural: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  /** Sorted, as kube-apiserver lists them. */
  readonly verbs: readonly string[];
  readonly categories: readonly string[];
  /** Sorted by name. */
  readonly subresources: readonly SubresourceInfo[];
  /** The OpenAPI v2 definition name of the kind, e.g. "io.k8s.api.apps.v1.Deployment". */
  readonly definition: string;
}

/** A served API group and its versions, preferred first, in the order /apis lists groups. */
export interface GroupInfo {
  readonly group: string;
  readonly versions: readonly string[];
  readonly preferredVersion: string;
}

/** A schema object of the OpenAPI v2 document (JSON Schema draft 4 subset with x-kubernetes-* extensions). */
export type SchemaObject = JsonObject;
