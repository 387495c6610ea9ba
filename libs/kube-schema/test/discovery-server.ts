// A minimal loopback API server for tests: discovery from the catalog, OpenAPI documents from this package, and just
// enough object storage (create, get, patch) for kubectl create and apply, recording every request.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  apiVersionOf,
  builtinGroups,
  builtinResources,
  openApiV2Document,
  openApiV3Document,
  openApiV3Index,
  jsonMergePatch,
  OPENAPI_V2_PROTOBUF_MEDIA_TYPE,
  openApiV2Protobuf,
  parseApiVersion,
  strategicMergePatch,
  type CustomResourceSchema,
  type JsonObject,
  type JsonValue,
} from '../src/index.js';

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly contentType: string;
  readonly body: string;
}

export interface TestServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startDiscoveryServer(custom: readonly CustomResourceSchema[] = []): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const objects = new Map<string, JsonObject>();
  const server: Server = createServer((req, res) => {
    void readBody(req)
      .then((body) => {
        requests.push({ method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'] ?? '', body });
        return respond(req, body, custom, objects);
      })
      .then(
      ({ status, body }) => {
        if (body instanceof Uint8Array) {
          res.writeHead(status, { 'content-type': OPENAPI_V2_PROTOBUF_MEDIA_TYPE });
          res.end(body);
          return;
        }
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      },
      (err: unknown) => {
        res.writeHead(500);
        res.end(String(err));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

// Encoding the protobuf document takes most of a second: once per set of custom resources.
const protobufCache = new WeakMap<readonly CustomResourceSchema[], Uint8Array>();

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function respond(
  req: IncomingMessage,
  text: string,
  custom: readonly CustomResourceSchema[],
  objects: Map<string, JsonObject>,
): Promise<{ status: number; body: unknown }> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname;
  if (req.method === 'POST') {
    const body = JSON.parse(text) as JsonObject;
    const name = (body['metadata'] as JsonObject)['name'] as string;
    objects.set(`${path}/${name}`, body);
    return { status: 201, body };
  }
  if (req.method === 'PATCH') {
    const current = objects.get(path);
    if (!current) return notFound();
    const patch = JSON.parse(text) as JsonObject;
    const { group, version } = parseApiVersion(current['apiVersion'] as string);
    const type = { group, version, kind: current['kind'] as string };
    let next: JsonValue;
    if (req.headers['content-type'] === 'application/strategic-merge-patch+json') {
      const result = strategicMergePatch(current, patch, type);
      if (!result.ok) return { status: 422, body: result.error };
      next = result.value;
    } else {
      next = jsonMergePatch(current, patch);
    }
    objects.set(path, next as JsonObject);
    return { status: 200, body: next };
  }
  if (objects.has(path)) return { status: 200, body: objects.get(path) };
  if (path === '/version') return { status: 200, body: { major: '1', minor: '29', gitVersion: 'v1.29.0' } };
  if (path === '/openapi/v2') {
    if (!(req.headers['accept'] ?? '').includes('protobuf')) return { status: 200, body: openApiV2Document(custom) };
    let bytes = protobufCache.get(custom);
    if (!bytes) {
      bytes = openApiV2Protobuf(openApiV2Document(custom));
      protobufCache.set(custom, bytes);
    }
    return { status: 200, body: bytes };
  }
  if (path === '/openapi/v3') return { status: 200, body: openApiV3Index(custom) };
  if (path.startsWith('/openapi/v3/')) {
    const doc = openApiV3Document(path, custom);
    return doc ? { status: 200, body: doc } : notFound();
  }
  const customResources = custom.map((c) => ({
    group: c.group, version: c.version, kind: c.kind, plural: c.plural, singular: c.kind.toLowerCase(), namespaced: c.namespaced,
    shortNames: [] as string[], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], categories: [] as string[],
    subresources: [] as { name: string; kind: string; verbs: readonly string[] }[],
  }));
  const resources = [...builtinResources(), ...customResources];
  if (path === '/api') return { status: 200, body: { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] } };
  if (path === '/apis') {
    const groups = [...builtinGroups().filter((g) => g.group !== ''), ...custom.map((c) => ({ group: c.group, versions: [c.version], preferredVersion: c.version }))];
    return {
      status: 200,
      body: {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: groups.map((g) => ({
          name: g.group,
          versions: g.versions.map((v) => ({ groupVersion: `${g.group}/${v}`, version: v })),
          preferredVersion: { groupVersion: `${g.group}/${g.preferredVersion}`, version: g.preferredVersion },
        })),
      },
    };
  }
  const match = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (match) {
    const group = match[2] ?? '';
    const version = match[1] ?? match[3] ?? '';
    const served = resources.filter((r) => r.group === group && r.version === version);
    if (served.length === 0) return notFound();
    const list = served.flatMap((r) => [
      { name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs, shortNames: r.shortNames, categories: r.categories },
      ...r.subresources.map((s) => ({ name: `${r.plural}/${s.name}`, singularName: '', namespaced: r.namespaced, kind: s.kind, verbs: s.verbs })),
    ]);
    return { status: 200, body: { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources: list } };
  }
  return notFound();
}

function notFound(): { status: number; body: unknown } {
  return { status: 404, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' } };
}
