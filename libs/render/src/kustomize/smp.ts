// Strategic merge as kustomize's kyaml merge2 applies it: maps merged, null deletes, lists merged by the merge keys the
// Kubernetes schema gives built-in kinds (smp-schema.ts) and replaced otherwise (custom resources too), $patch honoured.
import type { SchemaNode } from '@flotilla/kube-schema';
import { isObject, deepClone, setOwn, valueKey } from '../objects.js';
import type { JsonObject, JsonValue } from '../types.js';
import { copyPosition, copyPositions } from '../yaml/positions.js';
import { listRule, schemaForKind, type ListRule } from './smp-schema.js';

const DIRECTIVE = '$patch';

export interface MergeContext {
  /** The schema of the patched object's kind; undefined for kinds kustomize has no schema for (custom resources). */
  schema: SchemaNode | undefined;
  kind: string;
  group: string;
}

export function mergeContextFor(apiVersion: string, kind: string): MergeContext {
  const slash = apiVersion.lastIndexOf('/');
  return { schema: schemaForKind(apiVersion, kind), kind, group: slash < 0 ? '' : apiVersion.slice(0, slash) };
}

/** A copy of a patch value without its directives; positions are carried so errors still name the patch's lines. */
function stripDirectives(v: JsonValue): JsonValue {
  if (Array.isArray(v)) {
    const arr: JsonValue[] = [];
    v.forEach((e, i) => {
      if (isObject(e) && e[DIRECTIVE] === 'delete') return;
      copyPosition(v, i, arr, arr.length);
      arr.push(stripDirectives(e));
    });
    return arr;
  }
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === DIRECTIVE || k.startsWith('$setElementOrder/') || k.startsWith('$deleteFromPrimitiveList/') || k === '$retainKeys') continue;
    if (x === null) continue;
    setOwn(out, k, stripDirectives(x));
    copyPosition(v, k, out, k);
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
function mergeList(rule: ListRule, item: SchemaNode | undefined, dest: JsonValue[], src: JsonValue[], ctx: MergeContext): JsonValue[] {
  // A bare {$patch: replace} element means: the patch's elements replace the whole list.
  if (src.some((e) => isObject(e) && e[DIRECTIVE] === 'replace' && Object.keys(e).length === 1)) {
    return stripDirectives(src.filter((e) => !(isObject(e) && e[DIRECTIVE] === 'replace' && Object.keys(e).length === 1))) as JsonValue[];
  }
  if (rule.strategy === 'set') {
    const out: JsonValue[] = [];
    for (const v of [...src, ...dest]) if (!out.some((x) => valueKey(x) === valueKey(v))) out.push(v);
    return out;
  }
  if (rule.strategy === 'replace') return stripDirectives(src) as JsonValue[];
  if (rule.keys.length > 1 && [...src, ...dest].some((e) => isObject(e) && rule.keys.slice(1).some((k) => present(e[k])))) {
    return mergeByTuple(rule.keys, item, dest, src, ctx);
  }
  const key = rule.key;
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
    else out.push(mergeMap(d, patch, ctx, item));
  }
  for (const e of [...src, ...dest]) if (keyOf(e) === undefined && !(isObject(e) && e[DIRECTIVE] !== undefined)) out.push(stripDirectives(e));
  return out;
}

function present(v: JsonValue | undefined): boolean {
  return v !== undefined && v !== null && v !== '';
}

/** The values of `keys` in an element, "" for a key it does not set. */
function tuple(e: JsonValue, keys: readonly string[]): string[] {
  return keys.map((k) => (isObject(e) && present(e[k]) ? valueKey(e[k]) : ''));
}

/**
 * kyaml's merge when a list has several map keys and some element sets a secondary one (a port's protocol): an element
 * with the same values for every key is merged in place; one that differs only where one side leaves a key unset is
 * dropped, as kustomize drops it; any other is new and goes first, in patch order.
 */
function mergeByTuple(keys: readonly string[], item: SchemaNode | undefined, dest: JsonValue[], src: JsonValue[], ctx: MergeContext): JsonValue[] {
  const out = [...dest];
  const added: JsonValue[] = [];
  const trailing: JsonValue[] = [];
  for (const s of src) {
    const ts = tuple(s, keys);
    if (!isObject(s) || ts[0] === '') {
      if (!(isObject(s) && s[DIRECTIVE] !== undefined)) trailing.push(stripDirectives(s));
      continue;
    }
    const full = out.findIndex((d) => tuple(d, keys).every((v, i) => v === ts[i]));
    if (full >= 0) {
      const d = out[full] as JsonValue;
      if (s[DIRECTIVE] === 'delete') out.splice(full, 1);
      else out[full] = s[DIRECTIVE] === 'replace' || !isObject(d) ? stripDirectives(s) : mergeMap(d, s, ctx, item);
      continue;
    }
    const partial = out.some((d) => tuple(d, keys).every((v, i) => v === ts[i] || v === '' || ts[i] === ''));
    if (partial || s[DIRECTIVE] === 'delete') continue;
    added.push(stripDirectives(s));
  }
  return [...added, ...out, ...trailing];
}

/** Merges `patch` into a copy of `dest`, whose schema is `node` (undefined where kustomize knows none). */
export function mergeMap(dest: JsonObject, patch: JsonObject, ctx: MergeContext, node: SchemaNode | undefined): JsonObject {
  if (patch[DIRECTIVE] === 'replace') return stripDirectives(patch) as JsonObject;
  const out: JsonObject = { ...dest };
  copyPositions(dest, out);
  for (const [k, v] of Object.entries(patch)) {
    if (k === DIRECTIVE || k.startsWith('$setElementOrder/') || k === '$retainKeys') continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(v)) setOwn(out, field, cur.filter((x) => !v.some((y) => sameKey(x, y))));
      continue;
    }
    const d = Object.prototype.hasOwnProperty.call(out, k) ? out[k] : undefined;
    if (v === null) {
      delete out[k];
    } else if (isObject(v)) {
      if (v[DIRECTIVE] === 'delete') delete out[k];
      else if (isObject(d)) setOwn(out, k, mergeMap(d, v, ctx, node?.field(k)));
      else setOwn(out, k, stripDirectives(v));
    } else if (Array.isArray(v)) {
      const rule = listRule(node, k, ctx, node === ctx.schema);
      setOwn(out, k, Array.isArray(d) ? mergeList(rule, node?.field(k).item(), d, v, ctx) : (stripDirectives(v) as JsonValue[]));
    } else {
      setOwn(out, k, v);
      copyPosition(patch, k, out, k);
    }
  }
  return out;
}

export function strategicMerge(dest: JsonObject, patch: JsonObject, ctx: MergeContext): JsonObject | null {
  if (patch[DIRECTIVE] === 'delete') return null;
  return mergeMap(deepClone(dest), patch, ctx, ctx.schema);
}
