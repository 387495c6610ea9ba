// Discovery and OpenAPI documents as clients fetch them.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedCluster } from '../src/index.js';
import { startCluster } from '../src/index.js';
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

  it('answers aggregated discovery when asked for apidiscovery.k8s.io/v2', async () => {
    const res = await http(cluster, 'GET', '/apis', { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
    expect(res.headers['content-type']).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const doc = res.json() as { kind: string; items: { metadata: { name: string } }[] };
    expect(doc.kind).toBe('APIGroupDiscoveryList');
    expect(doc.items.map((i) => i.metadata.name)).toContain('apps');
    const legacy = (await http(cluster, 'GET', '/apis')).json() as { kind: string };
    expect(legacy.kind).toBe('APIGroupList');
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

  it('reports version 1.32 and health without a token', async () => {
    expect((await http(cluster, 'GET', '/version', { token: null })).json()).toMatchObject({ major: '1', minor: '32' });
    expect((await http(cluster, 'GET', '/readyz', { token: null })).body).toBe('ok');
  });
});
