// Field paths and field sets in the FieldsV1 vocabulary of structured-merge-diff: `f:name`, `k:{"name":"x"}`,
// `v:"a"`, `i:0`. A set holds the paths a manager owns; it converts to and from managedFields' fieldsV1 tree.

import type { ListTypeOf } from './list-types.js';

export type PathElement = string;
export type FieldPath = PathElement[];

const SEP = '\u0000';

export class FieldSet {
  private readonly paths = new Map<string, FieldPath>();

  static of(paths: Iterable<FieldPath>): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.add(p);
    return s;
  }

  add(p: FieldPath): void {
    this.paths.set(p.join(SEP), p);
  }

  has(p: FieldPath): boolean {
    return this.paths.has(p.join(SEP));
  }

  delete(p: FieldPath): void {
    this.paths.delete(p.join(SEP));
  }

  get size(): number {
    return this.paths.size;
  }

  values(): FieldPath[] {
    return [...this.paths.values()];
  }

  minus(other: FieldSet): FieldSet {
    return FieldSet.of(this.values().filter((p) => !other.has(p)));
  }

  union(other: FieldSet): FieldSet {
    return FieldSet.of([...this.values(), ...other.values()]);
  }

  /** The fieldsV1 tree: each member is a node; a member that also has members below it carries ".". */
  toFieldsV1(): Record<string, unknown> {
    const root: Record<string, Record<string, unknown>> = {};
    for (const p of this.values()) {
      let node: Record<string, unknown> = root;
      for (const el of p) node = (node[el] ??= {}) as Record<string, unknown>;
    }
    const mark = (node: Record<string, unknown>, path: FieldPath): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      const keys = Object.keys(node).sort();
      if (path.length && keys.length && this.has(path)) out['.'] = {};
      for (const k of keys) out[k] = mark(node[k] as Record<string, unknown>, [...path, k]);
      return out;
    };
    return mark(root, []);
  }

  static fromFieldsV1(tree: unknown): FieldSet {
    const s = new FieldSet();
    const walk = (node: unknown, path: FieldPath): void => {
      if (!node || typeof node !== 'object') return;
      const keys = Object.keys(node);
      if (path.length && (keys.length === 0 || keys.includes('.'))) s.add(path);
      for (const k of keys) if (k !== '.') walk((node as Record<string, unknown>)[k], [...path, k]);
    };
    walk(tree, []);
    return s;
  }
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function keyElement(item: Record<string, unknown>, keys: string[]): PathElement | undefined {
  const present = keys.filter((k) => item[k] !== undefined).sort();
  if (!present.length) return undefined;
  const obj: Record<string, unknown> = {};
  for (const k of present) obj[k] = item[k];
  return `k:${JSON.stringify(obj)}`;
}

export interface Walker {
  group: string;
  kind: string;
  listTypes: ListTypeOf;
}

/** The set of leaf (and list element) paths present in `value`. `skip` decides which top-level paths count. */
export function fieldsOf(w: Walker, value: unknown, skip: (p: FieldPath) => boolean): FieldSet {
  const s = new FieldSet();
  const walk = (v: unknown, path: FieldPath, names: string[]): void => {
    if (skip(path)) return;
    if (isMap(v)) {
      const keys = Object.keys(v).filter((k) => v[k] !== undefined);
      if (!keys.length && path.length) s.add(path);
      for (const k of keys) walk(v[k], [...path, `f:${k}`], [...names, k]);
      return;
    }
    if (Array.isArray(v)) {
      const lt = w.listTypes(w.group, w.kind, names);
      if (lt.type === 'set' && v.every((x) => !isMap(x) && !Array.isArray(x))) {
        for (const x of v) s.add([...path, `v:${JSON.stringify(x)}`]);
        return;
      }
      if (lt.type === 'map' && v.every(isMap)) {
        const els = v.map((item) => keyElement(item, lt.keys));
        if (els.every((e) => e !== undefined)) {
          v.forEach((item, i) => {
            const el = [...path, els[i]!];
            s.add(el);
            for (const k of Object.keys(item)) walk(item[k], [...el, `f:${k}`], [...names, k]);
          });
          return;
        }
      }
      s.add(path);
      return;
    }
    if (path.length) s.add(path);
  };
  walk(value, [], []);
  return s;
}

function matchesElement(item: unknown, el: PathElement): boolean {
  if (el.startsWith('k:')) {
    if (!isMap(item)) return false;
    const keys = JSON.parse(el.slice(2)) as Record<string, unknown>;
    return Object.entries(keys).every(([k, v]) => JSON.stringify(item[k]) === JSON.stringify(v));
  }
  if (el.startsWith('v:')) return JSON.stringify(item) === el.slice(2);
  return false;
}

/** The value at a path, or undefined when absent. */
export function valueAt(obj: unknown, path: FieldPath): unknown {
  let cur: unknown = obj;
  for (const el of path) {
    if (cur === undefined) return undefined;
    if (el.startsWith('f:')) cur = isMap(cur) ? cur[el.slice(2)] : undefined;
    else if (el.startsWith('i:')) cur = Array.isArray(cur) ? cur[Number(el.slice(2))] : undefined;
    else cur = Array.isArray(cur) ? cur.find((item) => matchesElement(item, el)) : undefined;
  }
  return cur;
}

/** Removes the value at a path from a mutable object; a no-op when absent. */
export function removeAt(obj: unknown, path: FieldPath): void {
  const parent = valueAt(obj, path.slice(0, -1));
  const el = path[path.length - 1];
  if (el === undefined || parent === undefined) return;
  if (el.startsWith('f:') && isMap(parent)) delete parent[el.slice(2)];
  else if (Array.isArray(parent)) {
    const i = el.startsWith('i:') ? Number(el.slice(2)) : parent.findIndex((item) => matchesElement(item, el));
    if (i >= 0) parent.splice(i, 1);
  }
}

/** `.spec.template.spec.containers[name="app"].image`, as fieldpath.Path.String() prints it. */
export function pathString(path: FieldPath): string {
  return path
    .map((el) => {
      if (el.startsWith('f:')) return `.${el.slice(2)}`;
      if (el.startsWith('i:')) return `[${el.slice(2)}]`;
      if (el.startsWith('v:')) return `[=${el.slice(2)}]`;
      const keys = JSON.parse(el.slice(2)) as Record<string, unknown>;
      return `[${Object.entries(keys).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
    })
    .join('');
}
