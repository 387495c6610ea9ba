// Strategic merge patch for built-in kinds: maps merge, lists with a merge key merge by it, $patch directives.

import { defaultListTypes } from '../apply/list-types.js';
import type { ResourceType } from '../types/index.js';

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The patchMergeKey of a list field, like the Go struct tags of the built-in types. */
function mergeKey(t: ResourceType, names: string[]): string | undefined {
  const field = names[names.length - 1] ?? '';
  if (field === 'ports') return names.includes('containers') || names.includes('initContainers') ? 'containerPort' : t.kind === 'Service' ? 'port' : undefined;
  const lt = defaultListTypes(t.group, t.kind, names);
  return lt.type === 'map' ? lt.keys[0] : undefined;
}

function mergeList(t: ResourceType, live: unknown[], patch: unknown[], names: string[]): unknown[] {
  const key = mergeKey(t, names);
  if (!key || !patch.every(isMap)) return patch.filter((p) => !(isMap(p) && p.$patch));
  if (patch.some((p) => isMap(p) && p.$patch === 'replace')) return patch.filter((p) => !(isMap(p) && p.$patch === 'replace'));
  const out = live.map((l) => l) as unknown[];
  for (const item of patch as Record<string, unknown>[]) {
    const i = out.findIndex((l) => isMap(l) && l[key] === item[key]);
    if (item.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
      continue;
    }
    if (i >= 0) out[i] = mergeValue(t, out[i], item, names);
    else out.push(mergeValue(t, undefined, item, names));
  }
  return out;
}

function mergeValue(t: ResourceType, live: unknown, patch: unknown, names: string[]): unknown {
  if (isMap(patch)) {
    if (patch.$patch === 'replace') {
      const { $patch: _p, ...rest } = patch;
      return rest;
    }
    if (patch.$patch === 'delete') return undefined;
    const out: Record<string, unknown> = isMap(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(patch)) {
      if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
      if (k.startsWith('$deleteFromPrimitiveList/')) {
        const field = k.slice('$deleteFromPrimitiveList/'.length);
        if (Array.isArray(out[field]) && Array.isArray(v)) out[field] = (out[field] as unknown[]).filter((x) => !v.includes(x));
        continue;
      }
      if (v === null) delete out[k];
      else {
        const merged = mergeValue(t, out[k], v, [...names, k]);
        if (merged === undefined) delete out[k];
        else out[k] = merged;
      }
    }
    if (Array.isArray(patch.$retainKeys)) for (const k of Object.keys(out)) if (!(patch.$retainKeys as unknown[]).includes(k)) delete out[k];
    return out;
  }
  if (Array.isArray(patch)) return mergeList(t, Array.isArray(live) ? live : [], patch, names);
  return patch;
}

export function strategicMergePatch(t: ResourceType, live: unknown, patch: unknown): unknown {
  return mergeValue(t, live, patch, []);
}
