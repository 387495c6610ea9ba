// Update-only validation a real apiserver enforces (422 Invalid with its field errors): immutable ConfigMaps and
// Secrets, StatefulSet spec fields, a Job's pod template and a Pod's spec.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedCluster } from '../src/index.js';
import { startCluster } from '../src/index.js';
import { http } from './helpers.js';

const NS = '/api/v1/namespaces/default';
const merge = 'application/merge-patch+json';

interface Status {
  code: number;
  reason: string;
  message: string;
  details: { causes: { reason: string; field: string; message: string }[] };
}

describe('update validation', () => {
  let cluster: SimulatedCluster;
  const post = async (path: string, obj: object) => {
    const res = await http(cluster, 'POST', path, { body: JSON.stringify(obj), contentType: 'application/json' });
    expect(res.status).toBe(201);
  };
  const patch = (path: string, body: object) => http(cluster, 'PATCH', path, { body: JSON.stringify(body), contentType: merge });
  beforeAll(async () => {
    cluster = await startCluster({ controllers: false });
  });
  afterAll(() => cluster?.close());

  it('refuses changing data, binaryData or immutable of an immutable ConfigMap, and allows labels', async () => {
    await post(`${NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'frozen' }, immutable: true, data: { a: '1' } });
    const res = await patch(`${NS}/configmaps/frozen`, { data: { a: '2' }, binaryData: { b: 'AA==' }, immutable: false });
    expect(res.status).toBe(422);
    const s = res.json() as unknown as Status;
    expect(s.reason).toBe('Invalid');
    expect(s.message).toBe('ConfigMap "frozen" is invalid: [immutable: Forbidden: field is immutable when `immutable` is set, data: Forbidden: field is immutable when `immutable` is set, binaryData: Forbidden: field is immutable when `immutable` is set]');
    expect(s.details.causes).toEqual([
      { reason: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set', field: 'immutable' },
      { reason: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set', field: 'data' },
      { reason: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set', field: 'binaryData' },
    ]);
    expect((await patch(`${NS}/configmaps/frozen`, { metadata: { labels: { ok: 'yes' } } })).status).toBe(200);
  });

  it('refuses new stringData on an immutable Secret as a change of data', async () => {
    await post(`${NS}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sealed' }, immutable: true, stringData: { token: 'abc' } });
    const stored = (await http(cluster, 'GET', `${NS}/secrets/sealed`)).json() as { data: Record<string, string>; stringData?: unknown };
    expect(stored.data).toEqual({ token: Buffer.from('abc').toString('base64') });
    expect(stored.stringData).toBeUndefined();
    const res = await patch(`${NS}/secrets/sealed`, { stringData: { token: 'xyz' } });
    expect(res.status).toBe(422);
    expect((res.json() as unknown as Status).message).toBe('Secret "sealed" is invalid: data: Forbidden: field is immutable when `immutable` is set');
  });

  it('allows replicas and template changes of a StatefulSet and forbids the rest of its spec', async () => {
    const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { serviceName: 'db', replicas: 1, selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'pg:16' }] } } } };
    await post('/apis/apps/v1/namespaces/default/statefulsets', sts);
    expect((await patch('/apis/apps/v1/namespaces/default/statefulsets/db', { spec: { replicas: 3, minReadySeconds: 5, template: { spec: { containers: [{ name: 'db', image: 'pg:17' }] } } } })).status).toBe(200);
    const res = await patch('/apis/apps/v1/namespaces/default/statefulsets/db', { spec: { serviceName: 'other' } });
    expect(res.status).toBe(422);
    const s = res.json() as unknown as Status;
    expect(s.message).toBe("StatefulSet.apps \"db\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden");
    expect(s.details.causes.map((c) => [c.reason, c.field])).toEqual([['FieldValueForbidden', 'spec']]);
  });

  it("refuses a change of a Job's pod template", async () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1' }] } } } };
    await post('/apis/batch/v1/namespaces/default/jobs', job);
    const res = await patch('/apis/batch/v1/namespaces/default/jobs/once', { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox:2' }] } } } });
    expect(res.status).toBe(422);
    const s = res.json() as unknown as Status;
    expect(s.message).toMatch(/^Job\.batch "once" is invalid: spec\.template: Invalid value: core\.PodTemplateSpec\{.*\}: field is immutable$/);
    expect(s.details.causes.map((c) => c.field)).toEqual(['spec.template']);
    expect((await patch('/apis/batch/v1/namespaces/default/jobs/once', { metadata: { labels: { ok: 'yes' } } })).status).toBe(200);
  });

  it("lets a Pod's image change and refuses other spec changes", async () => {
    await post(`${NS}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } });
    expect((await http(cluster, 'PATCH', `${NS}/pods/p`, { body: JSON.stringify({ spec: { containers: [{ name: 'c', image: 'nginx:1.28' }] } }), contentType: 'application/strategic-merge-patch+json' })).status).toBe(200);
    const res = await http(cluster, 'PATCH', `${NS}/pods/p`, { body: JSON.stringify({ spec: { containers: [{ name: 'c', ports: [{ containerPort: 80 }] }] } }), contentType: 'application/strategic-merge-patch+json' });
    expect(res.status).toBe(422);
    const s = res.json() as unknown as Status;
    expect(s.message.startsWith('Pod "p" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)')).toBe(true);
    expect(s.details.causes.map((c) => [c.reason, c.field])).toEqual([['FieldValueForbidden', 'spec']]);
  });
});
