// Just enough of a kube-apiserver for `kubectl apply --dry-run=client`: discovery from @flotilla/kube-schema's catalog
// of built-in resources, and 404 for every object (so kubectl takes each one as a create).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiVersionOf, builtinGroups, builtinResources } from '@flotilla/kube-schema';

export interface FakeDiscovery {
  url: string;
  /** Request paths seen, in order, so a test can check that kubectl really asked. */
  requests: string[];
  close(): Promise<void>;
}

function resourceList(group: string, version: string): object | undefined {
  const resources = builtinResources().filter((r) => r.group === group && r.version === version);
  if (resources.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf({ group, version }),
    resources: resources.map((r) => ({
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      shortNames: r.shortNames,
      categories: r.categories,
    })),
  };
}

function route(path: string, port: number): { status: number; body: object } {
  if (path === '/version') return { status: 200, body: { major: '1', minor: '29', gitVersion: 'v1.29.0' } };
  if (path === '/api') {
    return { status: 200, body: { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${port}` }] } };
  }
  if (path === '/apis') {
    const groups = builtinGroups()
      .filter((g) => g.group !== '')
      .map((g) => ({
        name: g.group,
        versions: g.versions.map((version) => ({ groupVersion: `${g.group}/${version}`, version })),
        preferredVersion: { groupVersion: `${g.group}/${g.preferredVersion}`, version: g.preferredVersion },
      }));
    return { status: 200, body: { kind: 'APIGroupList', apiVersion: 'v1', groups } };
  }
  const core = /^\/api\/([^/]+)$/.exec(path);
  const named = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
  const list = core ? resourceList('', core[1] ?? '') : named ? resourceList(named[1] ?? '', named[2] ?? '') : undefined;
  if (list) return { status: 200, body: list };
  return {
    status: 404,
    body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404, message: `${path} not found` },
  };
}

export async function startFakeDiscovery(): Promise<FakeDiscovery> {
  const requests: string[] = [];
  let port = 0;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push(`${req.method ?? 'GET'} ${path}`);
    const { status, body } = route(path, port);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
