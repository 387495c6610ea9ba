// Routes one request of one cluster: health and version, authentication, discovery and OpenAPI, authorization,
// then the resource verbs. Every failure becomes the apiserver's Status body; nothing thrown escapes.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator, User } from '../auth/index.js';
import { forbiddenFor, isPublicPath } from '../auth/index.js';
import { can } from '../auth/rbac.js';
import { decodeAccessReview, decodeRulesReview, decodeTokenRequest } from '../protobuf/index.js';
import { selfSubjectAccessReview, selfSubjectRulesReview } from '../auth/review.js';
import { AGGREGATED_CONTENT_TYPE, aggregated, apiGroup, apiGroupList, apiResourceList, apiVersions, findGroup, wantsAggregated } from '../discovery/index.js';
import { OPENAPI_V2_PROTOBUF_MEDIA_TYPE } from '@flotilla/kube-schema';
import { openApiV2, openApiV2Proto, openApiV3 } from '../discovery/openapi.js';
import { ApiError } from '../errors/index.js';
import type { HandlerContext } from '../handlers/context.js';
import { present } from '../handlers/context.js';
import { parseDocument } from '../handlers/body.js';
import { get, list, remove, removeCollection } from '../handlers/read.js';
import { create, patch, update } from '../handlers/write.js';
import type { ObjectStore } from '../store/index.js';
import { watch } from '../watch/index.js';
import { notServed, readRawBody, sendError, sendJson, sendText } from './http.js';
import type { RequestInfo } from './request-info.js';
import { requestInfo } from './request-info.js';

// The version of the schema snapshot the simulator validates against (@flotilla/kube-schema, generated from v1.29):
// claiming a newer server would let clients send 1.30+ fields that the simulator then rejects.
export const VERSION_INFO = {
  major: '1',
  minor: '29',
  gitVersion: 'v1.29.0',
  gitCommit: '3f7a50f38688eb332e2a1b013678c6435d539ae6',
  gitTreeState: 'clean',
  buildDate: '2023-12-13T08:45:03Z',
  goVersion: 'go1.21.5',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** What a fault injector may decide for a request before it is served (see SimulatedCluster.intercept). */
export interface Interception {
  /** Answer with this error instead of serving. */
  error?: ApiError;
  /** Serve after this many milliseconds of the cluster's clock (a FakeClock holds the request until advanced). */
  delayMs?: number;
  /** A watch request: open the stream and end it at once, with no events, as a dropped connection would. */
  endWatch?: boolean;
}

export type Interceptor = (req: { method: string; info: RequestInfo }) => Interception | undefined;

export interface RouterState {
  store: ObjectStore;
  auth: Authenticator;
  /** Issues a token for a ServiceAccount (the serviceaccounts/token subresource). */
  issueServiceAccountToken: (namespace: string, name: string) => string;
  serverAddress: () => string;
  interceptors: Set<Interceptor>;
  watches: Set<ServerResponse>;
}

export function route(state: RouterState, req: IncomingMessage, res: ServerResponse): void {
  const method = req.method ?? 'GET';
  let info: RequestInfo;
  try {
    info = requestInfo(method, req.url ?? '/');
  } catch (_e) {
    sendError(res, new ApiError(400, 'BadRequest', 'malformed request path'));
    return;
  }
  let decision: Interception | undefined;
  for (const i of state.interceptors) decision ??= i({ method, info });
  const serve = (): void => {
    if (decision?.error) return sendError(res, decision.error);
    serveRequest(state, req, res, info, decision?.endWatch === true).catch((e: unknown) => sendError(res, e));
  };
  if (decision?.delayMs) state.store.clock.after(decision.delayMs, serve);
  else serve();
}

async function serveRequest(state: RouterState, req: IncomingMessage, res: ServerResponse, info: RequestInfo, endWatch: boolean): Promise<void> {
  const path = info.path.replace(/\/+$/, '') || '/';
  if (path === '/healthz' || path === '/livez' || path === '/readyz') return sendText(res, 200, 'ok');
  if (path === '/version') return sendJson(res, 200, VERSION_INFO);
  const user = state.auth.authenticate(req.headers.authorization);
  if (!info.isResourceRequest) {
    if (!isPublicPath(path) && !can(state.store, user, { verb: info.verb, isResourceRequest: false, path, group: '', resource: '', subresource: '', name: '' })) {
      throw forbiddenFor(user, { verb: (req.method ?? 'get').toLowerCase(), isResourceRequest: false, path, group: '', resource: '', subresource: '', name: '' });
    }
    return serveNonResource(state, req, res, path);
  }
  authorize(state.store, user, info);
  const type = state.store.types.get(info.group, info.resource);
  if (!type || !type.versions.includes(info.version)) throw notServed();
  if (type.group === 'authorization.k8s.io' && (type.resource === 'selfsubjectaccessreviews' || type.resource === 'selfsubjectrulesreviews')) {
    if (info.verb !== 'create') throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    const contentType = String(req.headers['content-type'] ?? 'application/json');
    const rules = type.resource === 'selfsubjectrulesreviews';
    const raw = await readRawBody(req);
    const body = /protobuf/.test(contentType) ? (rules ? decodeRulesReview(raw) : decodeAccessReview(raw)) : parseDocument(raw.toString('utf8'), contentType);
    return sendJson(res, 201, rules ? selfSubjectRulesReview(state.store, user, body) : selfSubjectAccessReview(state.store, user, body));
  }
  if (!type.namespaced && info.namespace !== undefined) throw notServed();
  if (type.namespaced && info.namespace === undefined && !['list', 'watch'].includes(info.verb)) {
    if (info.name) throw notServed();
    throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  }
  const sub = info.subresource;
  if (type.group === '' && type.resource === 'serviceaccounts' && sub === 'token') {
    if (info.verb !== 'create') throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    const contentType = String(req.headers['content-type'] ?? 'application/json');
    const raw = await readRawBody(req);
    const body = /protobuf/.test(contentType) ? decodeTokenRequest(raw) : parseDocument(raw.toString('utf8'), contentType);
    return sendJson(res, 201, tokenRequest(state, info.namespace!, info.name, body));
  }
  if (sub && !((sub === 'status' && type.status) || (sub === 'scale' && type.scale))) throw notServed();
  if (sub && !['get', 'update', 'patch'].includes(info.verb)) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  const ctx: HandlerContext = { store: state.store, req, res, info, user, type };
  switch (info.verb) {
    case 'get': {
      const r = get(ctx);
      return sendJson(res, r.code, r.body);
    }
    case 'list': {
      const r = list(ctx);
      return sendJson(res, r.code, r.body);
    }
    case 'watch':
      if (endWatch) {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
        res.end();
        return;
      }
      state.watches.add(res);
      res.on('close', () => state.watches.delete(res));
      return watch(ctx);
    case 'create':
    case 'update':
    case 'patch': {
      const r = info.verb === 'create' ? await create(ctx) : info.verb === 'update' ? await update(ctx) : await patch(ctx);
      const body = r.object.kind === 'Scale' ? r.object : present(r.object, type, info.version);
      return sendJson(res, r.code, body);
    }
    case 'delete': {
      const r = await remove(ctx);
      return sendJson(res, r.code, r.body);
    }
    case 'deletecollection': {
      const r = await removeCollection(ctx);
      return sendJson(res, r.code, r.body);
    }
    default:
      throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  }
}

/** TokenRequest for an existing ServiceAccount: a bearer token whose rights come from RBAC (expiry not enforced). */
function tokenRequest(state: RouterState, namespace: string, name: string, body: unknown): object {
  state.store.mustGet({ group: '', resource: 'serviceaccounts' }, namespace, name);
  const spec = ((body as { spec?: { audiences?: string[]; expirationSeconds?: number } } | undefined)?.spec ?? {}) as { audiences?: string[]; expirationSeconds?: number };
  const expirationSeconds = spec.expirationSeconds ?? 3600;
  const expiry = new Date(state.store.clock.now().getTime() + expirationSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace, creationTimestamp: null },
    spec: { audiences: spec.audiences ?? ['https://kubernetes.default.svc.cluster.local'], expirationSeconds, boundObjectRef: null },
    status: { token: state.issueServiceAccountToken(namespace, name), expirationTimestamp: expiry },
  };
}

