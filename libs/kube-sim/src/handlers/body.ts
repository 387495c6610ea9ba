// Decodes request bodies (JSON, or YAML where the apiserver accepts it) into objects, with the apiserver's 400s.

import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest } from '../errors/index.js';
import { canDecode, decodeObject as decodeProtobuf } from '../protobuf/index.js';
import type { KubeObject, ResourceType } from '../types/index.js';
import { groupVersion, parseApiVersion } from '../types/index.js';

function isYaml(contentType: string): boolean {
  return /yaml/.test(contentType);
}

/** Parses JSON or YAML into a plain value; 400 BadRequest on syntax errors. */
export function parseDocument(text: string, contentType: string): unknown {
  if (/protobuf|cbor/.test(contentType)) {
    // Only JSON and YAML are simulated; clients (client-go) switch to JSON after a 415.
    throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`);
  }
  try {
    if (isYaml(contentType)) return parseYaml(text, { uniqueKeys: false, maxAliasCount: 100 });
    return JSON.parse(text);
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw badRequest(isYaml(contentType) ? `error converting YAML to JSON: yaml: ${why}` : `couldn't get version/kind; json parse error: ${why}`);
  }
}

function shorten(text: string): string {
  return text.length > 1024 ? text.slice(0, 1024) + '...' : text;
}

/**
 * Decodes an object for `t` at the request's version: apiVersion and kind must be present and match the endpoint.
 * The data's apiVersion may be any version the type serves (no conversion between versions is simulated).
 */
export function decodeObject(text: string, contentType: string, t: ResourceType, version: string): KubeObject {
  const value = parseDocument(text, contentType);
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw badRequest(`Object 'Kind' is missing in '${shorten(text)}'`);
  const obj = value as Record<string, unknown>;
  if (typeof obj.kind !== 'string' || obj.kind === '') throw badRequest(`Object 'Kind' is missing in '${shorten(text)}'`);
  if (typeof obj.apiVersion !== 'string' || obj.apiVersion === '') throw badRequest(`Object 'apiVersion' is missing in '${shorten(text)}'`);
  const expected = groupVersion(t.group, version);
  const gv = parseApiVersion(obj.apiVersion);
  if (gv.group !== t.group || !t.versions.includes(gv.version)) {
    throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${expected})`);
  }
  if (obj.kind !== t.kind) throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${t.kind})`);
  if (obj.metadata !== undefined && (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata))) {
    throw badRequest(`json: cannot unmarshal ${Array.isArray(obj.metadata) ? 'array' : typeof obj.metadata} into Go struct field ${t.kind}.metadata of type v1.ObjectMeta`);
  }
  obj.metadata = (obj.metadata as object | undefined) ?? {};
  return obj as KubeObject;
}

/** Decodes a create/update body: JSON or YAML, or protobuf for the few core kinds kubectl creates that way. */
export function decodeRequestObject(raw: Buffer, contentType: string, t: ResourceType, version: string): KubeObject {
  if (/protobuf/.test(contentType) && (t.group === '' || (t.group === 'apps' && t.kind === 'Deployment')) && canDecode(t.kind)) {
    return decodeObject(JSON.stringify(decodeProtobuf(raw)), 'application/json', t, version);
  }
  return decodeObject(raw.toString('utf8'), contentType, t, version);
}
