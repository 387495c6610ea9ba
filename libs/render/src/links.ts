// kustomize's label and annotation transformers insert one shared YAML node for a key at every field they create it in;
// later writes into one of those fields (a metadata-only label, a strategic merge patch) change them all, and a JSON
// patch, which rebuilds the object, cuts the link. Flotilla reproduces that so its bytes stay kustomize's.
import { isObject } from './objects.js';
import type { JsonObject, JsonValue } from './types.js';

export type Location = (string | number)[];

/** Locations (each ending in the map key) that hold one shared scalar node. */
export interface LinkGroup {
  members: Location[];
}

function parentAt(root: JsonObject, loc: Location): JsonObject | undefined {
  let cur: JsonValue | undefined = root;
  for (const seg of loc.slice(0, -1)) {
    if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg];
    else if (isObject(cur) && typeof seg === 'string') cur = cur[seg];
    else return undefined;
  }
  return isObject(cur) ? cur : undefined;
}

export function valueAt(root: JsonObject, loc: Location): JsonValue | undefined {
  const parent = parentAt(root, loc);
  return parent === undefined ? undefined : parent[loc[loc.length - 1] as string];
}

export function sameLocation(a: Location, b: Location): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Writes `value` at every member of the groups holding `loc` (the shared node changes everywhere). */
export function propagate(root: JsonObject, groups: LinkGroup[], loc: Location, value: JsonValue): void {
  for (const g of groups) {
    if (!g.members.some((m) => sameLocation(m, loc))) continue;
    for (const m of g.members) {
      const parent = parentAt(root, m);
      const key = m[m.length - 1] as string;
      if (parent !== undefined && key in parent) parent[key] = value;
    }
  }
}

/** After a merge patch: a member whose value changed carries the change to its group; a removed member leaves it. */
export function settleAfterMerge(before: JsonObject, after: JsonObject, groups: LinkGroup[]): LinkGroup[] {
  const kept: LinkGroup[] = [];
  for (const g of groups) {
    const members = g.members.filter((m) => valueAt(after, m) !== undefined);
    const changed = members.find((m) => valueAt(after, m) !== valueAt(before, m));
    if (changed !== undefined) {
      const v = valueAt(after, changed) as JsonValue;
      for (const m of members) {
        const parent = parentAt(after, m);
        if (parent !== undefined) parent[m[m.length - 1] as string] = v;
      }
    }
    if (members.length > 1) kept.push({ members });
  }
  return kept;
}
