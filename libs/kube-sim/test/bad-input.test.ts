// Bad requests get the status codes and Status reasons a kube-apiserver gives, and never crash the simulator.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedCluster } from '../src/index.js';
import { startCluster } from '../src/index.js';
import { http } from './helpers.js';

const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';
const CMS = '/api/v1/namespaces/default/configmaps';
const deploy = (extra: Record<string, unknown> = {}, meta: Record<string, unknown> = { name: 'ok' }) =>
  JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } }, ...extra });

interface Case {
  name: string;
  method: string;
  path: string;
  body?: string;
  contentType?: string;
  token?: string | null;
  status: number;
  reason: string;
  message?: string | RegExp;
  field?: string;
}

const CASES: Case[] = [
  { name: 'malformed JSON body', method: 'POST', path: DEPLOYS, body: '{"apiVersion": ', contentType: 'application/json', status: 400, reason: 'BadRequest', message: /json parse error/ },
  { name: 'malformed YAML apply body', method: 'PATCH', path: `${DEPLOYS}/x?fieldManager=m`, body: 'a: [b\n  c: }', contentType: 'application/apply-patch+yaml', status: 400, reason: 'BadRequest', message: /error converting YAML to JSON/ },
  { name: 'body without kind', method: 'POST', path: DEPLOYS, body: '{"apiVersion":"apps/v1","metadata":{"name":"x"}}', contentType: 'application/json', status: 400, reason: 'BadRequest', message: /Object 'Kind' is missing/ },
  { name: 'wrong apiVersion for the endpoint', method: 'POST', path: DEPLOYS, body: deploy({ apiVersion: 'apps/v2' }), contentType: 'application/json', status: 400, reason: 'BadRequest', message: 'the API version in the data (apps/v2) does not match the expected API version (apps/v1)' },
  { name: 'body of another built-in kind than the endpoint', method: 'POST', path: CMS, body: JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }), contentType: 'application/json', status: 400, reason: 'BadRequest', message: 'Service in version "v1" cannot be handled as a ConfigMap: converting (v1.Service) to (core.ConfigMap): unknown conversion' },
  { name: 'body of a kind the group does not have', method: 'PUT', path: `${DEPLOYS}/dup`, body: JSON.stringify({ apiVersion: 'apps/v1', kind: 'Gadget', metadata: { name: 'dup' } }), contentType: 'application/json', status: 400, reason: 'BadRequest', message: 'Gadget in version "v1" cannot be handled as a Deployment: no kind "Gadget" is registered for version "apps/v1" in scheme "pkg/api/legacyscheme/scheme.go:30"' },
  { name: 'unknown resource', method: 'GET', path: '/apis/apps/v1/namespaces/default/gadgets', status: 404, reason: 'NotFound', message: 'the server could not find the requested resource' },
  { name: 'unknown group version', method: 'GET', path: '/apis/example.com/v9', status: 404, reason: 'NotFound' },
  { name: 'missing name', method: 'POST', path: DEPLOYS, body: deploy({}, {}), contentType: 'application/json', status: 422, reason: 'Invalid', message: 'Deployment.apps "" is invalid: metadata.name: Required value: name or generateName is required', field: 'metadata.name' },
  { name: 'invalid name', method: 'POST', path: DEPLOYS, body: deploy({}, { name: 'Bad_Name' }), contentType: 'application/json', status: 422, reason: 'Invalid', message: /^Deployment.apps "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/, field: 'metadata.name' },
  { name: 'namespace in body differs from the URL', method: 'POST', path: DEPLOYS, body: deploy({}, { name: 'x', namespace: 'other' }), contentType: 'application/json', status: 400, reason: 'BadRequest', message: 'the namespace of the provided object does not match the namespace sent on the request' },
  { name: 'namespace that does not exist', method: 'POST', path: '/apis/apps/v1/namespaces/nope/deployments', body: deploy(), contentType: 'application/json', status: 404, reason: 'NotFound', message: 'namespaces "nope" not found' },
  { name: 'namespaced kind created without a namespace', method: 'POST', path: '/apis/apps/v1/deployments', body: deploy(), contentType: 'application/json', status: 405, reason: 'MethodNotAllowed' },
  { name: 'object that does not exist', method: 'GET', path: `${DEPLOYS}/ghost`, status: 404, reason: 'NotFound', message: 'deployments.apps "ghost" not found' },
  { name: 'strategic merge patch on a custom resource', method: 'PATCH', path: '/apis/example.com/v1/namespaces/default/widgets/w', body: '{}', contentType: 'application/strategic-merge-patch+json', status: 415, reason: 'UnsupportedMediaType' },
  { name: 'unknown patch content type', method: 'PATCH', path: `${DEPLOYS}/ok`, body: '{}', contentType: 'text/plain', status: 415, reason: 'UnsupportedMediaType' },
  { name: 'apply without fieldManager', method: 'PATCH', path: `${DEPLOYS}/ok`, body: deploy(), contentType: 'application/apply-patch+yaml', status: 422, reason: 'Invalid', message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch' },
  { name: 'no token', method: 'GET', path: DEPLOYS, token: null, status: 401, reason: 'Unauthorized', message: 'Unauthorized' },
  { name: 'unknown token', method: 'GET', path: DEPLOYS, token: 'who', status: 401, reason: 'Unauthorized' },
  { name: 'unsupported field selector', method: 'GET', path: `${DEPLOYS}?fieldSelector=spec.paused%3Dtrue`, status: 400, reason: 'BadRequest', message: 'field label not supported: spec.paused' },
  { name: 'malformed label selector', method: 'GET', path: `${DEPLOYS}?labelSelector=a%20in%20(`, status: 400, reason: 'BadRequest' },
  { name: 'duplicate create', method: 'POST', path: DEPLOYS, body: deploy({}, { name: 'dup' }), contentType: 'application/json', status: 409, reason: 'AlreadyExists', message: 'deployments.apps "dup" already exists' },
  { name: 'update with a stale resourceVersion', method: 'PUT', path: `${DEPLOYS}/dup`, body: deploy({}, { name: 'dup', resourceVersion: '1' }), contentType: 'application/json', status: 409, reason: 'Conflict', message: /^Operation cannot be fulfilled on deployments.apps "dup": the object has been modified/ },
  { name: 'name in body differs from the URL', method: 'PUT', path: `${DEPLOYS}/dup`, body: deploy({}, { name: 'other' }), contentType: 'application/json', status: 400, reason: 'BadRequest', message: 'the name of the object (other) does not match the name on the URL (dup)' },
  { name: 'cluster-scoped kind under a namespace', method: 'GET', path: '/api/v1/namespaces/default/nodes', status: 404, reason: 'NotFound' },
  { name: 'json patch on a missing path', method: 'PATCH', path: `${DEPLOYS}/dup`, body: '[{"op":"replace","path":"/spec/nothing/here","value":1}]', contentType: 'application/json-patch+json', status: 422, reason: 'Invalid' },
  { name: 'selector that does not match the template labels', method: 'POST', path: DEPLOYS, body: JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'mismatch' }, spec: { selector: { matchLabels: { a: 'x' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } }), contentType: 'application/json', status: 422, reason: 'Invalid', message: 'Deployment.apps "mismatch" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"a":"b"}: `selector` does not match template `labels`', field: 'spec.template.metadata.labels' },
  { name: 'workload without containers', method: 'POST', path: DEPLOYS, body: JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'empty' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [] } } } }), contentType: 'application/json', status: 422, reason: 'Invalid', message: 'Deployment.apps "empty" is invalid: spec.template.spec.containers: Required value', field: 'spec.template.spec.containers' },
  { name: 'changing an immutable selector', method: 'PATCH', path: `${DEPLOYS}/dup`, body: '{"spec":{"selector":{"matchLabels":{"a":"c"}},"template":{"metadata":{"labels":{"a":"c"}}}}}', contentType: 'application/merge-patch+json', status: 422, reason: 'Invalid', message: /spec.selector: Invalid value: .*: field is immutable/, field: 'spec.selector' },
  { name: 'unknown field under fieldValidation=Strict', method: 'POST', path: `${DEPLOYS}?fieldValidation=Strict`, body: deploy({}, { name: 'typo', lables: {} }), contentType: 'application/json', status: 400, reason: 'BadRequest', message: 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "metadata.lables"' },
  { name: 'unknown field in a merge patch under fieldValidation=Strict', method: 'PATCH', path: `${DEPLOYS}/dup?fieldValidation=Strict`, body: '{"spec":{"replicass":1}}', contentType: 'application/merge-patch+json', status: 422, reason: 'Invalid', message: /^ "" is invalid: patch: Invalid value: "\{.*\}": strict decoding error: unknown field "spec\.replicass"$/, field: 'patch' },
  { name: 'unknown field in a server-side apply', method: 'PATCH', path: `${DEPLOYS}/typo?fieldManager=m`, body: deploy({ spec: { replicass: 1 } }, { name: 'typo' }), contentType: 'application/apply-patch+yaml', status: 400, reason: 'BadRequest', message: 'failed to create typed patch object (default/typo; apps/v1, Kind=Deployment): .spec.replicass: field not declared in schema' },
  { name: 'custom resource breaking its schema', method: 'POST', path: '/apis/example.com/v1/namespaces/default/things', body: JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 't' }, spec: { size: 'big', mode: 'slow' } }), contentType: 'application/json', status: 422, reason: 'Invalid', message: 'Thing.example.com "t" is invalid: [spec.size: Invalid value: "string": spec.size in body must be of type integer: "string", spec.mode: Unsupported value: "slow": supported values: "fast", "safe"]', field: 'spec.size' },
  { name: 'custom resource missing a required field', method: 'POST', path: '/apis/example.com/v1/namespaces/default/things', body: JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 't' }, spec: {} }), contentType: 'application/json', status: 422, reason: 'Invalid', message: 'Thing.example.com "t" is invalid: spec.size: Required value', field: 'spec.size' },
  { name: 'CRD whose name is not plural.group', method: 'POST', path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', body: JSON.stringify({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'wrong.example.com' }, spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'gizmos', kind: 'Gizmo' }, versions: [{ name: 'v1', served: true, storage: true }] } }), contentType: 'application/json', status: 422, reason: 'Invalid', field: 'metadata.name' },
  { name: 'value of the wrong JSON type', method: 'POST', path: DEPLOYS, body: deploy({ spec: { replicas: 'many', selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } }, { name: 'typed' }), contentType: 'application/json', status: 400, reason: 'BadRequest', message: 'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32' },
  { name: 'number where the schema says string (create)', method: 'POST', path: CMS, body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'num' }, data: { port: 8080 } }), contentType: 'application/json', status: 400, reason: 'BadRequest', message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string' },
  { name: 'number where the schema says string (nested, update)', method: 'PUT', path: `${DEPLOYS}/dup`, body: deploy({ spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i', env: [{ name: 'N', value: 1 }] }] } } } }, { name: 'dup' }), contentType: 'application/json', status: 400, reason: 'BadRequest', message: 'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string' },
  { name: 'number label value in a merge patch', method: 'PATCH', path: `${DEPLOYS}/dup`, body: '{"metadata":{"labels":{"tier":1}}}', contentType: 'application/merge-patch+json', status: 422, reason: 'Invalid', message: /^ "" is invalid: patch: Invalid value: "\{.*\}": json: cannot unmarshal number into Go struct field ObjectMeta\.metadata\.labels of type string$/, field: 'patch' },
  { name: 'number label value in a strategic merge patch', method: 'PATCH', path: `${DEPLOYS}/dup`, body: '{"metadata":{"labels":{"tier":1}}}', contentType: 'application/strategic-merge-patch+json', status: 422, reason: 'Invalid', message: ' "" is invalid: patch: Invalid value: "map[metadata:map[labels:map[tier:1]]]": cannot convert int64 to string', field: 'patch' },
  { name: 'number where the schema says string (server-side apply)', method: 'PATCH', path: `${CMS}/num?fieldManager=m`, body: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: num}\ndata: {port: 8080}\n', contentType: 'application/apply-patch+yaml', status: 400, reason: 'BadRequest', message: 'failed to create typed patch object (default/num; /v1, Kind=ConfigMap): .data.port: expected string, got &value.valueUnstructured{Value:8080}' },
  { name: 'value of the wrong type in a server-side apply', method: 'PATCH', path: `${DEPLOYS}/typed?fieldManager=m`, body: '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"typed"},"spec":{"replicas":"many"}}', contentType: 'application/apply-patch+yaml', status: 400, reason: 'BadRequest', message: 'failed to create typed patch object (default/typed; apps/v1, Kind=Deployment): .spec.replicas: expected numeric (int or float), got string' },
  { name: 'delete with an unknown propagationPolicy', method: 'DELETE', path: `${DEPLOYS}/dup`, body: '{"propagationPolicy":"Sideways"}', contentType: 'application/json', status: 422, reason: 'Invalid' },
];

describe('bad input', () => {
  let cluster: SimulatedCluster;
  beforeAll(async () => {
    cluster = await startCluster();
    cluster.store.create({ group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' }, {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] },
    });
    const typed = { type: 'object', properties: { spec: { type: 'object', required: ['size'], properties: { size: { type: 'integer', minimum: 1 }, mode: { type: 'string', enum: ['fast', 'safe'] } } } } };
    cluster.store.create({ group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' }, {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'things.example.com' },
      spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'things', kind: 'Thing' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: typed } }] },
    });
    const created = await http(cluster, 'POST', DEPLOYS, { body: deploy({}, { name: 'dup' }), contentType: 'application/json' });
    expect(created.status).toBe(201);
    const updated = await http(cluster, 'PUT', `${DEPLOYS}/dup`, { body: deploy({ spec: { replicas: 2, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } }, { name: 'dup' }), contentType: 'application/json' });
    expect(updated.status).toBe(200);
  });
  afterAll(() => cluster?.close());

  it.each(CASES)('$name -> $status $reason', async (c) => {
    const res = await http(cluster, c.method, c.path, { ...(c.body !== undefined ? { body: c.body } : {}), ...(c.contentType ? { contentType: c.contentType } : {}), ...(c.token !== undefined ? { token: c.token } : {}) });
    expect(res.status).toBe(c.status);
    const status = res.json();
    expect(status).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: c.status, reason: c.reason });
    if (typeof c.message === 'string') expect(status.message).toBe(c.message);
    else if (c.message) expect(status.message).toMatch(c.message);
    if (c.field) expect((status.details as { causes: { field: string }[] }).causes.map((x) => x.field)).toContain(c.field);
  });

  it('takes numbers for Quantity and int-or-string fields', async () => {
    const container = { name: 'c', image: 'i', ports: [{ containerPort: 80 }], resources: { limits: { cpu: 1, memory: '64Mi' } } };
    const body = deploy({ spec: { selector: { matchLabels: { a: 'b' } }, strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [container] } } } }, { name: 'quantities' });
    expect((await http(cluster, 'POST', DEPLOYS, { body, contentType: 'application/json' })).status).toBe(201);
    expect((await http(cluster, 'PATCH', `${DEPLOYS}/quantities?fieldManager=m`, { body, contentType: 'application/apply-patch+yaml' })).status).toBe(200);
  });

  it('still serves after every bad request', async () => {
    expect((await http(cluster, 'GET', '/healthz', { token: null })).body).toBe('ok');
    expect((await http(cluster, 'GET', `${DEPLOYS}/dup`)).status).toBe(200);
  });
});
