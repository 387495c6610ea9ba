// Writes through the REST API: create, update (PUT), patch (four content types), for the object and its
// status and scale subresources, with dryRun and managedFields, answering like the apiserver.

import { serverSideApply, trackUpdate } from '../apply/index.js';
import type { OwnershipContext } from '../apply/index.js';
import { ApiError, badRequest, invalid, fieldCause, notFound } from '../errors/index.js';
import { jsonPatch, mergePatch } from '../patch/index.js';
import { clone } from '../store/meta.js';
import type { KubeObject } from '../types/index.js';
import { groupVersion } from '../types/index.js';
import { readBody, readRawBody } from '../server/http.js';
import { decodeObject, decodeRequestObject, parseDocument } from './body.js';
import type { HandlerContext } from './context.js';
import { fieldManagerFor, isDryRun } from './context.js';
import { fromScale, toScale } from './scale.js';
import { listTypesFrom, schemaOf } from '../schema/index.js';
import { validateKind } from '../validation/index.js';
import { validateCustom } from '../validation/custom.js';
import { allocate, applyDefaults, defaultPorts } from '../defaults/index.js';
import { rejectUnknownApplyFields, rejectWrongPatchedTypes, settleFields } from './fields.js';
import { strategicPatch } from './strategic.js';

export interface WriteResult {
  code: number;
  object: KubeObject;
}

function ownership(ctx: HandlerContext): OwnershipContext {
  const o: OwnershipContext = {
    type: ctx.type,
    apiVersion: groupVersion(ctx.type.group, ctx.info.version),
    now: ctx.store.clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    listTypes: listTypesFrom(schemaOf(ctx.store, ctx.type, ctx.info.version)),
  };
  if (ctx.info.subresource === 'status') o.subresource = 'status';
  return o;
}

/** Checks the body's namespace against the URL's and fills it in, like the apiserver's EnsureObjectNamespaceMatchesRequestNamespace. */
function settleNamespace(ctx: HandlerContext, obj: KubeObject): void {
  const urlNs = ctx.info.namespace;
  if (!ctx.type.namespaced) {
    delete obj.metadata.namespace;
    return;
  }
  const bodyNs = obj.metadata.namespace;
  if (bodyNs && urlNs && bodyNs !== urlNs) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  obj.metadata.namespace = urlNs ?? bodyNs;
}

function checkName(ctx: HandlerContext, obj: KubeObject): void {
  const name = obj.metadata.name;
  if (!name) throw invalid(ctx.type.kind, ctx.type.group, '', [fieldCause('FieldValueRequired', 'metadata.name', 'name is required')]);
  if (ctx.info.name && name !== ctx.info.name) throw badRequest(`the name of the object (${name}) does not match the name on the URL (${ctx.info.name})`);
}

