// A walkable view of a kind's schema: what each field is (struct, map, list, scalar) and how patches and server-side
// apply merge it (x-kubernetes-patch-*, x-kubernetes-list-*, x-kubernetes-map-type).
import { builtinDefinitions, findByKind, apiVersionOf } from '../catalog.js';
import type { GroupVersionKind, JsonObject, JsonValue } from '../types.js';

export type ListType = 'atomic' | 'set' | 'map';
export type MapType = 'atomic' | 'granular';

export interface SchemaNode {
  /**
   * struct: fixed properties; map: string keys to one value schema; list: array; scalar: string, number, boolean or a
   * string-encoded type (Quantity, IntOrString, Time); unknown: no schema (unknown field, preserved unknown fields).
   */
  readonly shape: 'struct' | 'map' | 'list' | 'scalar' | 'unknown';
  /** The schema of a struct property or of a map's values; an unknown node when there is none. */
  field(name: string): SchemaNode;
  /** The schema of a list's elements; an unknown node for anything but a list. */
  item(): SchemaNode;
  /** Server-side apply's list semantics: x-kubernetes-list-type, else derived from the patch strategy as kube-openapi does. */
  readonly listType: ListType;
  /** Keys of a `map` list: x-kubernetes-list-map-keys, else the patch merge key. Empty otherwise. */
  readonly listMapKeys: readonly string[];
  /** Server-side apply's map and struct semantics: x-kubernetes-map-type, granular by default. */
  readonly mapType: MapType;
  /** x-kubernetes-patch-strategy split on ",": "merge", "replace", "retainKeys". */
  readonly patchStrategies: readonly string[];
  readonly patchMergeKey: string | undefined;
  /**
   * Whether the node accepts fields it does not declare: x-kubernetes-preserve-unknown-fields, an embedded resource's
   * apiVersion, kind and metadata, or no schema at all.
   */
  allowsField(name: string): boolean;
  /** The schema object itself (with `$ref`s resolved one level), for callers that need more. */
  readonly schema: JsonObject;
}

type Resolver = (ref: string) => JsonObject | undefined;

const EMPTY: JsonObject = {};

class Node implements SchemaNode {
  readonly shape: SchemaNode['shape'];
  readonly schema: JsonObject;
  private readonly outer: JsonObject;

  constructor(
    outer: JsonObject,
    private readonly resolve: Resolver,
  ) {
    // A property may carry extensions beside a `$ref` (or in an allOf wrapper): they apply to the referenced type.
    this.outer = outer;
    this.schema = resolveSchema(outer, resolve);
    this.shape = shapeOf(this.schema);
  }

  field(name: string): SchemaNode {
    if (this.shape === 'struct') {
      const props = this.schema['properties'] as JsonObject | undefined;
      const prop = props?.[name];
      if (isObject(prop)) return new Node(prop, this.resolve);
      const extra = this.schema['additionalProperties'];
      return isObject(extra) ? new Node(extra, this.resolve) : UNKNOWN;
    }
    if (this.shape === 'map') {
      const extra = this.schema['additionalProperties'];
      return isObject(extra) ? new Node(extra, this.resolve) : UNKNOWN;
    }
    return UNKNOWN;
  }

  item(): SchemaNode {
    const items = this.schema['items'];
    return this.shape === 'list' && isObject(items) ? new Node(items, this.resolve) : UNKNOWN;
  }

  private extension(name: string): JsonValue | undefined {
    return this.outer[name] ?? this.schema[name];
  }

  get patchStrategies(): readonly string[] {
    const s = this.extension('x-kubernetes-patch-strategy');
    return typeof s === 'string' && s !== '' ? s.split(',') : [];
  }

  get patchMergeKey(): string | undefined {
    const k = this.extension('x-kubernetes-patch-merge-key');
    return typeof k === 'string' && k !== '' ? k : undefined;
  }

  get listType(): ListType {
    const t = this.extension('x-kubernetes-list-type');
    if (t === 'atomic' || t === 'set' || t === 'map') return t;
    if (this.patchStrategies.includes('merge')) return this.patchMergeKey ? 'map' : 'set';
    return 'atomic';
  }

  get listMapKeys(): readonly string[] {
    if (this.listType !== 'map') return [];
    const keys = this.extension('x-kubernetes-list-map-keys');
    if (Array.isArray(keys) && keys.every((k) => typeof k === 'string')) return keys as string[];
    return this.patchMergeKey ? [this.patchMergeKey] : [];
  }