function authorize(store: ObjectStore, user: User, info: RequestInfo): void {
  const attrs = { verb: info.verb, isResourceRequest: true, path: info.path, group: info.group, resource: info.resource, subresource: info.subresource, namespace: info.namespace, name: info.name };
  if (info.group === 'authorization.k8s.io' && (info.resource === 'selfsubjectaccessreviews' || info.resource === 'selfsubjectrulesreviews')) return;
  if (!can(store, user, attrs)) throw forbiddenFor(user, attrs);
}

function serveNonResource(state: RouterState, req: IncomingMessage, res: ServerResponse, path: string): void {
  const types = state.store.types;
  const agg = wantsAggregated(req.headers.accept);
  const sendAggregated = (body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(200, { 'Content-Type': AGGREGATED_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private', Vary: 'Accept' });
    res.end(text);
  };
  if (path === '/api') return agg ? sendAggregated(aggregated(types, true)) : sendJson(res, 200, apiVersions(state.serverAddress()));
  if (path === '/apis') return agg ? sendAggregated(aggregated(types, false)) : sendJson(res, 200, apiGroupList(types));
  if (path === '/openapi/v2') {
    if (/protobuf/.test(String(req.headers.accept ?? ''))) {
      const bytes = openApiV2Proto(state.store);
      res.writeHead(200, { 'Content-Type': OPENAPI_V2_PROTOBUF_MEDIA_TYPE, 'Content-Length': bytes.length, 'Cache-Control': 'no-cache, private', Vary: 'Accept' });
      res.end(bytes);
      return;
    }
    return sendRaw(res, openApiV2(state.store));
  }
  if (path === '/openapi/v3' || path.startsWith('/openapi/v3/')) {
    const doc = openApiV3(state.store, path === '/openapi/v3' ? '' : path.slice('/openapi/v3/'.length));
    if (doc === undefined) throw notServed();
    return sendRaw(res, doc);
  }
  const m = /^\/(?:api\/(v1)|apis\/([^/]+)(?:\/([^/]+))?)$/.exec(path);
  if (m) {
    if (m[1]) return sendJson(res, 200, apiResourceList(types, '', 'v1'));
    const group = findGroup(types, m[2]!);
    if (!group) throw notServed();
    if (!m[3]) return sendJson(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group) });
    const doc = apiResourceList(types, m[2]!, m[3]);
    if (!doc) throw notServed();
    return sendJson(res, 200, doc);
  }
  throw notServed();
}

function sendRaw(res: ServerResponse, json: string): void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json), 'Cache-Control': 'no-cache, private' });
  res.end(json);
}
