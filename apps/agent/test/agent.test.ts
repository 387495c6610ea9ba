// The whole agent against a real gRPC AgentService, a real git http-backend and a simulated cluster.
import { stat } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock, startCluster } from '@flotilla/kube-sim';
import type { SimulatedCluster } from '@flotilla/kube-sim';
import { HealthStatus, SyncStatus } from '@flotilla/proto';
import { startGitServer, tempDir } from '@flotilla/testkit';
import type { GitServer, TempDir } from '@flotilla/testkit';
import { pino } from 'pino';
import { startAgent } from '../src/index.js';
import type { AgentOptions, RunningAgent } from '../src/index.js';
import { KubeClient } from '../src/kube/index.js';
import { FakeHub, appTarget } from './support/fake-hub.js';

const fast = { initialMs: 20, maxMs: 200, factor: 2, jitter: 0.5 };
const timings = { heartbeatMs: 50, statusDebounceMs: 20, resyncMs: 60_000, healthPollMs: 50, steadyHealthPollMs: 60_000, reconnect: fast, retry: fast };

const configMap = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "${value}"\n`;
const namespace = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;

describe('agent session', () => {
  let git: GitServer;
  let cluster: SimulatedCluster;
  let kube: KubeClient;
  let hub: FakeHub;
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    [git, cluster] = await Promise.all([startGitServer(), startCluster()]);
    kube = KubeClient.from(cluster.kubeconfig());
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await Promise.all([git?.close(), cluster?.close()]);
  });

  async function newHub(options: Partial<ConstructorParameters<typeof FakeHub>[0]> = {}): Promise<FakeHub> {
    const created = new FakeHub({ bootstrapToken: 'boot-1', ...options });
    await created.start();
    cleanups.push(() => created.stop());
    return created;
  }

  async function newAgent(stateDir: string, extra: Partial<AgentOptions> = {}): Promise<RunningAgent> {
    const agent = await startAgent({
      hubAddress: hub.address,
      clusterName: 'c1',
      labels: { env: 'test' },
      bootstrapToken: 'boot-1',
      stateDir,
      kubeconfig: cluster.kubeconfig(),
      insecure: true,
      timings,
      logger: pino({ level: 'silent' }),
      ...extra,
    });
    cleanups.push(() => agent.close());
    return agent;
  }

  async function newStateDir(): Promise<TempDir> {
    const dir = await tempDir('flotilla-agent-state-');
    cleanups.push(() => dir.cleanup());
    return dir;
  }

  /** Resolves when the simulator stores a ConfigMap of that name anew. */
  const recreated = (ns: string, name: string) =>
    new Promise<void>((resolve) => {
      const stop = cluster.store.watch({ group: '', resource: 'configmaps', namespace: ns, name }, (e) => {
        if (e.type !== 'ADDED') return;
        stop();
        resolve();
      });
    });
  const getConfigMap = (ns: string, name: string) => kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name });

  it('registers, says hello, acks the snapshot and reports Synced + Healthy at the commit; follows new commits and prunes', async () => {
    hub = await newHub();
    await git.createRepo('shop');
    const a = await git.commit('shop', { 'deploy/ns.yaml': namespace('shop'), 'deploy/cm.yaml': configMap('settings', 'a'), 'deploy/old.yaml': configMap('old', 'x') });
    hub.setApps([appTarget('shop', git.repoUrl('shop'), a, 'deploy', 'shop')]);
    const dir = await newStateDir();
    const logs: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
    const agent = await newAgent(dir.path, { logger, healthPort: 0, healthHost: '127.0.0.1' });

    const synced = await hub.until(() => {
      const s = hub.latestApp('shop');
      return s?.sync === SyncStatus.SYNCED && s.health === HealthStatus.HEALTHY && s.observedCommit === a && s;
    });
    expect(synced.observedGeneration).toBe(1n);
    expect(synced.resources.map((r) => `${r.kind}/${r.name}`).sort()).toEqual(['ConfigMap/old', 'ConfigMap/settings', 'Namespace/shop']);
    expect(hub.registrations).toEqual([{ clusterName: 'c1', labels: { env: 'test' } }]);
    expect(hub.hellos[0]).toMatchObject({ credential: 'cred-1', lastAppliedGeneration: 0n, agentVersion: '0.1.0' });
    expect(hub.acks).toContain(1n);
    expect((await stat(`${dir.path}/credential.json`)).mode & 0o777).toBe(0o600);
    expect((await getConfigMap('shop', 'settings'))?.metadata.labels?.['app.flotilla.dev/name']).toBe('shop');

    const b = await git.commit('shop', { 'deploy/cm.yaml': configMap('settings', 'b'), 'deploy/old.yaml': null });
    hub.setApps([appTarget('shop', git.repoUrl('shop'), b, 'deploy', 'shop')]);
    await hub.until(() => hub.latestApp('shop')?.sync === SyncStatus.SYNCED && hub.latestApp('shop')?.observedCommit === b);
    expect((await getConfigMap('shop', 'settings'))?.['data']).toEqual({ value: 'b' });
    expect(await getConfigMap('shop', 'old')).toBeUndefined();
    expect(hub.acks).toContain(2n);

    await hub.until(() => hub.heartbeats > 0);

    // A new generation that leaves this app as it was is reported at that generation, without re-applying.
    hub.setApps([appTarget('shop', git.repoUrl('shop'), b, 'deploy', 'shop')]);
    await hub.until(() => hub.latestApp('shop')?.observedGeneration === 3n && hub.latestApp('shop')?.sync === SyncStatus.SYNCED);

    hub.setApps([]);
    await hub.until(() => hub.reports.at(-1)?.apps.length === 0);
    expect(await getConfigMap('shop', 'settings')).toBeUndefined();

    expect((await fetch(`${agent.probesUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${agent.probesUrl}/readyz`)).status).toBe(200);
    expect(logs.join('')).toContain('registered with the hub');
    expect(logs.join('')).not.toMatch(/cred-1|boot-1/);
  });

  it('fails a manifest that is not YAML or lacks a kind, and applies nothing of that app', async () => {
    hub = await newHub();
    await git.createRepo('bad');
    const notYaml = await git.commit('bad', { 'app/good.yaml': configMap('good', '1'), 'app/broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: [unclosed\n' });
    const noKind = await git.commit('bad', { 'app/broken.yaml': 'apiVersion: v1\nmetadata:\n  name: nameless\n' });
    hub.setApps([appTarget('bad', git.repoUrl('bad'), notYaml, 'app', 'default')]);
    const dir = await newStateDir();
    await newAgent(dir.path);

    const failed = await hub.until(() => hub.latestApp('bad')?.sync === SyncStatus.FAILED && hub.latestApp('bad'));
    expect(failed.syncError).toMatch(/^render failed: app\/broken\.yaml/);
    expect(failed.observedCommit).toBe(notYaml);
    expect(await getConfigMap('default', 'good')).toBeUndefined();

    hub.setApps([appTarget('bad', git.repoUrl('bad'), noKind, 'app', 'default')]);
    const failedAgain = await hub.until(() => hub.latestApp('bad')?.observedCommit === noKind && hub.latestApp('bad')?.sync === SyncStatus.FAILED && hub.latestApp('bad'));
    expect(failedAgain.syncError).toMatch(/app\/broken\.yaml.*kind/);
    expect(await getConfigMap('default', 'good')).toBeUndefined();

    // An app that never applied anything disappears from the report once the hub drops it.
    hub.setApps([]);
    await hub.until(() => hub.reports.at(-1)?.apps.length === 0);
  });

  it('fails an unknown commit with the git error and retries it with growing backoff', async () => {
    hub = await newHub();
    await git.createRepo('ghost');
    await git.commit('ghost', { 'app/cm.yaml': configMap('ghost', '1') });
    const missing = '0123456789abcdef0123456789abcdef01234567';
    hub.setApps([appTarget('ghost', git.repoUrl('ghost'), missing, 'app', 'default')]);
    const dir = await newStateDir();
    const retries: number[] = [];
    let thirdFailure!: () => void;
    const failedThrice = new Promise<void>((resolve) => (thirdFailure = resolve));
    const logger = pino({ level: 'warn' }, {
      write: (line: string) => {
        const entry = JSON.parse(line) as { msg: string; retryInMs?: number };
        if (entry.msg !== 'sync failed' || entry.retryInMs === undefined) return;
        retries.push(entry.retryInMs);
        if (retries.length === 3) thirdFailure();
      },
    });
    await newAgent(dir.path, { logger });
    const failed = await hub.until(() => hub.latestApp('ghost')?.sync === SyncStatus.FAILED && hub.latestApp('ghost'));
    expect(failed.syncError).toContain(`git: commit ${missing} not found in ${git.repoUrl('ghost')}`);
    await failedThrice;
    // fast policy: 20 ms doubling with half jitter, so the third wait (40-80 ms) is longer than the first (10-20 ms).
    expect(retries[2]!).toBeGreaterThan(retries[0]!);
  });

  it('redials a hub that is away with growing, jittered delays and connects once it is back', async () => {
    hub = await newHub();
    const address = hub.address;
    await hub.stop();
    const dir = await newStateDir();
    const delays: number[] = [];
    let fourthRetry!: () => void;
    const retriedFourTimes = new Promise<void>((resolve) => (fourthRetry = resolve));
    const logger = pino({ level: 'info' }, {
      write: (line: string) => {
        const entry = JSON.parse(line) as { msg: string; retryInMs?: number };
        if (entry.msg !== 'reconnecting to the hub' || entry.retryInMs === undefined) return;
        delays.push(entry.retryInMs);
        if (delays.length === 4) fourthRetry();
      },
    });
    const agent = await newAgent(dir.path, { logger, hubAddress: address });
    await retriedFourTimes;
    // fast policy: 20 ms doubling, half of it jittered: attempt n waits within [20*2^n/2, 20*2^n].
    delays.slice(0, 4).forEach((delay, n) => {
      expect(delay).toBeGreaterThanOrEqual(10 * 2 ** n);
      expect(delay).toBeLessThanOrEqual(20 * 2 ** n);
    });
    const port = Number(address.split(':').pop());
    hub = await newHub({ port });
    await hub.until(() => agent.connected());
  });

  it('keeps applying the stored desired state while the hub is down, across an agent restart, then reconnects', async () => {
    hub = await newHub();
    await git.createRepo('steady');
    const a = await git.commit('steady', { 'app/cm.yaml': configMap('steady', 'a') });
    hub.setApps([appTarget('steady', git.repoUrl('steady'), a, 'app', 'default')]);
    const dir = await newStateDir();
    const first = await newAgent(dir.path);
    await hub.until(() => hub.latestApp('steady')?.sync === SyncStatus.SYNCED);

    await hub.stop();
    // The watch sees the deletion and the agent puts the object back by itself, hub or no hub.
    const back = recreated('default', 'steady');
    await kube.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'steady' });
    await back;
    expect((await getConfigMap('default', 'steady'))?.['data']).toEqual({ value: 'a' });
    await first.close();

    // A restarted agent with the hub still down reconciles what it stored.
    await kube.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'steady' });
    const second = await newAgent(dir.path, { bootstrapToken: undefined });
    await new Promise<void>((resolve) => {
      const off = second.onStatus((statuses) => {
        if (statuses.some((s) => s.app === 'steady' && s.sync === 'Synced')) {
          off();
          resolve();
        }
      });
    });
    expect((await getConfigMap('default', 'steady'))?.['data']).toEqual({ value: 'a' });
    expect(second.connected()).toBe(false);

    // The hub comes back on the same address: the agent reconnects by itself and reports where it is.
    const hellosBefore = hub.hellos.length;
    await hub.start();
    const hello = await hub.until(() => hub.hellos.length > hellosBefore && hub.hellos.at(-1));
    expect(hello).toMatchObject({ credential: 'cred-1', lastAppliedGeneration: 1n });
    expect(hub.registrations).toHaveLength(1);
  });

  it('stops with a clear reason when the hub revokes its credential', async () => {
    hub = await newHub();
    hub.setApps([]);
    const dir = await newStateDir();
    const agent = await newAgent(dir.path);
    await hub.until(() => hub.hellos.length > 0);
    hub.revoke('cred-1');
    const reason = await agent.stopped;
    expect(reason).toEqual({ kind: 'stopped', message: expect.stringContaining('the hub rejected the cluster credential (revoked?)') });
    expect(reason.kind === 'stopped' && reason.message).not.toContain('cred-1');
  });

  it('registers again after a revocation with only a new bootstrap token and a restart, under the new identity', async () => {
    hub = await newHub();
    await git.createRepo('rereg');
    const a = await git.commit('rereg', { 'app/cm.yaml': configMap('rereg', 'a') });
    hub.setApps([appTarget('rereg', git.repoUrl('rereg'), a, 'app', 'default')]);
    hub.setApps([appTarget('rereg', git.repoUrl('rereg'), a, 'app', 'default')]);
    const dir = await newStateDir();
    const first = await newAgent(dir.path);
    await hub.until(() => hub.acks.includes(2n));
    hub.revoke('cred-1');
    expect(await first.stopped).toMatchObject({ kind: 'stopped', message: expect.stringContaining('new FLOTILLA_BOOTSTRAP_TOKEN') });

    // Without a bootstrap token the refused credential is not presented again: the agent says what it needs.
    const withoutToken = await newAgent(dir.path, { bootstrapToken: undefined });
    expect(await withoutToken.stopped).toMatchObject({ kind: 'stopped', message: expect.stringContaining('set FLOTILLA_BOOTSTRAP_TOKEN to a new bootstrap token') });

    // The hub knows the cluster anew: its generations start over, below what the agent stored.
    hub.generation = 0n;
    const b = await git.commit('rereg', { 'app/cm.yaml': configMap('rereg', 'b') });
    hub.setApps([appTarget('rereg', git.repoUrl('rereg'), b, 'app', 'default')]);
    const hellos = hub.hellos.length;
    const second = await newAgent(dir.path);
    const hello = await hub.until(() => hub.hellos.length > hellos && hub.hellos.at(-1));
    expect(hub.registrations).toHaveLength(2);
    expect(hello).toMatchObject({ credential: 'cred-2', lastAppliedGeneration: 0n });
    await hub.until(() => hub.acks.at(-1) === 1n);
    await hub.until(() => hub.latestApp('rereg')?.sync === SyncStatus.SYNCED && hub.latestApp('rereg')?.observedCommit === b);
    expect((await getConfigMap('default', 'rereg'))?.['data']).toEqual({ value: 'b' });
    expect(second.connected()).toBe(true);
  });

  it('refuses to start registering with a wrong bootstrap token, saying why', async () => {
    hub = await newHub();
    const dir = await newStateDir();
    const agent = await newAgent(dir.path, { bootstrapToken: 'wrong' });
    const reason = await agent.stopped;
    expect(reason).toEqual({ kind: 'stopped', message: 'the hub refused registration of cluster c1: bootstrap token is unknown or expired' });
  });

  it('reports Progressing after apply, then Healthy or Degraded as the workloads settle', async () => {
    const simClock = new FakeClock();
    const slowCluster = await startCluster({ clock: simClock });
    cleanups.push(() => slowCluster.close());
    hub = await newHub();
    await git.createRepo('workloads');
    const deployment = (name: string, fault?: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  replicas: 2\n  progressDeadlineSeconds: 60\n  selector:\n    matchLabels: { app: ${name} }\n  template:\n    metadata:\n      labels: { app: ${name} }\n${fault ? `      annotations: { sim.flotilla.dev/fault: ${fault} }\n` : ''}    spec:\n      containers:\n        - { name: main, image: nginx:1.27 }\n`;
    const commit = await git.commit('workloads', { 'ok/web.yaml': deployment('web'), 'crash/api.yaml': deployment('api', 'crash-loop') });
    hub.setApps([appTarget('ok', git.repoUrl('workloads'), commit, 'ok', 'default'), appTarget('crash', git.repoUrl('workloads'), commit, 'crash', 'default')]);
    const dir = await newStateDir();
    await newAgent(dir.path, { kubeconfig: slowCluster.kubeconfig() });

    const progressing = await hub.until(() => hub.latestApp('ok')?.sync === SyncStatus.SYNCED && hub.latestApp('ok')?.health === HealthStatus.PROGRESSING && hub.latestApp('ok'));
    expect(progressing.healthMessage).toContain('Deployment default/web');
    await hub.until(() => hub.latestApp('crash')?.sync === SyncStatus.SYNCED);

    simClock.advance(120_000);
    const healthy = await hub.until(() => hub.latestApp('ok')?.health === HealthStatus.HEALTHY && hub.latestApp('ok'));
    expect(healthy.resources[0]).toMatchObject({ kind: 'Deployment', name: 'web', health: HealthStatus.HEALTHY, message: '2/2 replicas available' });
    const degraded = await hub.until(() => hub.latestApp('crash')?.health === HealthStatus.DEGRADED && hub.latestApp('crash'));
    expect(degraded.healthMessage).toContain('Deployment default/api: Deployment exceeded its progress deadline');
  });

  it('keeps its credential in a Secret of its namespace when running in cluster mode', async () => {
    hub = await newHub();
    hub.setApps([]);
    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flotilla-system' } }, 'test');
    const agent = await startAgent({ hubAddress: hub.address, clusterName: 'c1', bootstrapToken: 'boot-1', stateNamespace: 'flotilla-system', kubeconfig: cluster.kubeconfig(), insecure: true, timings, logger: pino({ level: 'silent' }) });
    cleanups.push(() => agent.close());
    await hub.until(() => hub.hellos.length > 0);
    const secret = await kube.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'flotilla-system', name: 'flotilla-agent-credential' });
    const stored = JSON.parse(Buffer.from((secret?.['data'] as Record<string, string>)['credential.json']!, 'base64').toString('utf8')) as { credential: string };
    expect(stored.credential).toBe('cred-1');
  });

  it('rotates its credential before it expires and reconnects with the new one', async () => {
    hub = await newHub({ credentialTtlMs: 600 });
    hub.setApps([]);
    const dir = await newStateDir();
    await newAgent(dir.path);
    const hello = await hub.until(() => hub.hellos.find((h) => h.credential === 'cred-2'));
    expect(hello.credential).toBe('cred-2');
    expect(hub.rotations).toBeGreaterThanOrEqual(1);
  });
});