/** The CRD handler refuses creates (and only creates) while the resource's definition is being deleted. */
function refuseWhileCrdTerminates(ctx: HandlerContext): void {
  if (ctx.type.builtIn) return;
  const crd = ctx.store.get({ group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' }, undefined, `${ctx.type.resource}.${ctx.type.group}`);
  if (!crd?.metadata.deletionTimestamp) return;
  throw new ApiError(405, 'MethodNotAllowed', 'create not allowed while custom resource definition is terminating', { group: ctx.type.group, kind: ctx.type.resource });
}

export async function create(ctx: HandlerContext): Promise<WriteResult> {
  if (ctx.info.name) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  refuseWhileCrdTerminates(ctx);
  const decoded = decodeRequestObject(await readRawBody(ctx.req), String(ctx.req.headers['content-type'] ?? 'application/json'), ctx.type, ctx.info.version, ctx.store.types);
  const obj = settleFields(ctx, decoded, schemaOf(ctx.store, ctx.type, ctx.info.version));
  settleNamespace(ctx, obj);
  const dryRun = isDryRun(ctx.info.query);
  delete obj.metadata.managedFields;
  // Kinds with a status subresource start with an empty status whatever the request says (PrepareForCreate).
  if (ctx.type.status && !(ctx.type.group === '' && ctx.type.resource === 'namespaces')) delete obj.status;
  applyDefaults(ctx.type, obj);
  allocate(ctx.store, ctx.type, obj, undefined);
  validateKind(ctx.type, obj);
  validateCustom(ctx.store, ctx.type, obj, ctx.info.version);
  const tracked = trackUpdate(undefined, obj, fieldManagerFor(ctx), ownership(ctx));
  return { code: 201, object: ctx.store.create(ctx.type, tracked, { dryRun }) };
}

function current(ctx: HandlerContext): KubeObject {
  const obj = ctx.store.get(ctx.type, ctx.info.namespace, ctx.info.name);
  if (!obj) throw notFound(ctx.type, ctx.info.name);
  return obj;
}

/** Stores `next` (the full new object) through the right subresource path, tracking ownership by `manager`. */
function store(ctx: HandlerContext, old: KubeObject, input: KubeObject, manager: string | undefined, dryRun: boolean): KubeObject {
  const sub = ctx.info.subresource;
  const next = clone(input);
  if (sub !== 'status') {
    applyDefaults(ctx.type, next);
    allocate(ctx.store, ctx.type, next, old);
    validateKind(ctx.type, next, old);
    validateCustom(ctx.store, ctx.type, next, ctx.info.version);
  }
  const tracked = manager ? trackUpdate(old, next, manager, ownership(ctx)) : next;
  if (sub === 'status') {
    const opts = tracked.metadata.managedFields ? { dryRun, managedFields: tracked.metadata.managedFields } : { dryRun };
    return ctx.store.updateStatus(ctx.type, tracked, opts);
  }
  return ctx.store.update(ctx.type, tracked, { dryRun });
}

export async function update(ctx: HandlerContext): Promise<WriteResult> {
  const raw = await readRawBody(ctx.req);
  const contentType = String(ctx.req.headers['content-type'] ?? 'application/json');
  const dryRun = isDryRun(ctx.info.query);
  const old = current(ctx);
  if (ctx.info.subresource === 'scale') {
    const scale = parseDocument(raw.toString('utf8'), contentType) as KubeObject;
    return { code: 200, object: toScale(ctx.type, store(ctx, old, fromScale(ctx.type, old, scale), fieldManagerFor(ctx), dryRun)) };
  }
  const obj = settleFields(ctx, decodeRequestObject(raw, contentType, ctx.type, ctx.info.version, ctx.store.types), schemaOf(ctx.store, ctx.type, ctx.info.version));
  settleNamespace(ctx, obj);
  checkName(ctx, obj);
  obj.metadata.managedFields = old.metadata.managedFields;
  return { code: 200, object: store(ctx, old, obj, fieldManagerFor(ctx), dryRun) };
}

const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml', 'application/apply-patch+cbor'];

export async function patch(ctx: HandlerContext): Promise<WriteResult> {
  const contentType = String(ctx.req.headers['content-type'] ?? '').split(';')[0]!.trim();
  if (!PATCH_TYPES.includes(contentType) || contentType === 'application/apply-patch+cbor' || (contentType === 'application/strategic-merge-patch+json' && !ctx.type.builtIn)) {
    throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml${ctx.type.builtIn ? ', application/strategic-merge-patch+json' : ''}`);
  }
  const text = await readBody(ctx.req);
  const dryRun = isDryRun(ctx.info.query);
  const q = ctx.info.query;
  const force = q.get('force') === 'true';
  if (contentType === 'application/apply-patch+yaml') return apply(ctx, text, force, dryRun);
  if (q.has('force')) throw invalid('PatchOptions', 'meta.k8s.io', '', [fieldCause('FieldValueForbidden', 'force', 'may not be specified for non-apply patch')]);
  const old = current(ctx);
  const patchDoc = parseDocument(text, 'application/json');
  const base: unknown = ctx.info.subresource === 'scale' ? toScale(ctx.type, old) : clone(old);
  let patched: unknown;
  if (contentType === 'application/json-patch+json') patched = jsonPatch(base, patchDoc);
  else if (contentType === 'application/merge-patch+json') patched = mergePatch(base, patchDoc);
  else patched = strategicPatch(ctx.type, ctx.info.version, base, patchDoc);
  if (!patched || typeof patched !== 'object' || Array.isArray(patched)) throw badRequest('the patch produced an object that is not a JSON object');
  let next = patched as KubeObject;
  if (ctx.info.subresource === 'scale') next = fromScale(ctx.type, old, next);
  else {
    const schema = schemaOf(ctx.store, ctx.type, ctx.info.version);
    rejectWrongPatchedTypes(ctx, next, patchDoc, contentType === 'application/strategic-merge-patch+json', schema);
    next = settleFields(ctx, next, schema);
  }
  next.metadata = next.metadata ?? {};
  if (next.metadata.name !== old.metadata.name) throw badRequest(`the name of the object (${String(next.metadata.name)}) does not match the name on the URL (${ctx.info.name})`);
  if (ctx.type.namespaced && next.metadata.namespace !== old.metadata.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  next.apiVersion = old.apiVersion;
  next.kind = old.kind;
  const stored = store(ctx, old, next, fieldManagerFor(ctx), dryRun);
  return { code: 200, object: ctx.info.subresource === 'scale' ? toScale(ctx.type, stored) : stored };
}

async function apply(ctx: HandlerContext, text: string, force: boolean, dryRun: boolean): Promise<WriteResult> {
  const manager = ctx.info.query.get('fieldManager');
  if (!manager) throw invalid('PatchOptions', 'meta.k8s.io', '', [fieldCause('FieldValueRequired', 'fieldManager', 'is required for apply patch')]);
  const config = decodeObject(text, 'application/yaml', ctx.type, ctx.info.version);
  settleNamespace(ctx, config);
  rejectUnknownApplyFields(ctx, config, schemaOf(ctx.store, ctx.type, ctx.info.version));
  if (!config.metadata.name) config.metadata.name = ctx.info.name;
  checkName(ctx, config);
  if (config.metadata.managedFields !== undefined) {
    throw badRequest('metadata.managedFields must be nil');
  }
  if (ctx.type.builtIn) defaultListKeys(config);
  const live = ctx.store.get(ctx.type, ctx.info.namespace, ctx.info.name);
  const own = ownership(ctx);
  if (!live) {
    if (ctx.info.subresource) throw notFound(ctx.type, ctx.info.name);
    const created = clone(serverSideApply(undefined, config, manager, force, own));
    applyDefaults(ctx.type, created);
    allocate(ctx.store, ctx.type, created, undefined);
    validateKind(ctx.type, created);
    validateCustom(ctx.store, ctx.type, created, ctx.info.version);
    return { code: 201, object: ctx.store.create(ctx.type, created, { dryRun }) };
  }
  const rv = config.metadata.resourceVersion;
  const next = serverSideApply(live, config, manager, force, own);
  next.metadata.resourceVersion = rv ?? live.metadata.resourceVersion;
  return { code: 200, object: store(ctx, live, next, undefined, dryRun) };
}

/** Server-side apply defaults the keys of associative lists (a port's protocol) before it compares items. */
function defaultListKeys(value: unknown): void {
  if (Array.isArray(value)) value.forEach(defaultListKeys);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'ports') defaultPorts(v);
      defaultListKeys(v);
    }
  }
}
