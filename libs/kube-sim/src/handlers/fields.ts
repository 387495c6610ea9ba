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
  const unknown = unknownFields(config as unknown as JsonValue, schema);
  if (!unknown.length) return;
  const m = config.metadata;
  const gvk = `${config.apiVersion}, Kind=${ctx.type.kind}`;
  throw badRequest(`failed to create typed patch object (${m.namespace ?? ''}/${m.name ?? ''}; ${gvk}): ${unknown.map((f) => `.${f}: field not declared in schema`).join('\n')}`);
}
