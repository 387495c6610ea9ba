// Strategic merge patch with the semantics of k8s.io/apimachinery/pkg/util/strategicpatch (StrategicMergeMapPatch:
// parallel deletion lists merged, unmatched nulls ignored), driven by the OpenAPI patch extensions instead of Go tags.
import type { SchemaNode } from '../schema/node.js';
import type { JsonObject, JsonValue } from '../types.js';
import { fail } from './errors.js';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

type ElementKind = 'map' | 'list' | 'string' | 'number' | 'boolean' | 'null';

/** Applies `patch` to `original` (neither is modified) and returns the patched object; throws PatchFailure. */
export function applyStrategicMergePatch(original: JsonObject, patch: JsonObject, schema: SchemaNode): JsonObject {
  return mergeMap(structuredClone(original), structuredClone(patch), schema, '');
}

function isMap(v: JsonValue | undefined): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function kindOf(v: JsonValue): ElementKind {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'map';
  return typeof v as 'string' | 'number' | 'boolean';
}

function has(obj: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/** Sets a key as an own data property, so a "__proto__" key from a hostile patch stays a plain field. */
function put(obj: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

function at(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function show(v: JsonValue): string {
  return JSON.stringify(v);
}

function mergeMap(original: JsonObject | null, patch: JsonObject, schema: SchemaNode, path: string): JsonObject {
  if (has(patch, DIRECTIVE)) return directiveInMap(patch[DIRECTIVE]!, patch, path);
  const target = original ?? {};
  applyRetainKeys(target, patch, path);
  mergeSetElementOrder(target, patch, schema, path);

  for (const key of Object.keys(patch)) {
    const patchV = patch[key]!;
    let k = key;
    let isDeleteList = false;
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      k = extractKey(key, DELETE_FROM_PRIMITIVE_LIST, path);
      isDeleteList = true;
    }
    if (patchV === null) {
      delete target[k];
      continue;
    }
    if (!has(target, k) || kindOf(target[k]!) !== kindOf(patchV)) {
      // Not in the original, or of another type: the patch value wins as it is, less its nulls.
      if (!isDeleteList) put(target, k, discardNulls(patchV));
      continue;
    }
    const originalV = target[k]!;
    const field = schema.field(k);
    const fieldPath = at(path, k);
    if (isMap(originalV) && isMap(patchV)) {
      put(target, k, strategyOf(field, fieldPath) === 'replace' ? patchV : mergeMap(originalV, patchV, field, fieldPath));
    } else if (Array.isArray(originalV) && Array.isArray(patchV)) {
      put(target, k, mergeListField(originalV, patchV, field, isDeleteList, fieldPath));
    } else {
      put(target, k, patchV);
    }
  }
  return target;
}

function mergeListField(original: JsonValue[], patch: JsonValue[], field: SchemaNode, isDeleteList: boolean, path: string): JsonValue[] {
  if (strategyOf(field, path) !== 'merge') return patch;
  return mergeSlice(original, patch, field.item(), field.patchMergeKey ?? '', isDeleteList, path);
}

function directiveInMap(directive: JsonValue, patch: JsonObject, path: string): JsonObject {
  if (directive === 'replace') {
    delete patch[DIRECTIVE];
    return patch;
  }
  if (directive === 'delete') return {};
  return fail('BadRequest', `${path || '<root>'}: unknown patch type ${show(directive)} in map`);
}

/** The patch strategy other than retainKeys ("merge", "replace" or ""), as extractRetainKeysPatchStrategy reads it. */
function strategyOf(field: SchemaNode, path: string): string {
  const s = field.patchStrategies;
  if (s.length === 0) return '';
  if (s.length === 1) return s[0] === 'retainKeys' ? '' : s[0]!;
  if (s.length === 2 && s[0] === 'retainKeys') return s[1]!;
  if (s.length === 2 && s[1] === 'retainKeys') return s[0]!;
  return fail('Invalid', `${path}: unexpected patch strategy ${s.join(',')}`);
}

function extractKey(key: string, prefix: string, path: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    const what = prefix === SET_ELEMENT_ORDER ? 'setElementOrder list' : 'primitive list';
    return fail('BadRequest', `${at(path, key)}: invalid patch format of ${what}`);
  }
  return key.slice(slash + 1);
}

/** In place: nulls inside a value that is added as a whole mean nothing, so they are dropped. */
function discardNulls(v: JsonValue): JsonValue {
  if (Array.isArray(v)) {
    for (const item of v) discardNulls(item);
  } else if (isMap(v)) {
    for (const [k, item] of Object.entries(v)) {
      if (item === null) delete v[k];
      else discardNulls(item);
    }
  }
  return v;
}

function applyRetainKeys(original: JsonObject, patch: JsonObject, path: string): void {
  if (!has(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) fail('BadRequest', `${at(path, RETAIN_KEYS)}: invalid patch format of retainKeys`);
  const keep = new Set<JsonValue>(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(k)) fail('BadRequest', `${at(path, RETAIN_KEYS)}: invalid patch format of retainKeys: ${k} is patched but not retained`);
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/** $setElementOrder/<field>: merge that list first, then order it as the directive says. */
function mergeSetElementOrder(original: JsonObject, patch: JsonObject, schema: SchemaNode, path: string): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[key]!;
    delete patch[key];
    if (!Array.isArray(order)) fail('BadRequest', `${at(path, key)}: invalid patch format of setElementOrder list`);
    const k = extractKey(key, SET_ELEMENT_ORDER, path);
    const fieldPath = at(path, k);
    const foundOriginal = has(original, k);
    const foundPatch = has(patch, k);
    const originalList = foundOriginal ? asList(original[k]!, fieldPath) : [];
    const patchList = foundPatch ? asList(patch[k]!, fieldPath) : [];
    const field = schema.field(k);
    const mergeKey = field.patchMergeKey ?? '';
    validateWithSetOrderList(patchList, order, mergeKey, fieldPath);
    let merged: JsonValue[];
    if (foundOriginal && foundPatch) merged = mergeListField(originalList, patchList, field, false, fieldPath);
    else if (foundOriginal) merged = originalList;
    else if (foundPatch) merged = patchList;
    else continue;
    const [patchItems, serverOnly] = partition(merged, order, mergeKey, fieldPath);
    const kind = elementKind([originalList, patchList], fieldPath);
    put(original, k, normalizeElementOrder(patchItems, serverOnly, order, originalList, mergeKey, kind, fieldPath));
    delete patch[k];
  }
}

function asList(v: JsonValue, path: string): JsonValue[] {
  return Array.isArray(v) ? v : fail('Invalid', `${path}: expected a list, got ${show(v)}`);
}

function asMap(v: JsonValue, path: string): JsonObject {
  return isMap(v) ? v : fail('Invalid', `${path}: expected a map, got ${show(v)}`);
}

function mergeKeyOf(v: JsonValue, mergeKey: string, path: string): JsonValue {
  const m = asMap(v, path);
  return has(m, mergeKey) ? m[mergeKey]! : fail('Invalid', `${path}: map ${show(m)} does not contain declared merge key: ${mergeKey}`);
}

function validateWithSetOrderList(patchList: JsonValue[], order: JsonValue[], mergeKey: string, path: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey ? splitDeletions(patchList, path)[0] : patchList;
  let p = 0;
  let o = 0;
  while (p < nonDelete.length && o < order.length) {
    const item = nonDelete[p]!;
    if (isMap(item) && has(item, DIRECTIVE)) {
      p++;
      continue;
    }
    const equal = mergeKey ? mergeKeyOf(item, mergeKey, path) === mergeKeyOf(order[o]!, mergeKey, path) : item === order[o];
    if (equal) p++;
    o++;
  }
  if (p < nonDelete.length && o >= order.length) {
    fail('Invalid', `${path}: the order in patch list ${show(patchList)} doesn't match $setElementOrder list ${show(order)}`);
  }
}

function elementKind(lists: JsonValue[][], path: string): ElementKind {
  let kind: ElementKind | undefined;
  for (const list of lists) {
    for (const v of list) {
      const k = kindOf(v);
      if (kind === undefined) {
        if (k === 'list') fail('Invalid', `${path}: lists of lists are not supported`);
        kind = k;
      } else if (k !== kind) {
        fail('Invalid', `${path}: list element types are not identical`);
      }
    }
  }
  return kind ?? fail('Invalid', `${path}: no elements in any of the given lists`);
}

function mergeSlice(original: JsonValue[], patch: JsonValue[], item: SchemaNode, mergeKey: string, isDeleteList: boolean, path: string): JsonValue[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind([original, patch], path);
  let merged: JsonValue[];
  let base = original;
  let patchItemsIn = patch;
  if (kind !== 'map') {
    if (isDeleteList) {
      const remove = new Set(patch);
      return original.filter((v) => !remove.has(v));
    }
    merged = deduplicateScalars([...original, ...patch]);
  } else {
    if (mergeKey === '') fail('Invalid', `${path}: cannot merge lists without merge key`);
    [base, patchItemsIn] = applySpecialElements(original, patch, mergeKey, path);
    merged = mergeByKey(base, patchItemsIn, mergeKey, item, path);
  }
  const [patchItems, serverOnly] = partition(merged, patchItemsIn, mergeKey, path);
  return normalizeElementOrder(patchItems, serverOnly, patchItemsIn, base, mergeKey, kind, path);
}

/** Go's deduplicateScalars, order quirks included: a duplicate is overwritten by the last element. */
function deduplicateScalars(s: JsonValue[]): JsonValue[] {
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length]!;
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

/** `$patch: delete` removes by merge key, `$patch: replace` makes the rest of the patch the whole list. */
function applySpecialElements(original: JsonValue[], patch: JsonValue[], mergeKey: string, path: string): [JsonValue[], JsonValue[]] {
  const plain: JsonValue[] = [];
  let replace = false;
  let base = original;
  for (const v of patch) {
    const m = asMap(v, path);
    if (!has(m, DIRECTIVE)) {
      plain.push(v);
      continue;
    }
    const directive = m[DIRECTIVE];
    if (directive === 'delete') {
      if (!has(m, mergeKey)) fail('Invalid', `${path}: map ${show(m)} does not contain declared merge key: ${mergeKey}`);
      const value = m[mergeKey];
      base = base.filter((e) => !(asMap(e, path)[mergeKey] === value && has(e as JsonObject, mergeKey)));
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      fail('Invalid', `${path}: merging lists cannot yet be specified in the patch`);
    } else {
      fail('BadRequest', `${path}: unknown patch type ${show(directive ?? null)} in list element`);
    }
  }
  return replace ? [plain, []] : [base, plain];
}

function mergeByKey(original: JsonValue[], patch: JsonValue[], mergeKey: string, item: SchemaNode, path: string): JsonValue[] {
  const out = [...original];
  for (const v of patch) {
    const m = asMap(v, path);
    const key = mergeKeyOf(m, mergeKey, path);
    const index = out.findIndex((e) => {
      const em = asMap(e, path);
      return has(em, mergeKey) && em[mergeKey] === key;
    });
    if (index >= 0) out[index] = mergeMap(out[index] as JsonObject, m, item, `${path}[${mergeKey}=${show(key)}]`);
    else out.push(v);
  }
  return out;
}

function indexIn(list: JsonValue[], v: JsonValue, mergeKey: string, kind: ElementKind): number {
  if (kind !== 'map') return list.indexOf(v);
  const key = (v as JsonObject)[mergeKey];
  return list.findIndex((e) => isMap(e) && e[mergeKey] === key);
}

/** Splits `merged` into the items `by` mentions and the rest, each in merged order. */
function partition(merged: JsonValue[], by: JsonValue[], mergeKey: string, path: string): [JsonValue[], JsonValue[]] {
  const inPatch: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  if (mergeKey === '') {
    const set = new Set(by);
    for (const v of merged) (set.has(v) ? inPatch : serverOnly).push(v);
    return [inPatch, serverOnly];
  }
  for (const v of merged) {
    const key = mergeKeyOf(v, mergeKey, path);
    const found = by.some((b) => {
      const bm = asMap(b, path);
      return has(bm, mergeKey) && bm[mergeKey] === key;
    });
    (found ? inPatch : serverOnly).push(v);
  }
  return [inPatch, serverOnly];
}

function splitDeletions(list: JsonValue[], path: string): [JsonValue[], JsonValue[]] {
  const keep: JsonValue[] = [];
  const remove: JsonValue[] = [];
  for (const v of list) {
    const m = asMap(v, path);
    (m[DIRECTIVE] === 'delete' ? remove : keep).push(v);
  }
  return [keep, remove];
}

/**
 * Orders patch items by the patch (or $setElementOrder) and server-only items by the original, then interleaves them:
 * a server-only item goes first only when the original places it before the next patch item, so items the original
 * does not know come before the rest, exactly as apimachinery orders them.
 */
function normalizeElementOrder(
  patchItems: JsonValue[],
  serverOnly: JsonValue[],
  patchOrder: JsonValue[],
  serverOrder: JsonValue[],
  mergeKey: string,
  kind: ElementKind,
  path: string,
): JsonValue[] {
  const left = sortByOrder(serverOnly, serverOrder, mergeKey, kind, path);
  const right = sortByOrder(patchItems, patchOrder, mergeKey, kind, path);
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]!);
    else if (j >= right.length) out.push(left[i++]!);
    else {
      const li = indexIn(serverOrder, left[i]!, mergeKey, kind);
      const ri = indexIn(serverOrder, right[j]!, mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]!);
      else out.push(right[j++]!);
    }
  }
  return out;
}

/** Go's normalizeSliceOrder: a stable insertion sort by position in `order`, deletions moved to the end. */
function sortByOrder(items: JsonValue[], order: JsonValue[], mergeKey: string, kind: ElementKind, path: string): JsonValue[] {
  let toSort = items;
  let deletions: JsonValue[] = [];
  if (kind === 'map') {
    for (const v of [...items, ...order]) mergeKeyOf(v, mergeKey, path);
    [toSort, deletions] = splitDeletions(items, path);
  }
  const sorted = [...toSort];
  const less = (a: JsonValue, b: JsonValue): boolean => {
    const ia = indexIn(order, a, mergeKey, kind);
    const ib = indexIn(order, b, mergeKey, kind);
    return ia >= 0 && ib >= 0 ? ia < ib : true;
  };
  for (let i = 1; i < sorted.length; i++) {
    for (let j = i; j > 0 && less(sorted[j]!, sorted[j - 1]!); j--) {
      [sorted[j], sorted[j - 1]] = [sorted[j - 1]!, sorted[j]!];
    }
  }
  return [...sorted, ...deletions];
}
