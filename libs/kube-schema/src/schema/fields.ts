// Unknown fields: what kube-apiserver reports under fieldValidation=Strict (an error) or Warn (a warning), and drops
// from what it stores.
import type { JsonObject, JsonValue } from '../types.js';
import type { SchemaNode } from './node.js';

function isObject(v: JsonValue): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/**
 * The fields of `value` its schema does not declare, named as kube-apiserver names them in
 * `unknown field "spec.template.spec.containers[0].imagePullPolicyy"`.
 */
export function unknownFields(value: JsonValue, node: SchemaNode): string[] {
  const out: string[] = [];
  walk(value, node, '', (path) => out.push(path));
  return out;
}

/** A copy of `value` without the fields its schema does not declare, as kube-apiserver stores an object. */
export function pruneUnknownFields(value: JsonValue, node: SchemaNode): JsonValue {
  const copy = structuredClone(value);
  walk(copy, node, '', (_path, parent, key) => delete parent[key]);
  return copy;
}

function walk(value: JsonValue, node: SchemaNode, path: string, found: (path: string, parent: JsonObject, key: string) => void): void {
  if (node.shape === 'list' && Array.isArray(value)) {
    const item = node.item();
    value.forEach((v, i) => walk(v, item, `${path}[${i}]`, found));
  } else if ((node.shape === 'struct' || node.shape === 'map' || node.shape === 'unknown') && isObject(value)) {
    for (const key of Object.keys(value)) {
      const child = join(path, key);
      if (!node.allowsField(key)) found(child, value, key);
      else walk(value[key]!, node.field(key), child, found);
    }
  }
}
