import { describe, expect, it } from 'vitest';
import { customSchemaNode, schemaNodeAt, schemaNodeFor } from '../index.js';

const DEPLOYMENT = { group: 'apps', version: 'v1', kind: 'Deployment' } as const;
const SERVICE = { group: '', version: 'v1', kind: 'Service' } as const;

describe('schema structure for server-side apply', () => {
  it.each([
    [DEPLOYMENT, ['spec', 'template', 'spec', 'containers'], 'map', ['name']],
    [DEPLOYMENT, ['spec', 'template', 'spec', 'containers', 'env'], 'map', ['name']],
    [DEPLOYMENT, ['spec', 'template', 'spec', 'containers', 'ports'], 'map', ['containerPort', 'protocol']],
    [DEPLOYMENT, ['spec', 'template', 'spec', 'volumes'], 'map', ['name']],
    [DEPLOYMENT, ['spec', 'template', 'spec', 'containers', 'args'], 'atomic', []],
    [DEPLOYMENT, ['spec', 'template', 'spec', 'tolerations'], 'atomic', []],
    [DEPLOYMENT, ['metadata', 'finalizers'], 'set', []],
    [DEPLOYMENT, ['metadata', 'ownerReferences'], 'map', ['uid']],
    [DEPLOYMENT, ['status', 'conditions'], 'map', ['type']],
    [SERVICE, ['spec', 'ports'], 'map', ['port', 'protocol']],
  ] as const)('%j %j is a %s list keyed by %j', (type, path, listType, keys) => {
    const node = schemaNodeAt(type, path);
    expect(node?.shape).toBe('list');
    expect(node?.listType).toBe(listType);
    expect(node?.listMapKeys).toEqual(keys);
  });

  it('tells the strategic merge patch metadata of a field', () => {
    const volumes = schemaNodeAt(DEPLOYMENT, ['spec', 'template', 'spec', 'volumes']);
    expect(volumes?.patchStrategies).toEqual(['merge', 'retainKeys']);
    expect(volumes?.patchMergeKey).toBe('name');
    expect(schemaNodeAt(DEPLOYMENT, ['spec', 'strategy'])?.patchStrategies).toEqual(['retainKeys']);
  });

  it('distinguishes structs, granular maps and atomic structs', () => {
    expect(schemaNodeAt(DEPLOYMENT, ['spec', 'template'])?.shape).toBe('struct');
    const labels = schemaNodeAt(DEPLOYMENT, ['metadata', 'labels']);
    expect(labels?.shape).toBe('map');
    expect(labels?.mapType).toBe('granular');
    expect(labels?.field('app').shape).toBe('scalar');
    expect(schemaNodeAt(DEPLOYMENT, ['spec', 'selector'])?.mapType).toBe('atomic');
    expect(schemaNodeAt(DEPLOYMENT, ['spec', 'template', 'spec', 'containers', 'resources', 'limits', 'cpu'])?.shape).toBe('scalar');
  });

  it('answers unknown for fields the schema does not have, and undefined for kinds it does not know', () => {
    expect(schemaNodeAt(DEPLOYMENT, ['spec', 'noSuchField'])?.shape).toBe('unknown');
    expect(schemaNodeFor({ group: 'example.com', version: 'v1', kind: 'Widget' })).toBeUndefined();
    expect(schemaNodeFor({ definition: 'io.k8s.api.core.v1.PodSpec' })?.field('containers').listType).toBe('map');
  });

  it('reads list and map types from a CRD schema', () => {
    const node = customSchemaNode({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            routes: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['host', 'path'], items: { type: 'object', properties: { host: { type: 'string' }, path: { type: 'string' } } } },
            tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
            selector: { type: 'object', 'x-kubernetes-map-type': 'atomic', additionalProperties: { type: 'string' } },
            raw: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          },
        },
      },
    });
    const spec = node.field('spec');
    expect(spec.field('routes').listMapKeys).toEqual(['host', 'path']);
    expect(spec.field('tags').listType).toBe('set');
    expect(spec.field('selector').mapType).toBe('atomic');
    expect(spec.field('raw').shape).toBe('unknown');
  });
});
