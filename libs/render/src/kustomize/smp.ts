// Strategic merge as kustomize's kyaml merge2 applies it: maps merged, null deletes, lists merged by the Kubernetes patch
// merge key for built-in types (inferred from associative keys for other kinds), $patch: delete/replace honoured.
import { isObject, deepClone, valueKey } from '../objects.js';
import type { JsonObject, JsonValue } from '../types.js';

/** Patch merge keys of built-in list fields, by field name ("ports" depends on the kind). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
  schedulingGates: 'name',
  conditions: 'type',
  ownerReferences: 'uid',
  webhooks: 'name',
};


const DIRECTIVE = '$patch';

export interface MergeContext {
  /** True for built-in kinds, whose lists follow the Kubernetes schema. */
  builtin: boolean;
  kind: string;
}

function mergeKeyFor(field: string, ctx: MergeContext): string | undefined {
  if (ctx.builtin) {
    if (field === 'ports') return ctx.kind === 'Service' ? 'port' : 'containerPort';
    const key = MERGE_KEYS[field];
    if (key !== undefined) return key;
  }
  // Without a schema merge key kustomize replaces the list (custom resources included): nothing is inferred.
  return undefined;
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
function mergeList(field: string, dest: JsonValue[], src: JsonValue[], ctx: MergeContext): JsonValue[] {
  // A bare {$patch: replace} element means: the patch's elements replace the whole list.
  if (src.some((e) => isObject(e) && e[DIRECTIVE] === 'replace' && Object.keys(e).length === 1)) {
    return stripDirectives(src.filter((e) => !(isObject(e) && e[DIRECTIVE] === 'replace' && Object.keys(e).length === 1))) as JsonValue[];
  }
  const key = mergeKeyFor(field, ctx);
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
    else out.push(mergeMap(d, patch, ctx));
  }
  for (const e of [...src, ...dest]) if (keyOf(e) === undefined && !(isObject(e) && e[DIRECTIVE] !== undefined)) out.push(stripDirectives(e));
  return out;
}

/** Merges `patch` into a copy of `dest`; returns null when the patch deletes the object. */
export function mergeMap(dest: JsonObject, patch: JsonObject, ctx: MergeContext): JsonObject {
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
      else if (isObject(d)) out[k] = mergeMap(d, v, ctx);
      else out[k] = stripDirectives(v);
    } else if (Array.isArray(v)) {
      out[k] = Array.isArray(d) ? mergeList(k, d, v, ctx) : (stripDirectives(v) as JsonValue[]);
    } else {
      out[k] = v;
    }
  }
  return out;
}

export function strategicMerge(dest: JsonObject, patch: JsonObject, ctx: MergeContext): JsonObject | null {
  if (patch[DIRECTIVE] === 'delete') return null;
  return mergeMap(deepClone(dest), patch, ctx);
}
