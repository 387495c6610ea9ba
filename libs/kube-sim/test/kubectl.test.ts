// kubectl v1.32, a client nobody here wrote, drives the simulator through a kubeconfig the simulator writes.

import { spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedCluster } from '../src/index.js';
import { startCluster } from '../src/index.js';
import { DEPLOYMENT, KUBECTL, hasKubectl, kubectl, tempDir } from './helpers.js';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer, description: How big the widget is.}
`;

describe.skipIf(!hasKubectl)('kubectl against the simulator', () => {
  let cluster: SimulatedCluster;
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let kc: string;
  const k = (...args: string[]) => kubectl(kc, args);

  beforeAll(async () => {
    cluster = await startCluster({ name: 'kubectl-test' });
    tmp = await tempDir();
    kc = `${tmp.dir}/admin.kubeconfig`;
    await cluster.writeKubeconfig(kc);
  });
  afterAll(async () => {
    await cluster?.close();
    await tmp?.cleanup();
  });

  it('reports the simulated server version to kubectl, and kubectl 1.32 itself still works against it', async () => {
    const v = await k('version', '-o', 'json');
    expect(v.code).toBe(0);
    expect((JSON.parse(v.stdout) as { serverVersion: { gitVersion: string } }).serverVersion.gitVersion).toBe('v1.29.0');
    // /usr/bin/kubectl may be gcloud's dispatcher, which runs the kubectl matching the server's minor version; the
    // 1.32 binary beside it is the client the simulator promises to serve, skew warning and all.
    const kubectl132 = join(dirname(realpathSync(KUBECTL)), 'kubectl.1.32');
    if (!existsSync(kubectl132)) return;
    const r = await kubectl(kc, ['get', 'namespaces', '-o', 'name'], undefined, kubectl132);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('namespace/default');
  });

  it('lists built-in resources with short names in api-resources, and a CRD once it is established', async () => {
    const before = await k('api-resources');
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/);
    expect(before.stdout).not.toContain('widgets');
    const crd = await tmp.file('crd.yaml', CRD);
    expect((await k('apply', '--server-side', '-f', crd)).code).toBe(0);
    const established = await k('get', 'crd', 'widgets.example.com', '-o', 'jsonpath={.status.conditions[?(@.type=="Established")].status}');
    expect(established.stdout).toBe('True');
    const after = await k('api-resources', '--api-group=example.com');
    expect(after.stdout).toMatch(/widgets\s+wd\s+example.com\/v1\s+true\s+Widget/);
    const widget = await tmp.file('widget.yaml', 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1, namespace: default}\nspec: {size: 3}\n');
    expect((await k('apply', '--server-side', '-f', widget)).code).toBe(0);
    expect((await k('get', 'wd', 'w1', '-o', 'jsonpath={.spec.size}')).stdout).toBe('3');
    const both = await tmp.file('both.yaml', CRD.replace(/widgets/g, 'gizmos').replace(/widget/g, 'gizmo').replace('kind: Widget', 'kind: Gizmo').replace('shortNames: [wd]', 'shortNames: [gz]') + '---\napiVersion: example.com/v1\nkind: Gizmo\nmetadata: {name: g1, namespace: default}\nspec: {size: 1}\n');
    await k('apply', '-f', both);
    expect((await k('apply', '-f', both)).stdout).toContain('gizmo.example.com/g1');
    const explain = await k('explain', 'widget.spec.size');
    expect(explain.stdout).toContain('How big the widget is.');
  });

  it('applies server-side, reports a second manager conflict, and lets --force-conflicts take the field', async () => {
    const v2 = await tmp.file('v2.yaml', DEPLOYMENT(2));
    const v5 = await tmp.file('v5.yaml', DEPLOYMENT(5));
    const first = await k('apply', '--server-side', '-f', v2);
    expect(first.stdout).toContain('deployment.apps/web serverside-applied');
    const conflict = await k('apply', '--server-side', '--field-manager=other', '-f', v5);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas');
    expect((await k('get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}')).stdout).toBe('2');
    const forced = await k('apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', v5);
    expect(forced.code).toBe(0);
    expect((await k('get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}')).stdout).toBe('5');
    const managers = await k('get', 'deploy', 'web', '--show-managed-fields', '-o', 'jsonpath={.metadata.managedFields[*].manager}');
    expect(managers.stdout.split(' ').sort()).toEqual(['kubectl', 'other']);
  });

  // Waiting first also lets the controllers settle, so diff compares a Deployment whose status no longer moves.
  it('waits for the Deployment controller to make the Deployment Available', async () => {
    const out = await k('wait', '--for=condition=Available', 'deployment/web', '--timeout=25s');
    expect(out.stderr).toBe('');
    expect(out.stdout).toContain('deployment.apps/web condition met');
  });

  it('changes nothing on apply --dry-run=server, and diff --server-side exits 1 on a difference, 0 when equal', async () => {
    // A finished rollout has a status that no longer moves, so diff sees only what the manifest changes.
    expect((await k('rollout', 'status', 'deployment/web', '--timeout=25s')).stdout).toContain('successfully rolled out');
    const generation = (await k('get', 'deploy', 'web', '-o', 'jsonpath={.metadata.generation}')).stdout;
    const v9 = await tmp.file('v9.yaml', DEPLOYMENT(9));
    const dry = await k('apply', '--server-side', '--field-manager=other', '--dry-run=server', '-f', v9);
    expect(dry.stdout).toContain('serverside-applied (server dry run)');
    expect((await k('get', 'deploy', 'web', '-o', 'jsonpath={.metadata.generation} {.spec.replicas}')).stdout).toBe(`${generation} 5`);
    const different = await k('diff', '--server-side', '--field-manager=other', '-f', v9);
    expect(different.code).toBe(1);
    expect(different.stdout).toContain('+  replicas: 9');
    const same = await k('diff', '--server-side', '--field-manager=other', '-f', await tmp.file('v5b.yaml', DEPLOYMENT(5)));
    expect(same.code).toBe(0);
    expect(same.stdout).toBe('');
  });

  it('prints the object with get -o yaml', async () => {
    const out = await k('get', 'deploy', 'web', '-o', 'yaml');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('kind: Deployment');
    expect(out.stdout).toMatch(/uid: [0-9a-f-]{36}/);
    expect(out.stdout).toContain('generation: 2');
  });

  it('explains deployment.spec.replicas from the OpenAPI documents', async () => {
    const out = await k('explain', 'deployment.spec.replicas');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('FIELD: replicas <integer>');
  });

  it('streams changes to get --watch', async () => {
    const cm = { group: '', resource: 'configmaps' };
    cluster.store.create(cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'listed', namespace: 'default' } });
    const child = spawn(KUBECTL, ['--kubeconfig', kc, '--cache-dir', `${tmp.dir}/.kube-cache`, 'get', 'configmaps', '--watch', '-o', 'name']);
    const lines: string[] = [];
    const waiters: { name: string; resolve: () => void }[] = [];
    child.stdout.on('data', (d: Buffer) => {
      lines.push(...d.toString().split('\n').filter(Boolean));
      for (const w of waiters) if (lines.includes(w.name)) w.resolve();
    });
    const line = (name: string) => new Promise<void>((resolve) => waiters.push({ name, resolve }));
    try {
      await line('configmap/listed');
      cluster.store.create(cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'watched', namespace: 'default' } });
      await line('configmap/watched');
    } finally {
      child.kill();
    }
    expect(lines.slice(0, 2)).toEqual(['configmap/listed', 'configmap/watched']);
  });

  it('answers auth can-i from the token grants, and shows the Forbidden message to a token without rights', async () => {
    expect((await k('auth', 'can-i', 'create', 'deployments')).stdout.trim()).toBe('yes');
    cluster.grant('reader-token', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'], namespaces: ['default'] }], { user: 'reader' });
    const rc = `${tmp.dir}/reader.kubeconfig`;
    await cluster.writeKubeconfig(rc, { token: 'reader-token', namespace: 'default' });
    const can = await kubectl(rc, ['auth', 'can-i', 'list', 'configmaps']);
    expect(can.stdout.trim()).toBe('yes');
    const list = await kubectl(rc, ['auth', 'can-i', '--list']);
    expect(list.stdout).toMatch(/configmaps\s+\[\]\s+\[\]\s+\[get list\]/);
    expect(list.stdout).not.toContain('deployments');
    const cannot = await kubectl(rc, ['auth', 'can-i', 'delete', 'deployments']);
    expect(cannot.code).toBe(1);
    expect(cannot.stdout.trim()).toBe('no');
    const denied = await kubectl(rc, ['get', 'deployments']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('Error from server (Forbidden): deployments.apps is forbidden: User "reader" cannot list resource "deployments" in API group "apps" in the namespace "default"');
  });

  it('authorizes ServiceAccount tokens (createToken and kubectl create token) by the Role and RoleBinding objects applied to the cluster', async () => {
    const rbac = await tmp.file('rbac.yaml', `apiVersion: v1
