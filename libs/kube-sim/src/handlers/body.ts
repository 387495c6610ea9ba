// Decodes request bodies (JSON, or YAML where the apiserver accepts it) into objects, with the apiserver's 400s.

import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest } from '../errors/index.js';
import { canDecode, decodeObject as decodeProtobuf } from '../protobuf/index.js';
import type { KubeObject, ResourceType, TypeRegistry } from '../types/index.js';
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

/** The Go package of a built-in group's internal types, as conversion errors name them (`core.ConfigMap`). */
function internalPackage(group: string): string {
  return group === '' ? 'core' : group.split('.')[0]!;
}

/**
 * A body of another kind than the endpoint's. Built-in kinds decode into the body's own type and then fail to convert
 * to the endpoint's internal type (transformDecodeError); a kind the group does not have is not in the scheme.
 */
function kindMismatch(kind: string, version: string, apiVersion: string, t: ResourceType, types: TypeRegistry | undefined): ApiError {
  if (!t.builtIn || !types) return badRequest(`the kind in the data (${kind}) does not match the expected kind (${t.kind})`);
  const prefix = `${kind} in version ${JSON.stringify(version)} cannot be handled as a ${t.kind}`;
  if (!types.byKind(t.group, kind)) return badRequest(`${prefix}: no kind ${JSON.stringify(kind)} is registered for version ${JSON.stringify(apiVersion)} in scheme "pkg/api/legacyscheme/scheme.go:30"`);
  return badRequest(`${prefix}: converting (${version}.${kind}) to (${internalPackage(t.group)}.${t.kind}): unknown conversion`);
}

function shorten(text: string): string {
  return text.length > 1024 ? text.slice(0, 1024) + '...' : text;
}

/**
 * Decodes an object for `t` at the request's version: apiVersion and kind must be present and match the endpoint.
 * The data's apiVersion may be any version the type serves (no conversion between versions is simulated).
 */
export function decodeObject(text: string, contentType: string, t: ResourceType, version: string, types?: TypeRegistry): KubeObject {
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
  if (obj.kind !== t.kind) throw kindMismatch(obj.kind, gv.version, obj.apiVersion, t, types);
  if (obj.metadata !== undefined && (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata))) {
    throw badRequest(`json: cannot unmarshal ${Array.isArray(obj.metadata) ? 'array' : typeof obj.metadata} into Go struct field ${t.kind}.metadata of type v1.ObjectMeta`);
  }
  obj.metadata = (obj.metadata as object | undefined) ?? {};
  return obj as KubeObject;
}

/** Decodes a create/update body: JSON or YAML, or protobuf for the few core kinds kubectl creates that way. */
export function decodeRequestObject(raw: Buffer, contentType: string, t: ResourceType, version: string, types?: TypeRegistry): KubeObject {
  if (/protobuf/.test(contentType) && (t.group === '' || (t.group === 'apps' && t.kind === 'Deployment')) && canDecode(t.kind)) {
    return decodeObject(JSON.stringify(decodeProtobuf(raw)), 'application/json', t, version, types);
  }
  return decodeObject(raw.toString('utf8'), contentType, t, version, types);
}
