// The OpenAPI v2 (swagger 2.0) document served at /openapi/v2, as kubectl fetches it for validation and explain.
import { builtinDefinitions } from '../catalog.js';
import type { JsonObject, JsonValue } from '../types.js';
import { allPaths, documentInput, type DocumentInput } from './documents.js';
import type { OperationSpec } from './operations.js';
import type { CustomResourceSchema } from './served.js';

const RESPONSE_TEXT: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted' };

export interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
}

const DEFAULT_INFO: OpenApiInfo = { title: 'Kubernetes', version: 'unversioned' };
let builtinV2: { paths: JsonObject; definitions: Readonly<Record<string, JsonObject>> } | undefined;

/**
 * The swagger 2.0 document for the built-in kinds and the given custom resources, with every definition carrying its
 * `x-kubernetes-group-version-kind`. The built-in part is computed once and shared; callers that pass CRDs should
 * still cache the serialized result until their set of established CRDs changes. The document shares structure with
 * the built-in data: treat it as read-only.
 */
export function openApiV2Document(custom: readonly CustomResourceSchema[] = [], info: OpenApiInfo = DEFAULT_INFO): JsonObject {
  builtinV2 ??= { paths: pathsOf(documentInput([], 'v2').resources), definitions: builtinDefinitions() };
  let paths = builtinV2.paths;
  let definitions = builtinV2.definitions;
  if (custom.length > 0) {
    // Only the custom resources' paths and definitions are built; the built-in part is shared.
    const input = documentInput(custom, 'v2');
    paths = { ...paths, ...pathsOf(input.resources.filter((r) => r.custom)) };
    definitions = input.definitions;
  }
  return {
    swagger: '2.0',
    info: { title: info.title, version: info.version },
    paths: sortedKeys(paths),
    definitions: sortedKeys(definitions),
    securityDefinitions: { BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' } },
    security: [{ BearerToken: [] }],
  };
}

function pathsOf(resources: DocumentInput['resources']): JsonObject {
  const paths: JsonObject = {};
  for (const p of allPaths(resources)) {
    const item: JsonObject = { parameters: p.parameters.map((x) => x.v2) };
    for (const op of p.operations) item[op.method] = v2Operation(op);
    paths[p.path] = item;
  }
  return paths;
}

function sortedKeys(o: Readonly<Record<string, JsonObject | JsonValue>>): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(o).sort()) out[key] = o[key]!;
  return out;
}

function v2Operation(op: OperationSpec): JsonObject {
  const parameters: JsonObject[] = [];
  if (op.body) parameters.push({ in: 'body', name: 'body', required: op.body.required, schema: { $ref: `#/definitions/${op.body.definition}` } });
  for (const p of op.parameters) parameters.push(p.v2);
  const responses: JsonObject = {};
  for (const code of op.response.codes) {
    responses[code] = { description: RESPONSE_TEXT[code] ?? 'OK', schema: { $ref: `#/definitions/${op.response.definition}` } };
  }
  responses['401'] = { description: 'Unauthorized' };
  return {
    consumes: [...op.consumes],
    description: op.description,
    operationId: op.operationId,
    ...(parameters.length > 0 ? { parameters } : {}),
    produces: [...op.produces],
    responses,
    schemes: ['https'],
    tags: [op.tag],
    'x-kubernetes-action': op.action,
    'x-kubernetes-group-version-kind': { group: op.gvk.group, kind: op.gvk.kind, version: op.gvk.version },
  };
}
