// Server-side apply and field ownership (managedFields), after sigs.k8s.io/structured-merge-diff: who owns which field,
// conflicts as the real 409 Status, force, removal of fields a manager stopped applying, and Update tracking.

import { ApiError } from '../errors/index.js';
import type { StatusCause } from '../errors/index.js';
import type { KubeObject, ManagedFieldsEntry, ResourceType } from '../types/index.js';
import { clone, deepEqual } from '../store/meta.js';
import type { FieldPath } from './fieldpath.js';
import { FieldSet, fieldsOf, keyElement, pathString, removeAt, valueAt } from './fieldpath.js';
import type { ListTypeOf } from './list-types.js';
import { defaultListTypes } from './list-types.js';

export type { ListType, ListTypeOf } from './list-types.js';
export { defaultListTypes } from './list-types.js';

export interface OwnershipContext {
  type: ResourceType;
  /** apiVersion the manager used (recorded in its entry). */
  apiVersion: string;
  /** RFC 3339 time of this write. */
  now: string;
  /** 'status' for writes to the status subresource: only .status counts, and entries carry subresource. */
  subresource?: 'status' | 'scale';
  listTypes?: ListTypeOf;
}

interface Entry {
  manager: string;
  operation: 'Apply' | 'Update';
  subresource: string;
  apiVersion: string;
  time?: string;
  set: FieldSet;
}

const IGNORED_META = new Set(['f:name', 'f:namespace', 'f:uid', 'f:resourceVersion', 'f:generation', 'f:creationTimestamp', 'f:deletionTimestamp', 'f:deletionGracePeriodSeconds', 'f:managedFields', 'f:selfLink']);

function skipper(ctx: OwnershipContext): (p: FieldPath) => boolean {
  const statusOnly = ctx.subresource === 'status';
  return (p) => {
    if (p.length !== 1 && !(p.length === 2 && p[0] === 'f:metadata')) return false;
    if (p.length === 2) return IGNORED_META.has(p[1]!);
    if (p[0] === 'f:apiVersion' || p[0] === 'f:kind') return true;
    if (statusOnly) return p[0] !== 'f:status';
    return p[0] === 'f:status' && ctx.type.status;
  };
}

function fields(ctx: OwnershipContext, obj: unknown): FieldSet {
  return fieldsOf({ group: ctx.type.group, kind: ctx.type.kind, listTypes: ctx.listTypes ?? defaultListTypes }, obj, skipper(ctx));
}

function parseEntries(obj: KubeObject | undefined): Entry[] {
  return (obj?.metadata.managedFields ?? []).map((e) => ({
    manager: e.manager,
    operation: e.operation,
    subresource: e.subresource ?? '',
    apiVersion: e.apiVersion,
    ...(e.time ? { time: e.time } : {}),
    set: FieldSet.fromFieldsV1(e.fieldsV1),
  }));
}

function serialize(entries: Entry[]): ManagedFieldsEntry[] | undefined {
  const out = entries
    .filter((e) => e.set.size > 0)
    .map((e) => {
      const m: ManagedFieldsEntry = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion, fieldsType: 'FieldsV1', fieldsV1: e.set.toFieldsV1() };
      if (e.time) m.time = e.time;
      if (e.subresource) m.subresource = e.subresource;
      return m;
    });
  return out.length ? out : undefined;
}

function withManaged(obj: KubeObject, entries: Entry[]): KubeObject {
  const mf = serialize(entries);
  if (mf) obj.metadata.managedFields = mf;
  else delete obj.metadata.managedFields;
  return obj;
}

function isElement(p: FieldPath): boolean {
  const last = p[p.length - 1] ?? '';
  return last.startsWith('k:') || last.startsWith('v:');
}

function changedAt(a: unknown, b: unknown, p: FieldPath): boolean {
  const va = valueAt(a, p);
  const vb = valueAt(b, p);
  return isElement(p) ? (va === undefined) !== (vb === undefined) : !deepEqual(va, vb);
}

