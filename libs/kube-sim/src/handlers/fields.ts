// Unknown fields, as the apiserver treats them: server-side apply always rejects them; other writes follow
// `fieldValidation` (Strict: 400, Warn (default): stored without them plus a Warning header, Ignore: dropped silently).

import type { JsonValue, SchemaNode } from '@flotilla/kube-schema';
import { builtinDefinitions, pruneUnknownFields, unknownFields } from '@flotilla/kube-schema';
import { ApiError, badRequest } from '../errors/index.js';
import type { KubeObject } from '../types/index.js';
import type { HandlerContext } from './context.js';

type Mode = 'Strict' | 'Warn' | 'Ignore';

function mode(q: URLSearchParams): Mode {
  const v = q.get('fieldValidation') ?? 'Warn';
  if (v !== 'Strict' && v !== 'Warn' && v !== 'Ignore') throw badRequest(`fieldValidation: Unsupported value: "${v}": supported values: "Ignore", "Strict", "Warn"`);
  return v;
}

function warn(ctx: HandlerContext, fields: string[]): void {
  const values = fields.map((f) => `299 - ${JSON.stringify(`unknown field ${JSON.stringify(f)}`)}`);
  const existing = ctx.res.getHeader('Warning');
  ctx.res.setHeader('Warning', [...(Array.isArray(existing) ? existing : existing ? [String(existing)] : []), ...values]);
}

/** Checks a create/update/patch result against the schema; returns the object to store. */
export function settleFields(ctx: HandlerContext, obj: KubeObject, schema: SchemaNode | undefined): KubeObject {
  const m = mode(ctx.info.query);
  if (!schema) return obj;
  // Built-in kinds decode into Go structs (400 on a wrong type); custom resources are schema-validated later (422).
  if (ctx.type.builtIn) rejectWrongTypes(ctx, obj, schema);
  const unknown = unknownFields(obj as unknown as JsonValue, schema);
  if (!unknown.length) return obj;
  if (m === 'Strict') {
    throw badRequest(`${ctx.type.kind} in version "${ctx.info.version}" cannot be handled as a ${ctx.type.kind}: strict decoding error: ${unknown.map((f) => `unknown field ${JSON.stringify(f)}`).join(', ')}`);
  }
  if (m === 'Warn') warn(ctx, unknown);
  return pruneUnknownFields(obj as unknown as JsonValue, schema) as unknown as KubeObject;
}

/** Server-side apply cannot represent unknown fields: always 400, whatever fieldValidation says. */
export function rejectUnknownApplyFields(ctx: HandlerContext, config: KubeObject, schema: SchemaNode | undefined): void {
  mode(ctx.info.query);
  if (!schema) return;
  rejectWrongApplyTypes(ctx, config, schema);
  const unknown = unknownFields(config as unknown as JsonValue, schema);
  if (!unknown.length) return;
  const m = config.metadata;
  const gvk = gvkString(config.apiVersion, ctx.type.kind);
  throw badRequest(`failed to create typed patch object (${m.namespace ?? ''}/${m.name ?? ''}; ${gvk}): ${unknown.map((f) => `.${f}: field not declared in schema`).join('\n')}`);
}

interface TypeError {
  /** Dotted path with list indices, as server-side apply prints it (`spec.containers[0].image`). */
  path: string;
  /** Dotted path without indices and the Go struct holding the field, as encoding/json prints them. */
  goPath: string;
  goStruct: string;
  got: string;
  value: unknown;
  expected: 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';
  format?: string;
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : typeof v;
}

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
let definitionNames: Map<unknown, string> | undefined;

/** The Go type name of a built-in definition (`io.k8s.api.apps.v1.DeploymentSpec` -> `DeploymentSpec`), by identity. */
function goTypeName(schema: unknown): string | undefined {
  definitionNames ??= new Map(Object.entries(builtinDefinitions()).map(([name, def]) => [def, name.slice(name.lastIndexOf('.') + 1)]));
  return definitionNames.get(schema);
}

/** Quantity and IntOrString decode from JSON numbers and strings alike; every other string field takes strings only. */
function numberOrString(node: SchemaNode): boolean {
  return node.schema['format'] === 'int-or-string' || node.schema['x-kubernetes-int-or-string'] === true || node.schema === builtinDefinitions()[QUANTITY];
}

interface Where {
  path: string;
  goPath: string;
  goStruct: string;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** Values whose JSON type cannot decode into the schema's type (null is always allowed: Go decodes it as unset). */
export function typeErrors(value: unknown, node: SchemaNode, where: Where = { path: '', goPath: '', goStruct: '' }): TypeError[] {
  if (value === null || value === undefined || node.shape === 'unknown') return [];
  const got = jsonKind(value);
  const fail = (expected: TypeError['expected'], format?: string): TypeError[] => [{ ...where, got, value, expected, ...(format ? { format } : {}) }];
  if (node.shape === 'struct' || node.shape === 'map') {
    if (got !== 'object') return fail('object');
    const struct = node.shape === 'struct' ? (goTypeName(node.schema) ?? where.goStruct) : where.goStruct;
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
      if (!node.allowsField(k)) return [];
      // encoding/json names the struct field and never a map key.
      const goPath = node.shape === 'struct' ? join(where.goPath, k) : where.goPath;
      return typeErrors(v, node.field(k), { path: join(where.path, k), goPath, goStruct: struct });
    });
  }
  if (node.shape === 'list') {
    if (got !== 'array') return fail('array');
    const item = node.item();
    return (value as unknown[]).flatMap((v, i) => typeErrors(v, item, { ...where, path: `${where.path}[${i}]` }));
  }
  const type = node.schema['type'];
  const format = typeof node.schema['format'] === 'string' ? (node.schema['format'] as string) : undefined;
  if (numberOrString(node)) return got === 'number' || got === 'string' ? [] : fail('string');
  if (type === 'integer' || type === 'number') return got === 'number' ? [] : fail(type, format);
  if (type === 'boolean') return got === 'bool' ? [] : fail('boolean');
  if (type === 'string') return got === 'string' ? [] : fail('string');
  return [];
}

