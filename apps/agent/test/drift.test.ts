// Drift and steady state against a simulated cluster: hand edits are reported with their field paths and healed, a
// reconcile of an unchanged app costs a constant number of API calls, removed files are pruned and nothing else.
import { rm } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCluster } from '@flotilla/kube-sim';
import type { SimulatedCluster } from '@flotilla/kube-sim';
import { HealthStatus, SyncStatus } from '@flotilla/proto';
import { startGitServer, tempDir } from '@flotilla/testkit';
import type { GitServer } from '@flotilla/testkit';
import { pino } from 'pino';
import { startAgent } from '../src/index.js';
import type { AgentOptions, AppStatusValue, RunningAgent } from '../src/index.js';
import { KubeClient } from '../src/kube/index.js';
import { FakeHub, appTarget } from './support/fake-hub.js';

const fast = { initialMs: 20, maxMs: 200, factor: 2, jitter: 0.5 };
const timings = { heartbeatMs: 1000, statusDebounceMs: 20, resyncMs: 600_000, healthPollMs: 60_000, steadyHealthPollMs: 60_000, reconnect: fast, retry: fast };

const namespace = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;
const configMap = (name: string, value = 'v') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "${value}"\n`;
const deployment = (name: string, replicas = 1) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec: { containers: [{ name: ${name}, image: nginx:1.27 }] }
`;

