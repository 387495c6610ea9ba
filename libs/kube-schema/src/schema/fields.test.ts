import { describe, expect, it } from 'vitest';
import { deployment } from '../../test/smp-cases.js';
import { customSchemaNode, pruneUnknownFields, schemaNodeFor, unknownFields, type JsonObject } from '../index.js';

const deploymentNode = schemaNodeFor({ group: 'apps', version: 'v1', kind: 'Deployment' })!;

describe('unknown fields', () => {
  it('finds none in a valid Deployment', () => {
    expect(unknownFields(deployment, deploymentNode)).toEqual([]);
  });

  it('names misspelt fields by their path, list items by index', () => {
    const typo = structuredClone(deployment) as { spec: { replicass?: number; template: { spec: { containers: JsonObject[] } } } };
    typo.spec.replicass = 3;
    typo.spec.template.spec.containers[1]!['imagePullPolicyy'] = 'Always';
    expect(unknownFields(typo as unknown as JsonObject, deploymentNode)).toEqual([
      'spec.template.spec.containers[1].imagePullPolicyy',
      'spec.replicass',
    ]);
  });

  it('accepts any key in maps such as labels and resource limits', () => {
    const withMaps = structuredClone(deployment) as { metadata: { labels: JsonObject }; spec: { template: { spec: { containers: JsonObject[] } } } };
    withMaps.metadata.labels['anything.example.com/key'] = 'v';
    withMaps.spec.template.spec.containers[0]!['resources'] = { limits: { 'nvidia.com/gpu': '1' } };
    expect(unknownFields(withMaps as unknown as JsonObject, deploymentNode)).toEqual([]);
  });

  it('prunes unknown fields, leaving the input untouched', () => {
    const input: JsonObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'w', bogus: 1 }, spec: { replicas: 1, extra: true } };
    expect(pruneUnknownFields(input, deploymentNode)).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'w' }, spec: { replicas: 1 } });
    expect((input['spec'] as JsonObject)['extra']).toBe(true);
  });

  it('checks a custom resource against its CRD schema, metadata as ObjectMeta', () => {
    const node = customSchemaNode({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            cronSpec: { type: 'string' },
            config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object' } } },
          },
        },
      },
    });
    const cr: JsonObject = {
      apiVersion: 'stable.example.com/v1',
      kind: 'CronTab',
      metadata: { name: 'c', labels: { a: 'b' }, nmae: 'typo' },
      spec: { cronSpec: '* * * * *', image: 'x', config: { anything: { goes: true } }, template: { apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: {} } },
    };
    expect(unknownFields(cr, node)).toEqual(['metadata.nmae', 'spec.image']);
  });

  it('accepts everything under a CRD that preserves unknown fields', () => {
    const node = customSchemaNode({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    expect(unknownFields({ apiVersion: 'x/v1', kind: 'X', metadata: { name: 'x' }, spec: { a: [1, { b: 2 }] } }, node)).toEqual([]);
  });
});
