// The set of resources and definitions a document covers: the built-ins plus the custom resources given.
import { builtinDefinitions } from '../catalog.js';
import type { JsonObject, JsonValue } from '../types.js';
import { pathsFor, type PathSpec } from './operations.js';
import { customDefinitions, servedBuiltins, servedCustom, type CustomResourceSchema, type ServedResource } from './served.js';

export interface DocumentInput {
  readonly resources: readonly ServedResource[];
  /** All definitions by name, in v2 form (`#/definitions/` references). */
  readonly definitions: Readonly<Record<string, JsonObject>>;
}

/**
 * Custom schemas go in as the CRD states them for v3, and reduced to what swagger 2.0 can say for v2; references are
 * in v2 form (`#/definitions/`) either way, the v3 builder rewrites them.
 */
export function documentInput(custom: readonly CustomResourceSchema[], form: 'v2' | 'v3'): DocumentInput {
  if (custom.length === 0) return { resources: servedBuiltins(), definitions: builtinDefinitions() };
  const definitions: Record<string, JsonObject> = { ...builtinDefinitions() };
  for (const crd of custom) Object.assign(definitions, form === 'v2' ? v2CustomDefinitions(crd) : customDefinitions(crd));
  return { resources: [...servedBuiltins(), ...custom.map(servedCustom)], definitions };
}

export function allPaths(resources: readonly ServedResource[]): PathSpec[] {
  return resources.flatMap(pathsFor);
}

/** Names of the definitions reachable from `roots` through `$ref`s. */
export function reachable(definitions: Readonly<Record<string, JsonObject>>, roots: Iterable<string>): string[] {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name) || !definitions[name]) continue;
    seen.add(name);
    collectRefs(definitions[name], queue);
  }
  return [...seen].sort();
}

function collectRefs(value: JsonValue | undefined, into: string[]): void {
  if (Array.isArray(value)) for (const v of value) collectRefs(v, into);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') into.push(v.slice(v.lastIndexOf('/') + 1));
      else collectRefs(v, into);
    }
  }
}

/**
 * A CRD's schema in the form kube-apiserver publishes at /openapi/v2, which cannot say `nullable`, `oneOf`, `anyOf`
 * or `not`: those are dropped, and a nullable or int-or-string field loses its `type` so clients accept every value.
 */
function v2CustomDefinitions(crd: CustomResourceSchema): Record<string, JsonObject> {
  const defs = customDefinitions(crd);
  return Object.fromEntries(Object.entries(defs).map(([name, schema]) => [name, toV2Schema(schema) as JsonObject]));
}

function toV2Schema(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(toV2Schema);
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  const looseType = value['nullable'] === true || value['x-kubernetes-int-or-string'] === true;
  for (const [k, v] of Object.entries(value)) {
    if (k === 'nullable' || k === 'oneOf' || k === 'anyOf' || k === 'not') continue;
    if (k === 'type' && looseType) continue;
    // `properties` and `x-kubernetes-*` maps hold names, not schema keywords: convert their values only.
    if (k === 'properties' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      out[k] = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, toV2Schema(s)]));
    } else {
      out[k] = toV2Schema(v);
    }
  }
  return out;
}
