// kustomize field specs: "kind/group/version + slash path" selectors applied to an object, walking through sequences.
import { isObject } from '../objects.js';
import type { JsonObject, JsonValue, KubeObject } from '../types.js';
import { gvkOf } from '../order.js';
import type { Location } from '../links.js';

export interface FieldSpec {
  path: string[];
  kind?: string;
  group?: string;
  version?: string;
  create?: boolean;
}

/** "spec/template/metadata/labels" -> segments, honouring "\/" escapes and dropping "[]" markers. */
export function splitPath(path: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < path.length; i++) {
    const ch = path[i] as string;
    if (ch === '\\' && path[i + 1] === '/') {
      cur += '/';
      i++;
    } else if (ch === '/') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  // A trailing "[]" marks a list field: walked element by element, never created.
  return out.filter((s) => s !== '');
}

export function spec(path: string, kind?: string, opts: { group?: string; version?: string; create?: boolean } = {}): FieldSpec {
  const fs: FieldSpec = { path: splitPath(path) };
  if (kind !== undefined) fs.kind = kind;
  if (opts.group !== undefined) fs.group = opts.group;
  if (opts.version !== undefined) fs.version = opts.version;
  if (opts.create !== undefined) fs.create = opts.create;
  return fs;
}

export function specApplies(fs: FieldSpec, obj: KubeObject): boolean {
  const g = gvkOf(obj);
  if (fs.kind !== undefined && fs.kind !== '' && fs.kind !== g.kind) return false;
  if (fs.group !== undefined && fs.group !== '' && fs.group !== g.group) return false;
  if (fs.version !== undefined && fs.version !== '' && fs.version !== g.version) return false;
  return true;
}

/**
 * Calls `visit(parent, key)` for every field the path reaches; intermediate sequences are walked element by element.
 * With `create`, missing intermediate maps are created (never inside sequences) and the last field is visited even if
 * absent.
 */

export function visitPath(
  root: JsonObject,
  path: readonly string[],
  create: boolean,
  visit: (parent: JsonObject, key: string, at: Location) => void,
): void {
  const trail: Location = [];
  const step = (node: JsonValue | undefined, i: number, canCreate: boolean): void => {
    if (Array.isArray(node)) {
      node.forEach((item, idx) => {
        trail.push(idx);
        step(item, i, canCreate);
        trail.pop();
      });
      return;
    }
    if (!isObject(node)) return;
    const seg = path[i] as string;
    const isList = seg.endsWith('[]');
    const key = isList ? seg.slice(0, -2) : seg;
    if (i === path.length - 1) {
      if (key in node || (canCreate && !isList)) visit(node, key, [...trail, key]);
      return;
    }
    let next = node[key];
    if ((next === undefined || next === null) && canCreate && !isList) {
      next = {};
      node[key] = next;
    }
    trail.push(key);
    step(next, i + 1, canCreate);
    trail.pop();
  };
  step(root, 0, create);
}

export function applySpecs(
  obj: KubeObject,
  specs: readonly FieldSpec[],
  visit: (parent: JsonObject, key: string, fs: FieldSpec, at: Location) => void,
): void {
  const seen = new Set<string>();
  for (const fs of specs) {
    if (!specApplies(fs, obj)) continue;
    const id = fs.path.join('/');
    if (seen.has(id)) continue;
    seen.add(id);
    visitPath(obj, fs.path, fs.create === true, (p, k, at) => visit(p, k, fs, at));
  }
}
