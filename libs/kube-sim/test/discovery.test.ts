// Discovery and OpenAPI documents as clients fetch them.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedCluster } from '../src/index.js';
import { startCluster } from '../src/index.js';
import { KUBERNETES_SCHEMA_VERSION, builtinGroups, builtinResources } from '@flotilla/kube-schema';
import { http } from './helpers.js';

describe('discovery', () => {
  let cluster: SimulatedCluster;
  beforeAll(async () => {
    cluster = await startCluster({ controllers: false });
  });
  afterAll(() => cluster?.close());

  it('lists a group version with subresources, short names and categories', async () => {
    const doc = (await http(cluster, 'GET', '/apis/apps/v1')).json() as { groupVersion: string; resources: { name: string; shortNames?: string[]; categories?: string[]; kind: string; group?: string }[] };
    expect(doc.groupVersion).toBe('apps/v1');
    const byName = new Map(doc.resources.map((r) => [r.name, r]));
    expect(byName.get('deployments')).toMatchObject({ kind: 'Deployment', shortNames: ['deploy'], categories: ['all'] });
    expect(byName.get('deployments/scale')).toMatchObject({ kind: 'Scale', group: 'autoscaling' });
    expect(byName.get('deployments/status')).toMatchObject({ kind: 'Deployment' });
  });

  it('answers aggregated discovery in apidiscovery.k8s.io/v2beta1 like a v1.29 server, and the legacy documents otherwise', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
    const res = await http(cluster, 'GET', '/apis', { accept });
    expect(res.headers['content-type']).toBe('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList');
    const doc = res.json() as { kind: string; apiVersion: string; items: { metadata: { name: string } }[] };
    expect([doc.kind, doc.apiVersion]).toEqual(['APIGroupDiscoveryList', 'apidiscovery.k8s.io/v2beta1']);
    expect(doc.items.map((i) => i.metadata.name)).toContain('apps');
    const v2Only = (await http(cluster, 'GET', '/apis', { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' })).json() as { kind: string };
    expect(v2Only.kind).toBe('APIGroupList');
    const legacy = (await http(cluster, 'GET', '/apis')).json() as { kind: string };
    expect(legacy.kind).toBe('APIGroupList');
  });

  it('serves /api as APIVersions, /api/v1 with verbs and short names, and /apis/{group} as APIGroup', async () => {
    const api = await http(cluster, 'GET', '/api');
    expect(api.json()).toEqual({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: new URL(cluster.server).host }] });
    const core = (await http(cluster, 'GET', '/api/v1')).json() as { kind: string; groupVersion: string; resources: { name: string; verbs: string[]; shortNames?: string[]; namespaced: boolean; kind: string; singularName: string }[] };
    expect([core.kind, core.groupVersion]).toEqual(['APIResourceList', 'v1']);
    const byName = new Map(core.resources.map((r) => [r.name, r]));
    expect(byName.get('configmaps')).toEqual({ name: 'configmaps', singularName: 'configmap', namespaced: true, kind: 'ConfigMap', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['cm'] });
    expect(byName.get('namespaces')).toMatchObject({ namespaced: false, shortNames: ['ns'] });
    expect(byName.get('pods/status')).toMatchObject({ kind: 'Pod', verbs: ['get', 'patch', 'update'] });
    const apps = await http(cluster, 'GET', '/apis/apps');
    expect(apps.json()).toEqual({ kind: 'APIGroup', apiVersion: 'v1', name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } });
    expect((await http(cluster, 'GET', '/apis/nothing.example.com')).status).toBe(404);
  });

  it('lists every built-in of the kube-schema catalog as the catalog describes it, groups in its order', async () => {
    type Listed = { name: string; namespaced: boolean; kind: string; verbs: string[]; shortNames?: string[]; categories?: string[] };
    for (const r of builtinResources()) {
      const path = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
      const doc = (await http(cluster, 'GET', path)).json() as { resources: Listed[] };
      const listed = doc.resources.find((x) => x.name === r.plural);
      expect(listed, `${path} ${r.plural}`).toMatchObject({ namespaced: r.namespaced, kind: r.kind, verbs: r.verbs });
      expect(listed?.shortNames ?? []).toEqual(r.shortNames);
      expect(listed?.categories ?? []).toEqual(r.categories);
      const served = r.subresources.map((s) => s.name).filter((s) => s === 'scale' || s === 'status');
      expect(doc.resources.filter((x) => x.name.startsWith(`${r.plural}/`)).map((x) => x.name.split('/')[1]).sort()).toEqual(served);
    }
    const groups = (await http(cluster, 'GET', '/apis')).json() as { groups: { name: string }[] };
    expect(groups.groups.map((g) => g.name)).toEqual(builtinGroups().filter((g) => g.group !== '').map((g) => g.group));
  });

  it('serves OpenAPI v2 as JSON and in the protobuf form kubectl validation asks for, and a v3 index', async () => {
    const json = await http(cluster, 'GET', '/openapi/v2');
    expect((json.json() as { swagger: string }).swagger).toBe('2.0');
    const proto = await http(cluster, 'GET', '/openapi/v2', { accept: 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf' });
    expect(proto.headers['content-type']).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    expect(proto.body.length).toBeGreaterThan(1000);
    const index = (await http(cluster, 'GET', '/openapi/v3')).json() as { paths: Record<string, unknown> };
    expect(Object.keys(index.paths)).toContain('apis/apps/v1');
  });

  it('reports the version of its schema snapshot, and health, without a token', async () => {
    const version = (await http(cluster, 'GET', '/version', { token: null })).json() as { major: string; minor: string; gitVersion: string };
    // Fields newer than the schema would be refused, so /version must not claim a newer server than the schema.
    const schemaMinor = /^v1\.(\d+)/.exec(KUBERNETES_SCHEMA_VERSION)?.[1];
    expect(version).toMatchObject({ major: '1', minor: schemaMinor });
    expect(version.gitVersion.startsWith(`v1.${schemaMinor}.`)).toBe(true);
    expect((await http(cluster, 'GET', '/readyz', { token: null })).body).toBe('ok');
  });
});
