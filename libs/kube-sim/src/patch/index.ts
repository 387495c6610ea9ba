// JSON merge patch (RFC 7386) and JSON patch (RFC 6902), as the apiserver applies them to an object's JSON.

import { ApiError, badRequest } from '../errors/index.js';
import { deepEqual } from '../store/meta.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

interface Op {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`the server rejected our request due to an error in our request`);
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, parts: string[]): { parent: Json; key: string } {
  let cur: Json = doc;
  for (const p of parts.slice(0, -1)) {
    const next: Json | undefined = Array.isArray(cur) ? cur[Number(p)] : isObject(cur) ? (cur as Record<string, Json>)[p] : undefined;
    if (next === undefined) throw patchFailed();
    cur = next;
  }
  return { parent: cur, key: parts[parts.length - 1]! };
}

/**
 * A JSON patch that cannot apply: the apiserver answers NewGenericServerResponse(422, ...) without causes, so the
 * library's reason (missing path, failed test) never reaches the client.
 */
function patchFailed(): ApiError {
  return new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
}

function read(doc: Json, path: string): Json {
  let cur: Json = doc;
  for (const p of pointer(path)) {
    const next: Json | undefined = Array.isArray(cur) ? cur[Number(p)] : isObject(cur) ? (cur as Record<string, Json>)[p] : undefined;
    if (next === undefined) throw patchFailed();
    cur = next;
  }
  return cur;
}

function add(doc: Json, path: string, value: Json): Json {
  const parts = pointer(path);
  if (!parts.length) return value;
  const { parent, key } = parentOf(doc, parts);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(i) || i < 0 || i > parent.length) throw patchFailed();
    parent.splice(i, 0, value);
  } else if (isObject(parent)) (parent as Record<string, Json>)[key] = value;
  else throw patchFailed();
  return doc;
}

function remove(doc: Json, path: string): Json {
  const parts = pointer(path);
  const { parent, key } = parentOf(doc, parts);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!Number.isInteger(i) || i < 0 || i >= parent.length) throw patchFailed();
    parent.splice(i, 1);
  } else if (isObject(parent) && key in parent) delete (parent as Record<string, Json>)[key];
  else throw patchFailed();
  return doc;
}

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = structuredClone(target) as Json;
  for (const raw of ops as Op[]) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') throw badRequest('the server rejected our request due to an error in our request');
    const value = raw.value as Json;
    switch (raw.op) {
      case 'add':
        doc = add(doc, raw.path, structuredClone(value));
        break;
      case 'remove':
        doc = remove(doc, raw.path);
        break;
      case 'replace':
        read(doc, raw.path);
        doc = add(remove(doc, raw.path), raw.path, structuredClone(value));
        break;
      case 'move': {
        const v = read(doc, raw.from ?? '');
        doc = add(remove(doc, raw.from ?? ''), raw.path, v);
        break;
      }
      case 'copy':
        doc = add(doc, raw.path, structuredClone(read(doc, raw.from ?? '')));
        break;
      case 'test':
        // json-patch compares decoded values: key order does not matter.
        if (!deepEqual(read(doc, raw.path), value)) throw patchFailed();
        break;
      default:
        throw badRequest(`Unexpected kind: ${raw.op}`);
    }
  }
  return doc;
}
