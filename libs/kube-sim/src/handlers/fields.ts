// Unknown fields, as the apiserver treats them: server-side apply always rejects them; other writes follow
// `fieldValidation` (Strict: 400, Warn (default): stored without them plus a Warning header, Ignore: dropped silently).

import type { JsonValue, SchemaNode } from '@flotilla/kube-schema';
import { pruneUnknownFields, unknownFields } from '@flotilla/kube-schema';
import { badRequest } from '../errors/index.js';
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
  const gvk = `${config.apiVersion}, Kind=${ctx.type.kind}`;
  throw badRequest(`failed to create typed patch object (${m.namespace ?? ''}/${m.name ?? ''}; ${gvk}): ${unknown.map((f) => `.${f}: field not declared in schema`).join('\n')}`);
}

interface TypeError {
  path: string;
  got: string;
  expected: 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';
  format?: string;
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : typeof v;
}

/** Values whose JSON type cannot decode into the schema's type (null is always allowed: Go decodes it as unset). */
export function typeErrors(value: unknown, node: SchemaNode, path = ''): TypeError[] {
  if (value === null || value === undefined || node.shape === 'unknown') return [];
  const got = jsonKind(value);
  if (node.shape === 'struct' || node.shape === 'map') {
    if (got !== 'object') return [{ path, got, expected: 'object' }];
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => (node.allowsField(k) ? typeErrors(v, node.field(k), path ? `${path}.${k}` : k) : []));
  }
  if (node.shape === 'list') {
    if (got !== 'array') return [{ path, got, expected: 'array' }];
    const item = node.item();
    return (value as unknown[]).flatMap((v, i) => typeErrors(v, item, `${path}[${i}]`));
  }
  const type = node.schema['type'];
  const format = typeof node.schema['format'] === 'string' ? (node.schema['format'] as string) : undefined;
  if (format === 'int-or-string' || node.schema['x-kubernetes-int-or-string'] === true) return got === 'number' || got === 'string' ? [] : [{ path, got, expected: 'string' }];
  if (type === 'integer' || type === 'number') return got === 'number' ? [] : [{ path, got, expected: type, ...(format ? { format } : {}) }];
  if (type === 'boolean') return got === 'bool' ? [] : [{ path, got, expected: 'boolean' }];
  // Strings also take numbers: quantities ("cpu: 1") are strings in the schema.
  if (type === 'string') return got === 'string' || got === 'number' ? [] : [{ path, got, expected: 'string' }];
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

/** 400 like the apiserver's JSON decoder when a value has the wrong JSON type. */
export function rejectWrongTypes(ctx: HandlerContext, obj: KubeObject, schema: SchemaNode | undefined): void {
  if (!schema) return;
  const errors = typeErrors(obj, schema);
  if (!errors.length) return;
  const e = errors[0]!;
  throw badRequest(`${ctx.type.kind} in version "${ctx.info.version}" cannot be handled as a ${ctx.type.kind}: json: cannot unmarshal ${e.got} into Go struct field ${e.path} of type ${goType(e)}`);
}

function smdExpected(e: TypeError): string {
  if (e.expected === 'integer' || e.expected === 'number') return 'numeric (int or float)';
  if (e.expected === 'object') return 'map';
  if (e.expected === 'array') return 'list';
  return e.expected;
}

/** Server-side apply's typed conversion errors: `.spec.replicas: expected numeric (int or float), got string`. */
export function rejectWrongApplyTypes(ctx: HandlerContext, config: KubeObject, schema: SchemaNode | undefined): void {
  if (!schema) return;
  const errors = typeErrors(config, schema);
  if (!errors.length) return;
  const m = config.metadata;
  throw badRequest(`failed to create typed patch object (${m.namespace ?? ''}/${m.name ?? ''}; ${config.apiVersion}, Kind=${ctx.type.kind}): ${errors.map((e) => `.${e.path}: expected ${smdExpected(e)}, got ${e.got}`).join('\n')}`);
}
