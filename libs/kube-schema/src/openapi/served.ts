// What an OpenAPI document describes: the built-in resources plus the custom resources of established CRDs.
import { builtinDefinitions, builtinResources } from '../catalog.js';
import type { GroupVersionKind, JsonObject, ScalePaths } from '../types.js';

/** A custom resource version to publish, as an established CRD serves it. */
export interface CustomResourceSchema {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Defaults to `<kind>List`. */
  readonly listKind?: string;
  readonly plural: string;
  readonly namespaced: boolean;
  /** The version's `schema.openAPIV3Schema`; apiVersion, kind and metadata are added as kube-apiserver adds them. */
  readonly schema: JsonObject;
  readonly subresources?: { readonly status?: boolean; readonly scale?: ScalePaths };
}

/** One resource as the document builders see it. */
export interface ServedResource extends GroupVersionKind {
  readonly plural: string;
  readonly namespaced: boolean;
  readonly verbs: readonly string[];
  readonly definition: string;
  readonly listDefinition: string;
  readonly subresources: readonly { name: string; gvk: GroupVersionKind; definition: string; verbs: readonly string[] }[];
  readonly custom: boolean;
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const OBJECT_META = `${META}.ObjectMeta`;
const LIST_META = `${META}.ListMeta`;
// Subresources that stream or proxy rather than read and write an object: not described by the documents we build.
const CONNECT_SUBRESOURCES = new Set(['attach', 'exec', 'log', 'portforward', 'proxy']);

let builtinServed: ServedResource[] | undefined;

export function servedBuiltins(): readonly ServedResource[] {
  if (builtinServed) return builtinServed;
  const byGvk = new Map<string, string>();
  for (const [name, schema] of Object.entries(builtinDefinitions())) {
    for (const g of (schema['x-kubernetes-group-version-kind'] ?? []) as unknown as GroupVersionKind[]) {
      byGvk.set(`${g.group}/${g.version}/${g.kind}`, name);
    }
  }
  builtinServed = builtinResources().map((r) => ({
    group: r.group,
    version: r.version,
    kind: r.kind,
    plural: r.plural,
    namespaced: r.namespaced,
    verbs: r.verbs,
    definition: r.definition,
    listDefinition: byGvk.get(`${r.group}/${r.version}/${r.kind}List`) ?? '',
    custom: false,
    subresources: r.subresources.flatMap((s) => {
      const definition = byGvk.get(`${s.group}/${s.version}/${s.kind}`);
      if (CONNECT_SUBRESOURCES.has(s.name) || !definition) return [];
      return [{ name: s.name, gvk: { group: s.group, version: s.version, kind: s.kind }, definition, verbs: s.verbs }];
    }),
  }));
  return builtinServed;
}

/** kube-apiserver names CRD definitions by the reversed group: stable.example.com -> com.example.stable.v1.CronTab. */
export function customDefinitionName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

export function servedCustom(crd: CustomResourceSchema): ServedResource {
  const listKind = crd.listKind ?? `${crd.kind}List`;
  const definition = customDefinitionName(crd.group, crd.version, crd.kind);
  const gvk = { group: crd.group, version: crd.version, kind: crd.kind };
  const subresources: ServedResource['subresources'][number][] = [];
  if (crd.subresources?.scale) {
    subresources.push({ name: 'scale', gvk: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, definition: 'io.k8s.api.autoscaling.v1.Scale', verbs: ['get', 'patch', 'update'] });
  }
  if (crd.subresources?.status) subresources.push({ name: 'status', gvk, definition, verbs: ['get', 'patch', 'update'] });
  return {
    ...gvk,
    plural: crd.plural,
    namespaced: crd.namespaced,
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    definition,
    listDefinition: customDefinitionName(crd.group, crd.version, listKind),
    custom: true,
    subresources,
  };
}

/**
 * The object and list schemas of a custom resource, in OpenAPI v2 form (`#/definitions/` references); the v3 builder
 * rewrites references. apiVersion, kind and metadata are set as kube-apiserver sets them for every CRD.
 */
export function customDefinitions(crd: CustomResourceSchema): Record<string, JsonObject> {
  const served = servedCustom(crd);
  const gvk = { group: crd.group, version: crd.version, kind: crd.kind };
  const properties = (crd.schema['properties'] ?? {}) as JsonObject;
  const object: JsonObject = {
    ...crd.schema,
    type: 'object',
    properties: {
      ...properties,
      apiVersion: typeMeta('apiVersion'),
      kind: typeMeta('kind'),
      metadata: { $ref: `#/definitions/${OBJECT_META}`, description: METADATA_DESCRIPTION },
    },
    'x-kubernetes-group-version-kind': [gvk] as unknown as JsonObject[],
  };
  const list: JsonObject = {
    description: `${crd.kind}List is a list of ${crd.kind}`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: typeMeta('apiVersion'),
      items: {
        description: `List of ${crd.plural.toLowerCase()}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`,
        type: 'array',
        items: { $ref: `#/definitions/${served.definition}` },
      },
      kind: typeMeta('kind'),
      metadata: { $ref: `#/definitions/${LIST_META}`, description: 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds' },
    },
    'x-kubernetes-group-version-kind': [{ ...gvk, kind: crd.listKind ?? `${crd.kind}List` }],
  };
  return { [served.definition]: object, [served.listDefinition]: list };
}

const METADATA_DESCRIPTION =
  "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

function typeMeta(field: 'apiVersion' | 'kind'): JsonObject {
  const description =
    field === 'apiVersion'
      ? 'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources'
      : 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
  return { description, type: 'string' };
}