  allowsField(name: string): boolean {
    if (this.shape === 'unknown' || this.shape === 'map') return true;
    if (this.shape !== 'struct') return false;
    const props = this.schema['properties'] as JsonObject | undefined;
    if (props && isObject(props[name])) return true;
    if (isObject(this.schema['additionalProperties'])) return true;
    if (this.extension('x-kubernetes-preserve-unknown-fields') === true) return true;
    return this.extension('x-kubernetes-embedded-resource') === true && (name === 'apiVersion' || name === 'kind' || name === 'metadata');
  }

  get mapType(): MapType {
    return this.extension('x-kubernetes-map-type') === 'atomic' ? 'atomic' : 'granular';
  }
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function refOf(schema: JsonObject): string | undefined {
  const ref = schema['$ref'];
  if (typeof ref === 'string') return ref;
  const allOf = schema['allOf'];
  if (Array.isArray(allOf) && allOf.length === 1 && isObject(allOf[0]) && typeof allOf[0]['$ref'] === 'string') {
    return allOf[0]['$ref'];
  }
  return undefined;
}

function resolveSchema(schema: JsonObject, resolve: Resolver): JsonObject {
  let current = schema;
  for (let depth = 0; depth < 8; depth++) {
    const ref = refOf(current);
    if (!ref) return current;
    current = resolve(ref.slice(ref.lastIndexOf('/') + 1)) ?? EMPTY;
  }
  return current;
}

function shapeOf(schema: JsonObject): SchemaNode['shape'] {
  if (schema === EMPTY || schema['x-kubernetes-preserve-unknown-fields'] === true) {
    if (!schema['properties'] && schema['type'] !== 'array') return 'unknown';
  }
  const type = schema['type'];
  if (type === 'array') return 'list';
  if (schema['x-kubernetes-int-or-string'] === true) return 'scalar';
  if (type === 'object' || type === undefined) {
    if (isObject(schema['properties'] as JsonValue)) return 'struct';
    if (isObject(schema['additionalProperties'] as JsonValue)) return 'map';
    return 'unknown';
  }
  return 'scalar';
}

const UNKNOWN: SchemaNode = new Node(EMPTY, () => undefined);

const builtinResolver: Resolver = (name) => builtinDefinitions()[name];

/** How a type is named for the schema helpers: a kind served here, or an OpenAPI v2 definition name. */
export type TypeRef = GroupVersionKind | { readonly definition: string };

/** The schema of a built-in kind or definition, or undefined when we know no such type. */
export function schemaNodeFor(type: TypeRef): SchemaNode | undefined {
  const name = 'definition' in type ? type.definition : findByKind(apiVersionOf(type), type.kind)?.definition;
  const schema = name ? builtinDefinitions()[name] : undefined;
  return schema ? new Node({ $ref: `#/definitions/${name}` }, builtinResolver) : undefined;
}

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/**
 * The schema node of a custom resource version's `openAPIV3Schema`. As kube-apiserver does, apiVersion and kind are
 * strings and metadata is an ObjectMeta whatever the CRD says about them.
 */
export function customSchemaNode(openAPIV3Schema: JsonObject): SchemaNode {
  const properties = isObject(openAPIV3Schema['properties']) ? openAPIV3Schema['properties'] : {};
  const root: JsonObject = {
    ...openAPIV3Schema,
    type: 'object',
    properties: { ...properties, apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { $ref: `#/definitions/${OBJECT_META}` } },
  };
  return new Node(root, builtinResolver);
}

/** A node that knows nothing: maps merge key by key and lists are atomic, as for JSON merge patch. */
export function unknownSchemaNode(): SchemaNode {
  return UNKNOWN;
}

/**
 * The node at `path` below `type`: field names, with lists stepped through to their elements (so
 * ["spec", "template", "spec", "containers", "ports"] is a container's ports list). Undefined for an unknown type.
 */
export function schemaNodeAt(type: TypeRef, path: readonly string[]): SchemaNode | undefined {
  let node = schemaNodeFor(type);
  if (!node) return undefined;
  for (const segment of path) {
    if (node.shape === 'list') node = node.item();
    node = node.field(segment);
  }
  return node;
}
