import { describe, expect, it } from 'vitest';
import { customDefinitionName, openApiV2Document, openApiV3Document, openApiV3Index, type CustomResourceSchema } from '../index.js';
import type { JsonObject } from '../types.js';

const cronTab: CustomResourceSchema = {
  group: 'stable.example.com',
  version: 'v1',
  kind: 'CronTab',
  plural: 'crontabs',
  namespaced: true,
  schema: {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          cronSpec: { type: 'string', description: 'cron schedule' },
          image: { type: 'string', nullable: true },
          port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
        },
      },
    },
  },
  subresources: { status: true },
};

type Obj = Record<string, unknown>;
const at = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Obj)[key] : undefined), value);

describe('OpenAPI v2 document', () => {
  const doc = openApiV2Document();

  it('is swagger 2.0 with a group-version-kind on every served kind', () => {
    expect(doc['swagger']).toBe('2.0');
    expect(at(doc, 'definitions', 'io.k8s.api.apps.v1.Deployment', 'x-kubernetes-group-version-kind')).toEqual([
      { group: 'apps', kind: 'Deployment', version: 'v1' },
    ]);
  });

  it('describes the patch operation with fieldValidation and the four patch content types of a built-in kind', () => {
    const patch = at(doc, 'paths', '/apis/apps/v1/namespaces/{namespace}/deployments/{name}', 'patch') as Obj;
    expect(patch['operationId']).toBe('patchAppsV1NamespacedDeployment');
    expect(patch['consumes']).toContain('application/strategic-merge-patch+json');
    expect((patch['parameters'] as Obj[]).map((p) => p['name'])).toEqual(['body', 'dryRun', 'fieldManager', 'fieldValidation', 'force']);
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', kind: 'Deployment', version: 'v1' });
  });

  it('serves cluster-scoped kinds without a namespace segment', () => {
    expect(at(doc, 'paths', '/api/v1/namespaces/{name}', 'get', 'operationId')).toBe('readCoreV1Namespace');
    expect(at(doc, 'paths', '/apis/rbac.authorization.k8s.io/v1/clusterroles', 'post', 'operationId')).toBe('createRbacAuthorizationV1ClusterRole');
    expect(at(doc, 'paths', '/apis/apps/v1/deployments', 'get', 'operationId')).toBe('listAppsV1DeploymentForAllNamespaces');
  });

  it('adds a CRD with the v2-expressible part of its schema and no strategic merge patch', () => {
    const withCrd = openApiV2Document([cronTab]);
    const name = customDefinitionName('stable.example.com', 'v1', 'CronTab');
    expect(name).toBe('com.example.stable.v1.CronTab');
    const def = at(withCrd, 'definitions', name) as Obj;
    expect(def['x-kubernetes-group-version-kind']).toEqual([{ group: 'stable.example.com', version: 'v1', kind: 'CronTab' }]);
    expect(at(def, 'properties', 'metadata', '$ref')).toBe('#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    expect(at(def, 'properties', 'spec', 'properties', 'image')).toEqual({});
    expect(at(def, 'properties', 'spec', 'properties', 'port')).toEqual({ 'x-kubernetes-int-or-string': true });
    const patch = at(withCrd, 'paths', '/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}', 'patch') as Obj;
    expect(patch['consumes']).not.toContain('application/strategic-merge-patch+json');
    expect(at(withCrd, 'paths', '/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}/status', 'put', 'operationId')).toBe(
      'replaceStableExampleComV1NamespacedCronTabStatus',
    );
    expect(at(doc, 'definitions', name)).toBeUndefined();
  });
});

describe('OpenAPI v3 documents', () => {
  it('indexes one document per served group-version under a hashed URL', () => {
    const index = openApiV3Index();
    expect(Object.keys(index.paths)).toContain('api/v1');
    expect(Object.keys(index.paths)).toContain('apis/autoscaling/v2');
    expect(index.paths['apis/apps/v1']?.serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{16}$/);
  });

  it('changes only the hash of the group-version a CRD joins', () => {
    const before = openApiV3Index();
    const after = openApiV3Index([cronTab]);
    expect(after.paths['apis/apps/v1']).toEqual(before.paths['apis/apps/v1']);
    expect(before.paths['apis/stable.example.com/v1']).toBeUndefined();
    expect(after.paths['apis/stable.example.com/v1']).toBeDefined();
  });

  it('puts fieldValidation on every patch of a kind, which kubectl checks before leaving validation to the server', () => {
    const doc = openApiV3Document('apis/apps/v1')!;
    const patches = Object.values(doc['paths'] as Record<string, Obj>)
      .map((item) => item['patch'] as Obj | undefined)
      .filter((op): op is Obj => op !== undefined && at(op, 'x-kubernetes-group-version-kind', 'kind') === 'Deployment');
    expect(patches.length).toBe(2);
    for (const op of patches) {
      expect((op['parameters'] as Obj[]).map((p) => p['name'])).toContain('fieldValidation');
      expect(Object.keys(at(op, 'requestBody', 'content') as Obj)).toContain('application/strategic-merge-patch+json');
    }
  });

  it('uses components references, wrapping a described reference in allOf', () => {
    const doc = openApiV3Document('/openapi/v3/apis/apps/v1')!;
    const spec = at(doc, 'components', 'schemas', 'io.k8s.api.apps.v1.Deployment', 'properties', 'spec') as Obj;
    expect(spec['allOf']).toEqual([{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec' }]);
    expect(spec['description']).toEqual(expect.any(String));
    expect(at(doc, 'components', 'schemas', 'io.k8s.api.core.v1.Container')).toBeDefined();
    // Only what apps/v1 reaches: no RBAC kinds.
    expect(at(doc, 'components', 'schemas', 'io.k8s.api.rbac.v1.Role')).toBeUndefined();
  });

  it('keeps nullable and anyOf in a CRD schema, and leaves strategic merge patch out of its patch content', () => {
    const doc = openApiV3Document('apis/stable.example.com/v1', [cronTab])!;
    const schema = at(doc, 'components', 'schemas', 'com.example.stable.v1.CronTab') as JsonObject;
    expect(at(schema, 'properties', 'spec', 'properties', 'image')).toEqual({ type: 'string', nullable: true });
    expect(at(schema, 'properties', 'metadata', 'allOf')).toEqual([{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }]);
    const patch = at(doc, 'paths', '/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}', 'patch') as Obj;
    expect(Object.keys(at(patch, 'requestBody', 'content') as Obj)).not.toContain('application/strategic-merge-patch+json');
    expect((patch['parameters'] as Obj[]).map((p) => p['name'])).toContain('fieldValidation');
  });

  it('returns undefined for a group-version nobody serves', () => {
    expect(openApiV3Document('apis/example.com/v9')).toBeUndefined();
  });
});
