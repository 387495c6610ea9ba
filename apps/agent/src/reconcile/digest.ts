// The digest of an application's rendered manifests: equal on every cluster that runs the same content.
import { createHash } from 'node:crypto';
import type { KubeObject } from '../kube/index.js';

/** Canonical JSON: keys sorted at every level, so the digest does not depend on key order. */
function canonical(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonical(v))).join(',')}]`;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/** SHA-256 (hex) over the canonical JSON of the objects, in the order rendered. */
export function manifestDigest(objects: readonly KubeObject[]): string {
  const hash = createHash('sha256');
  for (const object of objects) hash.update(`${canonical(object)}\n`);
  return hash.digest('hex');
}
