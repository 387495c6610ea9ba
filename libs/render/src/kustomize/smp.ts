// Strategic merge as kustomize's kyaml merge2 applies it: maps merged, null deletes, lists merged by the Kubernetes patch
// merge key for built-in types and replaced otherwise (custom resources too), $patch: delete/replace honoured.
import { isObject, deepClone, valueKey } from '../objects.js';
import type { JsonObject, JsonValue } from '../types.js';

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** Merge keys of built-in list fields, by field name and the field holding the list's parent map. */
const MERGE_KEYS: { field: string; parent: (at: string, kind: string) => boolean; key: string }[] = [
  ...['containers', 'initContainers', 'ephemeralContainers', 'volumes', 'resourceClaims', 'schedulingGates'].map((field) => ({
    field,
    parent: (at: string): boolean => at === 'spec',
    key: 'name',
  })),
  { field: 'imagePullSecrets', parent: (at) => at === 'spec', key: 'name' },
  { field: 'hostAliases', parent: (at) => at === 'spec', key: 'ip' },
  { field: 'topologySpreadConstraints', parent: (at) => at === 'spec', key: 'topologyKey' },
  { field: 'env', parent: (at) => CONTAINER_LISTS.has(at), key: 'name' },
  { field: 'volumeMounts', parent: (at) => CONTAINER_LISTS.has(at), key: 'mountPath' },
  { field: 'volumeDevices', parent: (at) => CONTAINER_LISTS.has(at), key: 'devicePath' },
  { field: 'ports', parent: (at) => CONTAINER_LISTS.has(at), key: 'containerPort' },
  { field: 'ports', parent: (at, kind) => at === 'spec' && kind === 'Service', key: 'port' },
  { field: 'conditions', parent: (at) => at === 'status', key: 'type' },
  { field: 'ownerReferences', parent: (at) => at === 'metadata', key: 'uid' },
  { field: 'webhooks', parent: (at, kind) => at === '' && /WebhookConfiguration$/.test(kind), key: 'name' },
];

/** Lists of scalars the schema merges as sets (patch values first), e.g. metadata.finalizers. */
function isPrimitiveMergeList(field: string, at: string): boolean {
  return field === 'finalizers' && at === 'metadata';
}

const DIRECTIVE = '$patch';

export interface MergeContext {
  /** True for built-in kinds, whose lists follow the Kubernetes schema. */
  builtin: boolean;
  kind: string;
}

function mergeKeyFor(field: string, at: string, ctx: MergeContext): string | undefined {
  // Without a schema merge key kustomize replaces the list (custom resources included): nothing is inferred.
  if (!ctx.builtin) return undefined;
  return MERGE_KEYS.find((m) => m.field === field && m.parent(at, ctx.kind))?.key;
}

function stripDirectives(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.filter((e) => !(isObject(e) && e[DIRECTIVE] === 'delete')).map(stripDirectives);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === DIRECTIVE || k.startsWith('$setElementOrder/') || k.startsWith('$deleteFromPrimitiveList/') || k === '$retainKeys') continue;
    if (x === null) continue;
    out[k] = stripDirectives(x);
  }
  return out;
}

function sameKey(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return a !== undefined && b !== undefined && valueKey(a) === valueKey(b);
}

/**
 * kyaml merges associative lists with patch elements "prepended": the result lists the patch's keys in patch order, then
 * the keys only the original has, each element merged in place; `$patch: delete` drops the element.
 */
function mergeList(field: string, at: string, dest: JsonValue[], src: JsonValue[], ctx: MergeContext): JsonValue[] {
  // A bare {$patch: replace} element means: the patch's elements replace the whole list.
  if (src.some((e) => isObject(e) && e[DIRECTIVE] === 'replace' && Object.keys(e).length === 1)) {
    return stripDirectives(src.filter((e) => !(isObject(e) && e[DIRECTIVE] === 'replace' && Object.keys(e).length === 1))) as JsonValue[];
  }
  if (ctx.builtin && isPrimitiveMergeList(field, at)) {
    const out: JsonValue[] = [];
    for (const v of [...src, ...dest]) if (!out.some((x) => valueKey(x) === valueKey(v))) out.push(v);
    return out;
  }
  const key = mergeKeyFor(field, at, ctx);
  if (key === undefined) return stripDirectives(src) as JsonValue[];
  const keyOf = (e: JsonValue): string | undefined => (isObject(e) && e[key] !== undefined && e[key] !== null ? valueKey(e[key]) : undefined);
  const order: string[] = [];
  const seen = new Set<string>();
  for (const e of [...src, ...dest]) {
    const k = keyOf(e);
    if (k !== undefined && !seen.has(k)) {
      seen.add(k);
      order.push(k);
    }
  }
  const out: JsonValue[] = [];
  for (const k of order) {
    const d = dest.find((e) => keyOf(e) === k);
    const s = src.find((e) => keyOf(e) === k);
    if (s === undefined) {
      out.push(d as JsonValue);
      continue;
    }
    const patch = s as JsonObject;
    if (patch[DIRECTIVE] === 'delete') continue;
    if (patch[DIRECTIVE] === 'replace' || d === undefined || !isObject(d)) out.push(stripDirectives(patch));
    else out.push(mergeMap(d, patch, ctx, field));
  }
  for (const e of [...src, ...dest]) if (keyOf(e) === undefined && !(isObject(e) && e[DIRECTIVE] !== undefined)) out.push(stripDirectives(e));
  return out;
}

/** Merges `patch` into a copy of `dest`; returns null when the patch deletes the object. */
export function mergeMap(dest: JsonObject, patch: JsonObject, ctx: MergeContext, at: string): JsonObject {
  if (patch[DIRECTIVE] === 'replace') return stripDirectives(patch) as JsonObject;
  const out: JsonObject = { ...dest };
  for (const [k, v] of Object.entries(patch)) {
    if (k === DIRECTIVE || k.startsWith('$setElementOrder/') || k === '$retainKeys') continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(v)) out[field] = cur.filter((x) => !v.some((y) => sameKey(x, y)));
      continue;
    }
    const d = out[k];
    if (v === null) {
      delete out[k];
    } else if (isObject(v)) {
      if (v[DIRECTIVE] === 'delete') delete out[k];
      else if (isObject(d)) out[k] = mergeMap(d, v, ctx, k);
      else out[k] = stripDirectives(v);
    } else if (Array.isArray(v)) {
      out[k] = Array.isArray(d) ? mergeList(k, at, d, v, ctx) : (stripDirectives(v) as JsonValue[]);
    } else {
      out[k] = v;
    }
  }
  return out;
}

export function strategicMerge(dest: JsonObject, patch: JsonObject, ctx: MergeContext): JsonObject | null {
  if (patch[DIRECTIVE] === 'delete') return null;
  return mergeMap(deepClone(dest), patch, ctx, '');
}