describe('drift and steady state', () => {
  let git: GitServer;
  let cluster: SimulatedCluster;
  let kube: KubeClient;
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    [git, cluster] = await Promise.all([startGitServer(), startCluster({ controllers: { stepMs: 20 } })]);
    kube = KubeClient.from(cluster.kubeconfig());
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    kube?.close();
    await Promise.all([git?.close(), cluster?.close()]);
  });

  async function setup(extra: Partial<AgentOptions['timings']> = {}): Promise<{ hub: FakeHub; agent: RunningAgent }> {
    const hub = new FakeHub({ bootstrapToken: 'boot-1' });
    await hub.start();
    cleanups.push(() => hub.stop());
    const dir = await tempDir('flotilla-agent-drift-');
    cleanups.push(() => dir.cleanup());
    const agent = await startAgent({ hubAddress: hub.address, clusterName: 'c1', bootstrapToken: 'boot-1', stateDir: dir.path, kubeconfig: cluster.kubeconfig(), insecure: true, timings: { ...timings, ...extra }, logger: pino({ level: 'silent' }) });
    cleanups.push(() => agent.close());
    return { hub, agent };
  }

  const synced = (hub: FakeHub, app: string, commit: string) =>
    hub.until(() => {
      const s = hub.latestApp(app);
      return s?.sync === SyncStatus.SYNCED && s.observedCommit === commit && s.health === HealthStatus.HEALTHY && s;
    });
  const replicas = async (ns: string, name: string) => ((await kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name }))?.['spec'] as { replicas?: number }).replicas;
  const handEdit = async (ns: string, name: string, patch: unknown) =>
    kube.request('PATCH', `/apis/apps/v1/namespaces/${ns}/deployments/${name}`, { query: { fieldManager: 'kubectl-edit' }, body: patch, contentType: 'application/merge-patch+json' });
  const statusWhere = (agent: RunningAgent, predicate: (s: AppStatusValue) => boolean) =>
    new Promise<AppStatusValue>((resolve) => {
      const off = agent.onStatus((statuses) => {
        const found = statuses.find(predicate);
        if (!found) return;
        off();
        resolve(found);
      });
    });

  it('reports a hand-edited Deployment OutOfSync with the edited field paths, and heals it', async () => {
    const { hub, agent } = await setup();
    await git.createRepo('heal');
    const commit = await git.commit('heal', { 'app/ns.yaml': namespace('heal'), 'app/web.yaml': deployment('web', 1) });
    hub.setApps([appTarget('heal', git.repoUrl('heal'), commit, 'app', 'heal')]);
    const first = await synced(hub, 'heal', commit);
    expect(first.manifestDigest).toMatch(/^[0-9a-f]{64}$/);

    const outOfSync = statusWhere(agent, (s) => s.sync === 'OutOfSync' && s.drift.length > 0);
    await handEdit('heal', 'web', { spec: { replicas: 3, template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } } } });
    const drifted = await outOfSync;
    expect(drifted.drift).toEqual([{ ref: expect.objectContaining({ kind: 'Deployment', namespace: 'heal', name: 'web' }), paths: ['spec.replicas', 'spec.template.spec.containers[0].image'], deleted: false }]);

    await statusWhere(agent, (s) => s.app === 'heal' && s.sync === 'Synced' && s.drift.length === 0);
    expect(await replicas('heal', 'web')).toBe(1);
  });

  it('without selfHeal reports the drift to the hub with its field paths and leaves the object as it was edited', async () => {
    const { hub, agent } = await setup();
    await git.createRepo('manual');
    const commit = await git.commit('manual', { 'app/ns.yaml': namespace('manual'), 'app/web.yaml': deployment('web', 1) });
    hub.setApps([{ ...appTarget('manual', git.repoUrl('manual'), commit, 'app', 'manual'), selfHeal: false }]);
    await synced(hub, 'manual', commit);

    await handEdit('manual', 'web', { spec: { replicas: 2 } });
    const reported = await hub.until(() => {
      const s = hub.latestApp('manual');
      return s?.sync === SyncStatus.OUT_OF_SYNC && s.drifted.length > 0 && s;
    });
    expect(reported.drifted.map((d) => [d.kind, d.namespace, d.name, d.fieldPaths])).toEqual([['Deployment', 'manual', 'web', ['spec.replicas']]]);
    await agent.reconcileNow();
    expect(await replicas('manual', 'web')).toBe(2);
    expect(hub.latestApp('manual')?.sync).toBe(SyncStatus.OUT_OF_SYNC);
  });

  it('reconciles an unchanged app with a constant number of API calls, however many objects it has', async () => {
    // Every pass is a resync (resyncMs 0): with nothing changed it must still send nothing to the cluster.
    const { hub, agent } = await setup({ resyncMs: 0 });
    await git.createRepo('steady');
    const files: Record<string, string> = { 'app/ns.yaml': namespace('steady'), 'app/web.yaml': deployment('web') };
    for (let i = 0; i < 20; i++) files[`app/cm-${i}.yaml`] = configMap(`cm-${i}`);
    const commit = await git.commit('steady', files);
    hub.setApps([appTarget('steady', git.repoUrl('steady'), commit, 'app', 'steady')]);
    await synced(hub, 'steady', commit);
    await agent.reconcileNow();

    const calls: string[] = [];
    const stop = cluster.intercept(({ method, info }) => {
      calls.push(`${method} ${info.path}`);
      return undefined;
    });
    for (let i = 0; i < 5; i++) await agent.reconcileNow();
    stop();
    expect(calls).toEqual([]);
    expect(hub.latestApp('steady')?.sync).toBe(SyncStatus.SYNCED);
  });

  it('rebuilds a lost inventory from the ownership label, so a file removed meanwhile is still pruned', async () => {
    const hub = new FakeHub({ bootstrapToken: 'boot-1' });
    await hub.start();
    cleanups.push(() => hub.stop());
    const dir = await tempDir('flotilla-agent-rebuild-');
    cleanups.push(() => dir.cleanup());
    const start = () => startAgent({ hubAddress: hub.address, clusterName: 'c1', bootstrapToken: 'boot-1', stateDir: dir.path, kubeconfig: cluster.kubeconfig(), insecure: true, timings, logger: pino({ level: 'silent' }) });
    await git.createRepo('lost');
    const a = await git.commit('lost', { 'app/ns.yaml': namespace('lost'), 'app/keep.yaml': configMap('keep'), 'app/gone.yaml': configMap('gone') });
    hub.setApps([appTarget('lost', git.repoUrl('lost'), a, 'app', 'lost')]);
    const first = await start();
    await synced(hub, 'lost', a);
    await first.close();
    await rm(`${dir.path}/inventories/lost.json`);

    const b = await git.commit('lost', { 'app/gone.yaml': null });
    hub.setApps([appTarget('lost', git.repoUrl('lost'), b, 'app', 'lost')]);
    const second = await start();
    cleanups.push(() => second.close());
    await synced(hub, 'lost', b);
    expect(await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'lost', name: 'gone' })).toBeUndefined();
    expect(await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'lost', name: 'keep' })).toBeDefined();
  });

  it('prunes a removed file, but not an object of the same name that someone else owns', async () => {
    const { hub } = await setup();
    await git.createRepo('prune');
    const a = await git.commit('prune', { 'app/ns.yaml': namespace('prune'), 'app/keep.yaml': configMap('keep'), 'app/gone.yaml': configMap('gone'), 'app/taken.yaml': configMap('taken') });
    // Without selfHeal, so that what someone else does to our objects stays as they left it.
    const target = (commit: string) => ({ ...appTarget('prune', git.repoUrl('prune'), commit, 'app', 'prune'), selfHeal: false });
    hub.setApps([target(a)]);
    await synced(hub, 'prune', a);
    // Someone replaces one of ours with their own object of the same name, and keeps one of the same name elsewhere.
    const ref = (name: string, ns = 'prune') => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name });
    await kube.delete(ref('taken'));
    await kube.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'taken', namespace: 'prune' }, data: { owner: 'someone' } }, 'someone-else');
    await kube.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gone', namespace: 'default' }, data: { owner: 'someone' } }, 'someone-else');

    const b = await git.commit('prune', { 'app/gone.yaml': null, 'app/taken.yaml': null });
    hub.setApps([target(b)]);
    await synced(hub, 'prune', b);
    expect(await kube.get(ref('gone'))).toBeUndefined();
    expect(await kube.get(ref('keep'))).toBeDefined();
    expect((await kube.get(ref('taken')))?.['data']).toEqual({ owner: 'someone' });
    expect((await kube.get(ref('gone', 'default')))?.['data']).toEqual({ owner: 'someone' });
  });
});