kind: Namespace
metadata: {name: agent}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: flotilla-agent, namespace: agent}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: deployer, namespace: agent}
rules:
- apiGroups: [apps]
  resources: [deployments]
  verbs: [get, list, watch, create, patch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: deployer, namespace: agent}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deployer}
subjects:
- {kind: ServiceAccount, name: flotilla-agent, namespace: agent}
`);
    expect((await k('apply', '--server-side', '-f', rbac)).code).toBe(0);
    const token = cluster.createToken({ serviceAccount: { namespace: 'agent', name: 'flotilla-agent' } });
    const sa = `${tmp.dir}/sa.kubeconfig`;
    await cluster.writeKubeconfig(sa, { token, namespace: 'agent' });
    expect((await kubectl(sa, ['get', 'deployments'])).stderr).toContain('No resources found in agent namespace.');
    expect((await kubectl(sa, ['auth', 'can-i', 'patch', 'deployments'])).stdout.trim()).toBe('yes');
    const other = await kubectl(sa, ['get', 'deployments', '-n', 'default']);
    expect(other.stderr).toContain('deployments.apps is forbidden: User "system:serviceaccount:agent:flotilla-agent" cannot list resource "deployments" in API group "apps" in the namespace "default"');
    const secrets = await kubectl(sa, ['get', 'secrets']);
    expect(secrets.stderr).toContain('cannot list resource "secrets" in API group "" in the namespace "agent"');
    const issued = (await k('create', 'token', 'flotilla-agent', '-n', 'agent')).stdout.trim();
    const viaTokenRequest = `${tmp.dir}/issued.kubeconfig`;
    await cluster.writeKubeconfig(viaTokenRequest, { token: issued, namespace: 'agent' });
    expect((await kubectl(viaTokenRequest, ['auth', 'can-i', 'create', 'deployments'])).stdout.trim()).toBe('yes');
    expect((await kubectl(viaTokenRequest, ['auth', 'can-i', 'delete', 'deployments'])).stdout.trim()).toBe('no');
  });

  it('tells a request without a valid token it is Unauthorized', async () => {
    const bad = `${tmp.dir}/bad.kubeconfig`;
    await cluster.writeKubeconfig(bad, { token: 'nobody' });
    const out = await kubectl(bad, ['get', 'configmaps']);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('Unauthorized');
  });

  it('creates a namespace, configmap, secret and deployment with kubectl create (protobuf bodies), and deletes the namespace with its content', async () => {
    expect((await k('create', 'namespace', 'team-a')).stdout).toContain('namespace/team-a created');
    expect((await k('create', 'configmap', 'settings', '-n', 'team-a', '--from-literal=mode=fast')).code).toBe(0);
    expect((await k('create', 'secret', 'generic', 'token', '-n', 'team-a', '--from-literal=key=s3cr3t')).code).toBe(0);
    expect((await k('get', 'configmap', 'settings', '-n', 'team-a', '-o', 'jsonpath={.data.mode}')).stdout).toBe('fast');
    expect((await k('get', 'secret', 'token', '-n', 'team-a', '-o', 'jsonpath={.type} {.data.key}')).stdout).toBe(`Opaque ${Buffer.from('s3cr3t').toString('base64')}`);
    expect((await k('create', 'deployment', 'api', '-n', 'team-a', '--image=api:2', '--port=8080', '--replicas=3')).code).toBe(0);
    const api = await k('get', 'deployment', 'api', '-n', 'team-a', '-o', 'jsonpath={.spec.replicas} {.spec.selector.matchLabels.app} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].containerPort} {.spec.strategy.type}');
    expect(api.stdout).toBe('3 api api:2 8080 RollingUpdate');
    expect((await k('delete', 'namespace', 'team-a')).code).toBe(0);
    const gone = await k('get', 'configmap', 'settings', '-n', 'team-a');
    expect(gone.stderr).toContain('namespaces "team-a" not found');
  });

  it('deletes with kubectl delete and the object is gone', async () => {
    const del = await k('delete', 'deployment', 'web');
    expect(del.stdout).toContain('deployment.apps "web" deleted');
    const get = await k('get', 'deployment', 'web');
    expect(get.code).toBe(1);
    expect(get.stderr).toContain('Error from server (NotFound): deployments.apps "web" not found');
  });
});
