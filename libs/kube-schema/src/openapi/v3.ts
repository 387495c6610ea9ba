// OpenAPI v3 documents, one per group-version (/openapi/v3/apis/<group>/<version>), and their index at /openapi/v3.
import type { JsonObject, JsonValue } from '../types.js';
import { contentHash } from './hash.js';
import { allPaths, documentInput, reachable, type DocumentInput } from './documents.js';
import { groupVersionRoot, type OperationSpec, type ParameterSpec, type PathSpec } from './operations.js';
import type { CustomResourceSchema } from './served.js';

const RESPONSE_TEXT: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted' };

/** The /openapi/v3 index: each group-version's document path ("api/v1", "apis/apps/v1") and its hashed URL. */
export interface OpenApiV3Index {
  readonly paths: Readonly<Record<string, { readonly serverRelativeURL: string }>>;
}

interface Built {
  readonly docs: ReadonlyMap<string, JsonObject>;
  readonly index: OpenApiV3Index;
}

let builtinDocs: Built | undefined;
const builtinHashes = new Map<string, string>();

/**
 * The /openapi/v3 index for the built-in kinds and the given custom resources. Each URL carries a hash of its document,
 * so clients that cache by URL (kubectl does) refetch only what changed.
 */
export function openApiV3Index(custom: readonly CustomResourceSchema[] = []): OpenApiV3Index {
  return build(custom).index;
}

/**
 * The OpenAPI v3 document of one group-version, addressed as in the index ("api/v1", "apis/apps/v1"; a leading "/" or
 * "/openapi/v3/" prefix is accepted), or undefined when nothing is served there. Write operations carry the
 * `fieldValidation` parameter, which kubectl reads to leave field validation to the server. Documents are shared
 * between calls: treat them as read-only.
 */
export function openApiV3Document(groupVersionPath: string, custom: readonly CustomResourceSchema[] = []): JsonObject | undefined {
  const key = groupVersionPath.replace(/^\/?(openapi\/v3\/)?/, '').replace(/\/$/, '');
  return build(custom).docs.get(key);
}

function groupVersionKey(path: string): string {
  return path.split('/').slice(1, path.startsWith('/api/') ? 3 : 4).join('/');
}

function buildDocs(input: DocumentInput, keys?: ReadonlySet<string>): Map<string, JsonObject> {
  const byGroupVersion = new Map<string, PathSpec[]>();
  for (const path of allPaths(input.resources.filter((r) => !keys || keys.has(groupVersionRoot(r.group, r.version).slice(1))))) {
    const key = groupVersionKey(path.path);
    const list = byGroupVersion.get(key) ?? [];
    list.push(path);
    byGroupVersion.set(key, list);
  }
  const docs = new Map<string, JsonObject>();
  for (const [key, paths] of byGroupVersion) docs.set(key, groupVersionDocument(paths, input));
  return docs;
}

function indexOf(docs: ReadonlyMap<string, JsonObject>, hashes: Map<string, string>): OpenApiV3Index {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const key of [...docs.keys()].sort()) {
    let hash = hashes.get(key);
    if (hash === undefined) {
      hash = contentHash(JSON.stringify(docs.get(key)));
      hashes.set(key, hash);
    }
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
  }
  return { paths };
}

/** Built-in documents are built once; custom resources only rebuild the group-versions they are served in. */
function build(custom: readonly CustomResourceSchema[]): Built {
  if (!builtinDocs) {
    const docs = buildDocs(documentInput([], 'v3'));
    builtinDocs = { docs, index: indexOf(docs, builtinHashes) };
  }
  if (custom.length === 0) return builtinDocs;
  const input = documentInput(custom, 'v3');
  const touched = new Set(custom.map((c) => groupVersionRoot(c.group, c.version).slice(1)));
  const docs = new Map(builtinDocs.docs);
  const hashes = new Map(builtinHashes);
  for (const [key, doc] of buildDocs(input, touched)) {
    docs.set(key, doc);
    hashes.delete(key);
  }
  return { docs, index: indexOf(docs, hashes) };
}

function groupVersionDocument(pathSpecs: readonly PathSpec[], input: DocumentInput): JsonObject {
  const roots = new Set<string>();
  const paths: JsonObject = {};
  for (const p of [...pathSpecs].sort((a, b) => a.path.localeCompare(b.path))) {
    const item: JsonObject = { parameters: p.parameters.map(v3Parameter) };
    for (const op of p.operations) {
      item[op.method] = v3Operation(op);
      roots.add(op.response.definition);
      if (op.body) roots.add(op.body.definition);
    }
    paths[p.path] = item;
  }
  const schemas: JsonObject = {};
  for (const name of reachable(input.definitions, roots)) schemas[name] = toV3Schema(input.definitions[name]!);
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'unversioned' },
    paths,
    components: {
      schemas,
      securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
    },
  };
}

function v3Parameter(p: ParameterSpec): JsonObject {
  const { name, in: where, description, required, type, uniqueItems } = p.v2;
  return {
    name: name ?? p.name,
    in: where ?? p.in,
    ...(description !== undefined ? { description } : {}),
    ...(required === true ? { required: true } : {}),
    schema: { type: type ?? 'string', ...(uniqueItems === true ? { uniqueItems: true } : {}) },
  };
}

function v3Operation(op: OperationSpec): JsonObject {
  const ref = (definition: string): JsonObject => ({ schema: { $ref: `#/components/schemas/${definition}` } });
  const responses: JsonObject = {};
  for (const code of op.response.codes) {
    responses[code] = {
      description: RESPONSE_TEXT[code] ?? 'OK',
      content: Object.fromEntries(op.produces.map((mediaType) => [mediaType, ref(op.response.definition)])),
    };
  }
  responses['401'] = { description: 'Unauthorized' };
  const body = op.body;
  const requestBody: JsonObject | undefined = body
    ? {
        content: Object.fromEntries((body.patch ? op.consumes : ['*/*']).map((mediaType) => [mediaType, ref(body.definition)])),
        ...(body.required ? { required: true } : {}),
      }
    : undefined;
  return {
    tags: [op.tag],
    description: op.description,
    operationId: op.operationId,
    ...(op.parameters.length > 0 ? { parameters: op.parameters.map(v3Parameter) } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
    'x-kubernetes-action': op.action,
    'x-kubernetes-group-version-kind': { group: op.gvk.group, version: op.gvk.version, kind: op.gvk.kind },
  };
}

/**
 * v2 definitions in v3 form: references move to #/components/schemas/, and a reference with sibling keywords (a
 * description) is wrapped in allOf, as kube-apiserver's v3 documents do.
 */
function toV3Schema(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(toV3Schema);
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '$ref') continue;
    out[k] = k === 'properties' && v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, toV3Schema(s)]))
      : toV3Schema(v);
  }
  const ref = value['$ref'];
  if (typeof ref !== 'string') return out;
  const v3Ref = ref.replace('#/definitions/', '#/components/schemas/');
  return Object.keys(out).length === 0 ? { $ref: v3Ref } : { allOf: [{ $ref: v3Ref }], ...out };
}