function goType(e: TypeError): string {
  if (e.expected === 'integer') return e.format ?? 'int64';
  if (e.expected === 'number') return 'float64';
  if (e.expected === 'boolean') return 'bool';
  if (e.expected === 'object') return 'struct';
  if (e.expected === 'array') return 'slice';
  return 'string';
}

function decodeError(e: TypeError): string {
  return `json: cannot unmarshal ${e.got} into Go struct field ${e.goStruct}.${e.goPath} of type ${goType(e)}`;
}

/** The reflect kind of a decoded JSON value in runtime.DefaultUnstructuredConverter (whole numbers are int64). */
function goKind(v: unknown, container: boolean): string {
  if (Array.isArray(v)) return container ? 'slice' : '[]interface {}';
  if (v && typeof v === 'object') return container ? 'map' : 'map[string]interface {}';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  return typeof v === 'boolean' ? 'bool' : 'string';
}

/** The unstructured converter's wording (strategic merge patches convert a map, not JSON). */
function convertError(e: TypeError): string {
  if (e.expected === 'object') return `cannot restore struct from: ${goKind(e.value, true)}`;
  if (e.expected === 'array') return `cannot restore slice from ${goKind(e.value, true)}`;
  return `cannot convert ${goKind(e.value, false)} to ${goType(e)}`;
}

/** Go's %+v of a decoded JSON value, as patch.go prints a strategic merge patch map. */
function goPlus(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goPlus).join(' ')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `map[${entries.map(([k, x]) => `${k}:${goPlus(x)}`).join(' ')}]`;
  }
  return v === null ? '<nil>' : String(v);
}

/**
 * A JSON, merge or strategic patch whose result does not decode: patch.go answers 422 Invalid on the field `patch`,
 * with the patched object (JSON and merge patches) or the patch map (strategic) as the bad value.
 */
export function rejectWrongPatchedTypes(ctx: HandlerContext, patched: KubeObject, patch: unknown, strategic: boolean, schema: SchemaNode | undefined): void {
  if (!schema || !ctx.type.builtIn) return;
  const e = typeErrors(patched, schema)[0];
  const unknown = e || mode(ctx.info.query) !== 'Strict' ? [] : unknownFields(patched as unknown as JsonValue, schema);
  if (!e && !unknown.length) return;
  // Under fieldValidation=Strict the strict decoding error takes the same shape (patch.go's strict decode branch).
  const why = e ? (strategic ? convertError(e) : decodeError(e)) : `strict decoding error: ${unknown.map((f) => `unknown field ${JSON.stringify(f)}`).join(', ')}`;
  const bad = strategic ? goPlus(patch) : JSON.stringify(patched);
  const body = `Invalid value: ${JSON.stringify(bad)}: ${why}`;
  throw new ApiError(422, 'Invalid', ` "" is invalid: patch: ${body}`, { causes: [{ reason: 'FieldValueInvalid', message: body, field: 'patch' }] });
}

/** 400 like the apiserver's JSON decoder when a value has the wrong JSON type. */
export function rejectWrongTypes(ctx: HandlerContext, obj: KubeObject, schema: SchemaNode | undefined): void {
  if (!schema) return;
  const errors = typeErrors(obj, schema);
  if (!errors.length) return;
  const e = errors[0]!;
  throw badRequest(`${ctx.type.kind} in version "${ctx.info.version}" cannot be handled as a ${ctx.type.kind}: ${decodeError(e)}`);
}

/** schema.GroupVersionKind.String(): the core group prints as an empty group (`/v1, Kind=ConfigMap`). */
function gvkString(apiVersion: string, kind: string): string {
  return `${apiVersion.includes('/') ? apiVersion : `/${apiVersion}`}, Kind=${kind}`;
}

/** Go's %#v of a structured-merge-diff unstructured value. */
function goValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return Array.isArray(v) ? '[]interface {}{...}' : 'map[string]interface {}{...}';
}

/** structured-merge-diff's validateScalar and walker wording. */
function smdProblem(e: TypeError): string {
  if (e.expected === 'integer' || e.expected === 'number') return `expected numeric (int or float), got ${e.got === 'number' ? 'float64' : e.got === 'object' ? 'map[string]interface {}' : e.got === 'array' ? '[]interface {}' : e.got}`;
  if (e.expected === 'string') return `expected string, got &value.valueUnstructured{Value:${goValue(e.value)}}`;
  if (e.expected === 'boolean') return `expected boolean, got &{${typeof e.value === 'string' ? e.value : goValue(e.value)}}`;
  if (e.expected === 'object') return `expected map, got ${e.got}`;
  return `expected list, got ${e.got}`;
}

/** Server-side apply's typed conversion errors: `.spec.replicas: expected numeric (int or float), got string`. */
export function rejectWrongApplyTypes(ctx: HandlerContext, config: KubeObject, schema: SchemaNode | undefined): void {
  if (!schema) return;
  const errors = typeErrors(config, schema);
  if (!errors.length) return;
  const m = config.metadata;
  throw badRequest(`failed to create typed patch object (${m.namespace ?? ''}/${m.name ?? ''}; ${gvkString(config.apiVersion, ctx.type.kind)}): ${errors.map((e) => `.${e.path}: ${smdProblem(e)}`).join('\n')}`);
}
