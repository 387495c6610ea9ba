// kubectl, a client nobody here wrote, reads our OpenAPI documents: explain renders from them, and create leaves field
// validation to the server only when the v3 document says the server supports it.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomResourceSchema } from '../src/index.js';
import { startDiscoveryServer, type TestServer } from './discovery-server.js';

const KUBECTL = '/usr/bin/kubectl';
const hasKubectl = existsSync(KUBECTL);
if (!hasKubectl) console.warn(`kubectl not found at ${KUBECTL}: skipping the kubectl tests`);

const cronTab: CustomResourceSchema = {
  group: 'stable.example.com',
  version: 'v1',
  kind: 'CronTab',
  plural: 'crontabs',
  namespaced: true,
  schema: { type: 'object', properties: { spec: { type: 'object', properties: { cronSpec: { type: 'string', description: 'The cron schedule to run on.' } } } } },
};

describe.skipIf(!hasKubectl)('kubectl against our OpenAPI documents', () => {
  let server: TestServer;
  let dir: string;
  const runWithStderr = async (...args: string[]): Promise<{ stdout: string; stderr: string }> =>
    promisify(execFile)(KUBECTL, args, { env: { ...process.env, KUBECONFIG: join(dir, 'kubeconfig'), HOME: dir } });
  const run = async (...args: string[]): Promise<string> => (await runWithStderr(...args)).stdout;

  beforeAll(async () => {
    server = await startDiscoveryServer([cronTab]);
    dir = await mkdtemp(join(tmpdir(), 'kube-schema-kubectl-'));
    await writeFile(
      join(dir, 'kubeconfig'),
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'sim', cluster: { server: server.url } }],
        users: [{ name: 'sim', user: { token: 'test' } }],
        contexts: [{ name: 'sim', context: { cluster: 'sim', user: 'sim', namespace: 'default' } }],
        'current-context': 'sim',
      }),
    );
  });

  afterAll(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('explains a built-in field from the v3 document', async () => {
    const out = await run('explain', 'deploy.spec.strategy');
    expect(out).toContain('KIND:       Deployment');
    expect(out).toContain('rollingUpdate\t<RollingUpdateDeployment>');
  });

  it('explains a CRD field once the CRD schema is added', async () => {
    const out = await run('explain', 'crontabs.spec');
    expect(out).toContain('GROUP:      stable.example.com');
    expect(out).toContain('The cron schedule to run on.');
  });

  it('explains from the protobuf OpenAPI v2 document when asked to', async () => {
    const builtin = await run('explain', 'deploy.spec.template.spec.containers.ports', '--output=plaintext-openapiv2');
    expect(builtin).toContain('containerPort\t<integer> -required-');
    const custom = await run('explain', 'crontabs.spec', '--output=plaintext-openapiv2');
    expect(custom).toContain('The cron schedule to run on.');
  });

  it('asks the server to validate fields strictly for built-in kinds and custom resources', async () => {
    const manifest = join(dir, 'objects.yaml');
    await writeFile(
      manifest,
      [
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: b}\n',
        'apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: nightly}\nspec: {cronSpec: "0 0 * * *"}\n',
      ].join('---\n'),
    );
    await run('create', '-f', manifest);
    const posts = server.requests.filter((r) => r.method === 'POST' && r.url.includes('kubectl-create')).map((r) => r.url);
    expect(posts).toEqual([
      '/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create&fieldValidation=Strict',
      '/apis/stable.example.com/v1/namespaces/default/crontabs?fieldManager=kubectl-create&fieldValidation=Strict',
    ]);
  });

  it('computes a client-side apply patch from the v3 patch metadata: strategic for built-ins, merge for custom resources', async () => {
    const manifest = join(dir, 'apply.yaml');
    const write = (image: string, cron: string): Promise<void> =>
      writeFile(
        manifest,
        [
          `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - {name: app, image: "${image}"}\n      - {name: sidecar, image: busybox}\n`,
          `apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: weekly}\nspec: {cronSpec: "${cron}"}\n`,
        ].join('---\n'),
      );
    await write('nginx:1.25', '0 0 * * 0');
    await run('apply', '-f', manifest);
    await write('nginx:1.26', '0 1 * * 0');
    const { stderr } = await runWithStderr('apply', '-f', manifest);
    expect(stderr).not.toContain('error calculating patch');
    const patches = server.requests.filter((r) => r.method === 'PATCH');
    expect(patches.map((p) => p.contentType)).toEqual(['application/strategic-merge-patch+json', 'application/merge-patch+json']);
    const smp = JSON.parse(patches[0]!.body) as { spec: { template: { spec: Record<string, unknown> } } };
    expect(smp.spec.template.spec['$setElementOrder/containers']).toEqual([{ name: 'app' }, { name: 'sidecar' }]);
    expect(smp.spec.template.spec['containers']).toEqual([{ image: 'nginx:1.26', name: 'app' }]);
    expect(await run('get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[*].image}')).toBe('nginx:1.26 busybox');
  });
});