/** Records a non-apply write (create, update, patch) by `manager`: it takes the fields it changed. */
export function trackUpdate(old: KubeObject | undefined, next: KubeObject, manager: string, ctx: OwnershipContext): KubeObject {
  const entries = parseEntries(old);
  const newSet = fields(ctx, next);
  const oldSet = old ? fields(ctx, old) : new FieldSet();
  const changed = FieldSet.of(newSet.values().filter((p) => !oldSet.has(p) || changedAt(old, next, p)));
  const removed = oldSet.minus(newSet);
  const sub = ctx.subresource ?? '';
  let mine = entries.find((e) => e.manager === manager && e.operation === 'Update' && e.subresource === sub);
  for (const e of entries) {
    e.set = e.set.minus(removed);
    if (e !== mine) e.set = e.set.minus(changed);
  }
  if (changed.size) {
    if (!mine) entries.push((mine = { manager, operation: 'Update', subresource: sub, apiVersion: ctx.apiVersion, set: new FieldSet() }));
    mine.set = mine.set.union(changed);
    mine.time = ctx.now;
    mine.apiVersion = ctx.apiVersion;
  }
  return withManaged(clone(next), entries);
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Structured merge of an applied configuration into the live object. */
function merge(ctx: OwnershipContext, live: unknown, config: unknown, names: string[]): unknown {
  if (isMap(config)) {
    const out: Record<string, unknown> = isMap(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(config)) out[k] = merge(ctx, out[k], v, [...names, k]);
    return out;
  }
  if (Array.isArray(config) && Array.isArray(live)) {
    const lt = (ctx.listTypes ?? defaultListTypes)(ctx.type.group, ctx.type.kind, names);
    if (lt.type === 'set') return [...live, ...config.filter((c) => !live.some((l) => deepEqual(l, c)))];
    if (lt.type === 'map' && config.every(isMap) && live.every(isMap)) {
      const out = [...live] as Record<string, unknown>[];
      for (const item of config as Record<string, unknown>[]) {
        const el = keyElement(item, lt.keys);
        const i = el === undefined ? -1 : out.findIndex((l) => keyElement(l, lt.keys) === el);
        if (i >= 0) out[i] = merge(ctx, out[i], item, names) as Record<string, unknown>;
        else out.push(item);
      }
      return out;
    }
  }
  return clone(config);
}

/** Go's omitempty drops empty slices and maps of built-in kinds; custom resources keep them as sent. */
const MAP_FIELDS = new Set(['f:labels', 'f:annotations', 'f:data', 'f:binaryData', 'f:stringData', 'f:matchLabels', 'f:nodeSelector', 'f:selector']);

function pruneEmptyParents(obj: KubeObject, path: FieldPath): void {
  for (let n = path.length - 1; n > 0; n--) {
    const parentPath = path.slice(0, n);
    const parent = valueAt(obj, parentPath);
    const last = parentPath[parentPath.length - 1]!;
    const empty = Array.isArray(parent) ? parent.length === 0 : isMap(parent) && Object.keys(parent).length === 0 && MAP_FIELDS.has(last);
    if (!empty) return;
    removeAt(obj, parentPath);
  }
}

function managerLabel(e: Entry): string {
  let s = JSON.stringify(e.manager);
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') s += e.time ? ` using ${e.apiVersion} at ${e.time}` : ` using ${e.apiVersion}`;
  return s;
}

function conflictError(unsorted: { entry: Entry; path: FieldPath }[]): ApiError {
  // structured-merge-diff walks field sets in sorted order: conflicts come out sorted by manager, then path.
  const key = (c: { entry: Entry; path: FieldPath }) => `${managerLabel(c.entry)}\u0000${pathString(c.path)}`;
  const conflicts = [...unsorted].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const causes: StatusCause[] = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${managerLabel(c.entry)}`, field: pathString(c.path) }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${managerLabel(conflicts[0]!.entry)}: ${pathString(conflicts[0]!.path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) {
      const label = managerLabel(c.entry);
      byManager.set(label, [...(byManager.get(label) ?? []), pathString(c.path)]);
    }
    const lines: string[] = [];
    for (const label of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${label}:`);
      for (const p of byManager.get(label)!) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, { causes });
}

/**
 * Applies `config` as `manager` to `live` (undefined: create-on-apply). Throws the 409 conflict Status unless `force`.
 * Returns the new object with managedFields; identity fields (uid, resourceVersion, ...) are left to the caller.
 */
export function serverSideApply(live: KubeObject | undefined, config: KubeObject, manager: string, force: boolean, ctx: OwnershipContext): KubeObject {
  const sub = ctx.subresource ?? '';
  const cfg = clone(config);
  delete cfg.metadata.managedFields;
  if (ctx.subresource === 'status') {
    for (const k of Object.keys(cfg)) if (!['apiVersion', 'kind', 'metadata', 'status'].includes(k)) delete cfg[k];
  } else if (ctx.type.status) delete cfg.status;
  const base: KubeObject = live ? clone(live) : { apiVersion: cfg.apiVersion, kind: cfg.kind, metadata: { name: cfg.metadata.name, namespace: cfg.metadata.namespace } };
  delete base.metadata.managedFields;
  const entries = parseEntries(live);
  const applied = fields(ctx, cfg);
  const merged = merge(ctx, base, cfg, []) as KubeObject;
  let mine = entries.find((e) => e.manager === manager && e.operation === 'Apply' && e.subresource === sub);
  const conflicts: { entry: Entry; path: FieldPath }[] = [];
  for (const e of entries) {
    if (e === mine) continue;
    for (const p of applied.values()) if (e.set.has(p) && changedAt(base, merged, p)) conflicts.push({ entry: e, path: p });
  }
  if (conflicts.length && !force) throw conflictError(conflicts);
  for (const c of conflicts) c.entry.set.delete(c.path);
  const previous = mine?.set ?? new FieldSet();
  const dropped = previous.minus(applied).values().filter((p) => !entries.some((e) => e !== mine && e.set.has(p)));
  // Shallow first: removing a list element before its key fields keeps the element findable by its key.
  dropped.sort((a, b) => a.length - b.length);
  for (const p of dropped) {
    removeAt(merged, p);
    if (ctx.type.builtIn) pruneEmptyParents(merged, p);
  }
  // A no-op apply keeps the entry's time, so it changes nothing and bumps no resourceVersion.
  const unchanged = !!mine && deepEqual(merged, base) && !conflicts.length && JSON.stringify(mine.set.toFieldsV1()) === JSON.stringify(applied.toFieldsV1());
  if (!mine) entries.push((mine = { manager, operation: 'Apply', subresource: sub, apiVersion: ctx.apiVersion, set: applied }));
  mine.set = applied;
  if (!unchanged || mine.apiVersion !== ctx.apiVersion) {
    mine.time = ctx.now;
    mine.apiVersion = ctx.apiVersion;
  }
  return withManaged(merged, entries);
}
