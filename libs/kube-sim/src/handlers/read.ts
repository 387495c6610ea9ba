// Reads and deletes through the REST API: get, list (selectors, limit/continue), delete, deletecollection.

import { ApiError, badRequest, notFound } from '../errors/index.js';
import type { PropagationPolicy } from '../store/index.js';
import type { KubeObject } from '../types/index.js';
import { groupVersion } from '../types/index.js';
import { readBody } from '../server/http.js';
import { parseDocument } from './body.js';
import type { HandlerContext } from './context.js';
import { isDryRun, present, printerColumns } from './context.js';
import { toScale } from './scale.js';
import { table, wantsTable } from './table.js';

export interface ReadResult {
  code: number;
  body: unknown;
}

function asTable(ctx: HandlerContext): boolean {
  return wantsTable(ctx.req.headers.accept);
}

export function get(ctx: HandlerContext): ReadResult {
  const obj = ctx.store.get(ctx.type, ctx.info.namespace, ctx.info.name);
  if (!obj) throw notFound(ctx.type, ctx.info.name);
  if (ctx.info.subresource === 'scale') return { code: 200, body: toScale(ctx.type, obj) };
  const out = present(obj, ctx.type, ctx.info.version);
  if (asTable(ctx)) return { code: 200, body: table(ctx.type, [out], { resourceVersion: obj.metadata.resourceVersion }, ctx.info.query.get('includeObject'), ctx.store.clock.now(), printerColumns(ctx)) };
  return { code: 200, body: out };
}

function limitOf(q: URLSearchParams): number | undefined {
  const raw = q.get('limit');
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`limit: Invalid value: ${JSON.stringify(raw)}`);
  return n || undefined;
}

export function list(ctx: HandlerContext): ReadResult {
  const q = ctx.info.query;
  const opts: Parameters<typeof ctx.store.list>[1] = {};
  if (ctx.info.namespace) opts.namespace = ctx.info.namespace;
  const ls = q.get('labelSelector');
  if (ls) opts.labelSelector = ls;
  const fs = q.get('fieldSelector');
  if (fs) opts.fieldSelector = fs;
  const limit = limitOf(q);
  if (limit) opts.limit = limit;
  const cont = q.get('continue');
  if (cont) opts.continue = cont;
  const res = ctx.store.list(ctx.type, opts);
  const metadata: Record<string, unknown> = { resourceVersion: res.resourceVersion };
  if (res.continue) metadata.continue = res.continue;
  if (res.remainingItemCount !== undefined) metadata.remainingItemCount = res.remainingItemCount;
  const items = res.items.map((o) => present(o, ctx.type, ctx.info.version));
  if (asTable(ctx)) return { code: 200, body: table(ctx.type, items, metadata, q.get('includeObject'), ctx.store.clock.now(), printerColumns(ctx)) };
  return { code: 200, body: { apiVersion: groupVersion(ctx.type.group, ctx.info.version), kind: ctx.type.listKind, metadata, items } };
}

interface DeleteBody {
  propagationPolicy?: string;
  orphanDependents?: boolean;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

interface DeleteOpts {
  policy?: PropagationPolicy;
  preconditions?: DeleteBody['preconditions'];
  dryRun: boolean;
  /** The client sent orphanDependents=false (the only case a pending delete answers 202, see handlers/delete.go). */
  cascadeRequested: boolean;
}

async function deleteOptions(ctx: HandlerContext): Promise<DeleteOpts> {
  const text = await readBody(ctx.req);
  const body = (text.trim() ? parseDocument(text, 'application/json') : {}) as DeleteBody;
  if (typeof body !== 'object' || body === null) throw badRequest('DeleteOptions must be a JSON object');
  const q = ctx.info.query;
  let policy = (q.get('propagationPolicy') ?? body.propagationPolicy) as string | undefined;
  const orphan = q.get('orphanDependents') ?? (body.orphanDependents === undefined ? undefined : String(body.orphanDependents));
  if (!policy && orphan !== undefined && orphan !== null) policy = orphan === 'true' ? 'Orphan' : 'Background';
  if (policy && !['Background', 'Foreground', 'Orphan'].includes(policy)) {
    throw new ApiError(422, 'Invalid', `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`, { kind: 'DeleteOptions', group: 'meta.k8s.io', causes: [{ reason: 'FieldValueNotSupported', message: `Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`, field: 'propagationPolicy' }] });
  }
  const dryRun = isDryRun(q) || (body.dryRun ?? []).includes('All');
  const out: DeleteOpts = { dryRun, cascadeRequested: orphan === 'false' };
  if (policy) out.policy = policy as PropagationPolicy;
  if (body.preconditions) out.preconditions = body.preconditions;
  return out;
}

/** Real registries answer a finished delete with a Status (most kinds) or the object (pods, custom resources). */
function deletedBody(ctx: HandlerContext, obj: KubeObject): unknown {
  if (!ctx.type.builtIn || (ctx.type.group === '' && ctx.type.resource === 'pods')) return present(obj, ctx.type, ctx.info.version);
  const details: Record<string, unknown> = { name: obj.metadata.name, kind: ctx.type.resource, uid: obj.metadata.uid };
  if (ctx.type.group) details.group = ctx.type.group;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}

export async function remove(ctx: HandlerContext): Promise<ReadResult> {
  const o = await deleteOptions(ctx);
  const opts: Parameters<typeof ctx.store.delete>[3] = { dryRun: o.dryRun };
  if (o.policy) opts.propagationPolicy = o.policy;
  if (o.preconditions) opts.preconditions = o.preconditions;
  const res = ctx.store.delete(ctx.type, ctx.info.namespace, ctx.info.name, opts);
  // The apiserver answers 200 with the object for a delete that waits on finalizers; 202 only when the client also
  // asked for cascading deletion the old way (orphanDependents=false), which old clients still rely on.
  if (!res.deleted) return { code: o.cascadeRequested ? 202 : 200, body: present(res.object, ctx.type, ctx.info.version) };
  return { code: 200, body: deletedBody(ctx, res.object) };
}

export async function removeCollection(ctx: HandlerContext): Promise<ReadResult> {
  const o = await deleteOptions(ctx);
  const q = ctx.info.query;
  const listOpts: Parameters<typeof ctx.store.list>[1] = {};
  if (ctx.info.namespace) listOpts.namespace = ctx.info.namespace;
  if (q.get('labelSelector')) listOpts.labelSelector = q.get('labelSelector')!;
  if (q.get('fieldSelector')) listOpts.fieldSelector = q.get('fieldSelector')!;
  const items: KubeObject[] = [];
  for (const obj of ctx.store.list(ctx.type, listOpts).items) {
    const opts: Parameters<typeof ctx.store.delete>[3] = { dryRun: o.dryRun };
    if (o.policy) opts.propagationPolicy = o.policy;
    if (!ctx.store.get(ctx.type, obj.metadata.namespace, obj.metadata.name!)) continue;
    items.push(present(ctx.store.delete(ctx.type, obj.metadata.namespace, obj.metadata.name!, opts).object, ctx.type, ctx.info.version));
  }
  return { code: 200, body: { apiVersion: groupVersion(ctx.type.group, ctx.info.version), kind: ctx.type.listKind, metadata: { resourceVersion: ctx.store.resourceVersion() }, items } };
}
