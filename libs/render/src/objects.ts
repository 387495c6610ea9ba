// Turns decoded documents into Kubernetes objects: List kinds flattened, identity fields checked with file and line.
import { RenderError } from './errors.js';
import type { JsonObject, JsonValue, KubeObject } from './types.js';
import { decodeDocuments } from './yaml/decode.js';
import { copyPositions, lineOf } from './yaml/positions.js';

export function isObject(v: JsonValue | undefined): v is JsonObject {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);
}

/** Where an object came from, for error messages. */
export interface Origin {
  file: string;
  line: number;
}

export interface LoadedObject {
  object: KubeObject;
  origin: Origin;
}

function checkObject(v: JsonValue, file: string, line: number, what: string): KubeObject {
  if (!isObject(v)) throw new RenderError('InvalidArgument', `${what} is not a mapping`, { file, line });
  const { apiVersion, kind, metadata } = v;
  if (typeof apiVersion !== 'string' || apiVersion === '') throw new RenderError('InvalidArgument', `${what} has no apiVersion`, { file, line });
  if (typeof kind !== 'string' || kind === '') throw new RenderError('InvalidArgument', `${what} has no kind`, { file, line });
  if (!isObject(metadata)) throw new RenderError('InvalidArgument', `${what} (${kind}) has no metadata`, { file, line });
  if (typeof metadata.name !== 'string' || metadata.name === '') {
    throw new RenderError('InvalidArgument', `${what} (${kind}) has no metadata.name`, { file, line });
  }
  if (metadata.namespace !== undefined && metadata.namespace !== null && typeof metadata.namespace !== 'string') {
    throw new RenderError('InvalidArgument', `${what} (${kind} ${metadata.name}) has a non-string metadata.namespace`, { file, line });
  }
  return v as KubeObject;
}

/** Objects of one manifest file, in document order. */
export function objectsFromText(text: string, file: string, maxAliasNodes: number): LoadedObject[] {
  const out: LoadedObject[] = [];
  for (const doc of decodeDocuments(text, file, maxAliasNodes)) {
    const what = `document ${doc.index + 1}`;
    const v = doc.value;
    if (isObject(v) && typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items)) {
      const items = v.items;
      items.forEach((item, i) => {
        const line = lineOf(items, i) ?? doc.line; // an item's own line, as for a document
        out.push({ object: checkObject(item, file, line, `${what}, items[${i}]`), origin: { file, line } });
      });
      continue;
    }
    out.push({ object: checkObject(v, file, doc.line, what), origin: { file, line: doc.line } });
  }
  return out;
}

export function deepClone<T extends JsonValue>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  // Positions travel with the copy, so errors found later still name the line the value was written on.
  if (Array.isArray(v)) {
    const arr = v.map((x) => deepClone(x));
    copyPositions(v, arr);
    return arr as T;
  }
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) setOwn(out, k, deepClone(x));
  copyPositions(v, out);
  return out as T;
}

/**
 * Sets a field that came from a repository. Plain assignment of "__proto__" would replace the object's prototype; kustomize
 * keeps it as an ordinary key, so it is defined as an own property instead.
 */
export function setOwn(obj: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

/** A stable text key for any JSON value (bigint included), for equality checks. */
export function valueKey(v: JsonValue | undefined): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x)) ?? 'undefined';
}
