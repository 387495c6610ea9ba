// The agent's memory between restarts: a 0600 directory out of cluster, a Secret and a ConfigMap in cluster.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster } from '@flotilla/kube-sim';
import type { SimulatedCluster } from '@flotilla/kube-sim';
import { tempDir } from '@flotilla/testkit';
import type { TempDir } from '@flotilla/testkit';
import { KubeClient } from '../src/kube/index.js';
import { FileStateStore, KubeStateStore, credentialSecretName, inventoryConfigMapName } from '../src/state/index.js';
import type { AgentState, StoredCredential } from '../src/state/index.js';

const credential: StoredCredential = { clusterId: 'id-1', credential: 'very-secret', expiresAt: '2026-12-01T00:00:00.000Z', issuedAt: '2026-11-23T00:00:00.000Z' };
const state: AgentState = {
  desired: {
    generation: 9007199254740993n,
    clusterId: 'id-1',
    apps: [{ app: 'web', repoUrl: 'https://git.example.com/web.git', path: 'deploy', commit: 'a'.repeat(40), defaultNamespace: 'shop', renderEngine: 'kustomize-binary', selfHeal: false, healthRules: [{ kind: 'example.com/Widget', expression: "object.status.phase == 'Ready' ? 'Healthy' : 'Progressing'" }], parameters: { clusterName: 'c1', clusterLabels: { env: 'prod' }, stage: 'prod' } }],
  },
  lastAppliedGeneration: 7n,
  inventories: { web: [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'a' }, { apiVersion: 'v1', kind: 'Namespace', name: 'shop' }] },
};

describe('FileStateStore', () => {
  let dir: TempDir;
  beforeAll(async () => {
    dir = await tempDir('flotilla-agent-store-');
  });
  afterAll(async () => {
    await dir?.cleanup();
  });

  it('round-trips the credential in a file only its owner can read', async () => {
    const store = new FileStateStore(`${dir.path}/a`);
    expect(await store.loadCredential()).toBeUndefined();
    await store.saveCredential(credential);
    expect(await store.loadCredential()).toEqual(credential);
    expect((await stat(`${dir.path}/a/credential.json`)).mode & 0o777).toBe(0o600);
  });

  it('round-trips the desired state, generations beyond 2^53 included, and keeps the last of concurrent saves', async () => {
    const store = new FileStateStore(`${dir.path}/b`);
    expect(await store.loadState()).toEqual({ desired: undefined, lastAppliedGeneration: 0n, inventories: {} });
    await Promise.all([store.saveState({ ...state, lastAppliedGeneration: 1n }), store.saveState(state)]);
    expect(await new FileStateStore(`${dir.path}/b`).loadState()).toEqual(state);
  });

  it("keeps each application's inventory in its own file, and rewrites only what changed", async () => {
    const store = new FileStateStore(`${dir.path}/e`);
    const two: AgentState = { ...state, inventories: { ...state.inventories, api: [{ apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'api' }] } };
    await store.saveState(two);
    expect(JSON.parse(await readFile(`${dir.path}/e/inventories/api.json`, 'utf8'))).toMatchObject({ app: 'api', objects: [{ kind: 'Service', name: 'api' }] });
    expect(await readFile(`${dir.path}/e/state.json`, 'utf8')).not.toContain('inventories');
    const before = await Promise.all(['state.json', 'inventories/web.json', 'inventories/api.json'].map((f) => stat(`${dir.path}/e/${f}`)));
    await store.saveState({ ...two, inventories: { ...two.inventories, api: [] } });
    const after = await Promise.all(['state.json', 'inventories/web.json', 'inventories/api.json'].map((f) => stat(`${dir.path}/e/${f}`)));
    expect(after.map((s) => s.ino === before[after.indexOf(s)]!.ino)).toEqual([true, true, false]);
    await store.saveState(state);
    expect(await new FileStateStore(`${dir.path}/e`).loadState()).toEqual(state);
  });

  it('reads the inventories of a state file written before they had files of their own', async () => {
    await mkdir(`${dir.path}/f`, { recursive: true });
    const legacy = { version: 1, desired: { ...state.desired, generation: '9007199254740993' }, lastAppliedGeneration: '7', inventories: state.inventories };
    await writeFile(`${dir.path}/f/state.json`, JSON.stringify(legacy));
    expect(await new FileStateStore(`${dir.path}/f`).loadState()).toEqual(state);
  });

  it('names the file and field of a damaged state file instead of crashing', async () => {
    const store = new FileStateStore(`${dir.path}/c`);
    await store.saveState(state);
    const file = `${dir.path}/c/state.json`;
    const text = (await readFile(file, 'utf8')).replace('"commit"', '"kommit"');
    await writeFile(file, text);
    await expect(store.loadState()).rejects.toThrow(`${file}: desired.apps[0].commit: expected a string`);
  });

  it('reads state saved before render engines existed as the built-in engine, and names a damaged engine', async () => {
    const store = new FileStateStore(`${dir.path}/d`);
    await store.saveState(state);
    const file = `${dir.path}/d/state.json`;
    const saved = await readFile(file, 'utf8');
    await writeFile(file, saved.replace(/\s*"renderEngine": "kustomize-binary",/, ''));
    expect((await store.loadState()).desired?.apps[0]?.renderEngine).toBe('builtin');
    await writeFile(file, saved.replace('"kustomize-binary"', '"helm"'));
    await expect(store.loadState()).rejects.toThrow(`${file}: desired.apps[0].renderEngine: expected one of builtin, kustomize-binary, unknown`);
  });
});

describe('KubeStateStore', () => {
  let cluster: SimulatedCluster;
  let kube: KubeClient;
  beforeAll(async () => {
    cluster = await startCluster({ controllers: false });
    kube = KubeClient.from(cluster.kubeconfig());
    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flotilla-system' } }, 'test');
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('keeps the credential in a Secret and the state in a ConfigMap of its namespace', async () => {
    const store = new KubeStateStore(kube, 'flotilla-system');
    expect(await store.loadCredential()).toBeUndefined();
    expect((await store.loadState()).desired).toBeUndefined();
    await store.saveCredential(credential);
    await store.saveState(state);
    const reloaded = new KubeStateStore(KubeClient.from(cluster.kubeconfig()), 'flotilla-system');
    expect(await reloaded.loadCredential()).toEqual(credential);
    expect(await reloaded.loadState()).toEqual(state);
    const secret = await kube.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'flotilla-system', name: credentialSecretName });
    expect(JSON.stringify(secret)).not.toContain('very-secret');
  });

  it("keeps each application's inventory in a ConfigMap of its own and writes nothing when nothing changed", async () => {
    const store = new KubeStateStore(kube, 'flotilla-system');
    const two: AgentState = { ...state, inventories: { ...state.inventories, api: [{ apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'api' }] } };
    await store.saveState(two);
    const api = await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'flotilla-system', name: inventoryConfigMapName('api') });
    expect(JSON.parse((api?.['data'] as Record<string, string>)['inventory.json']!)).toMatchObject({ app: 'api', objects: [{ kind: 'Service', name: 'api' }] });
    const calls: string[] = [];
    const stop = cluster.intercept(({ method, info }) => void calls.push(`${method} ${info.path}`));
    await store.saveState(two);
    await store.saveState({ ...two, inventories: { web: state.inventories['web']! } });
    stop();
    expect(calls).toEqual([`DELETE /api/v1/namespaces/flotilla-system/configmaps/${inventoryConfigMapName('api')}`]);
    expect(await new KubeStateStore(kube, 'flotilla-system').loadState()).toEqual(state);
  });
});
