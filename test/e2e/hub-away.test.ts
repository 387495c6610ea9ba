// The agent's first promise, with real processes: it never exits because the hub is away, keeps its cluster on the
// stored desired state meanwhile, and reconnects promptly when the hub is back.
import { request } from 'node:https';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { startCluster } from '@flotilla/kube-sim';
import type { SimulatedCluster } from '@flotilla/kube-sim';
import { createTestDatabase, postgresAvailable, startGitServer, tempDir, waitFor } from '@flotilla/testkit';
import type { GitServer, TempDir, TestDatabase } from '@flotilla/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { agentBin, freePort, hubBin, run } from './processes.js';
import type { Proc } from './processes.js';

const hasPostgres = await postgresAvailable();

const configMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: greeting
  namespace: default
data:
  hello: world
`;

function rest(base: string, ca: string, token: string) {
  return <T>(method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(new URL(route, base), { method, ca, headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json' } : {}) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as T }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
}

/** The first admin token: printed on the terminal on first start, and kept in a file of the data directory. */
async function adminToken(hub: Proc, dataDir: string): Promise<string> {
  const printed = /flt_api_[A-Za-z0-9_-]+/.exec(hub.output());
  if (printed) return printed[0];
  for (const file of await readdir(dataDir)) {
    const found = /flt_api_[A-Za-z0-9_-]+/.exec(await readFile(path.join(dataDir, file), 'utf8').catch(() => ''));
    if (found) return found[0];
  }
  throw new Error(`no admin token in the hub's output or data directory:\n${hub.output()}`);
}

interface Cluster {
  name: string;
  connected: boolean;
  apps: { app: string; sync: string; health: string; observedCommit: string }[];
}

describe.skipIf(!hasPostgres)('an agent process without its hub', () => {
  const procs: Proc[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const proc of procs) await proc.kill('SIGKILL');
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('stays up, keeps its cluster converged on the stored desired state, and reconnects when the hub returns', async () => {
    const db: TestDatabase = await createTestDatabase();
    cleanups.push(() => db.drop());
    const data: TempDir = await tempDir('flotilla-hub-away-');
    cleanups.push(() => data.cleanup());
    const git: GitServer = await startGitServer();
    cleanups.push(() => git.close());
    await git.createRepo('app');
    const commit = await git.commit('app', { 'deploy/greeting.yaml': configMap });

    const [httpPort, grpcPort] = [await freePort(), await freePort()];
    const hubEnv = {
      DATABASE_URL: db.url,
      FLOTILLA_DATA_DIR: path.join(data.path, 'hub'),
      FLOTILLA_HOST: '127.0.0.1',
      FLOTILLA_HTTP_PORT: String(httpPort),
      FLOTILLA_GRPC_PORT: String(grpcPort),
      FLOTILLA_LOG_LEVEL: 'info',
    };
    const startHubProcess = async () => {
      const hub = run(hubBin, hubEnv);
      procs.push(hub);
      await hub.waitFor(/gRPC: .*\n/);
      return hub;
    };
    let hub = await startHubProcess();
    const token = await adminToken(hub, hubEnv.FLOTILLA_DATA_DIR);
    const caFile = path.join(hubEnv.FLOTILLA_DATA_DIR, 'tls', 'ca.crt');
    const ca = await readFile(caFile, 'utf8');
    const api = rest(`https://127.0.0.1:${httpPort}`, ca, token);
    const bootstrap = await api<{ secret: string }>('POST', '/api/v1/registration-tokens', { description: 'hub-away', maxUses: 2 });
    expect(bootstrap.status).toBe(201);

    const clusters: SimulatedCluster[] = [];
    const agents: Proc[] = [];
    const agentEnv: Record<string, string>[] = [];
    for (const name of ['edge-1', 'edge-2']) {
      const cluster = await startCluster({ name });
      clusters.push(cluster);
      cleanups.push(() => cluster.close());
      const kubeconfig = path.join(data.path, `${name}.kubeconfig`);
      await cluster.writeKubeconfig(kubeconfig);
      const env = {
        FLOTILLA_HUB_ADDRESS: `127.0.0.1:${grpcPort}`,
        FLOTILLA_CLUSTER_NAME: name,
        FLOTILLA_CLUSTER_LABELS: 'env=edge',
        FLOTILLA_BOOTSTRAP_TOKEN: bootstrap.body.secret,
        FLOTILLA_STATE_DIR: path.join(data.path, name),
        FLOTILLA_HUB_CA_FILE: caFile,
        KUBECONFIG: kubeconfig,
      };
      agentEnv.push(env);
      const agent = run(agentBin, env);
      procs.push(agent);
      agents.push(agent);
    }
    const clusterList = async () => (await api<{ clusters: Cluster[] }>('GET', '/api/v1/clusters')).body.clusters;
    const allConnected = async (reported = false) => waitFor(async () => {
      const list = await clusterList().catch(() => []);
      return list.length === 2 && list.every((c) => c.connected && (!reported || c.apps.some((a) => a.sync === 'Synced' && a.observedCommit === commit))) ? list : undefined;
    }, { timeoutMs: 60_000, intervalMs: 50, description: 'both agents connected' });
    await allConnected();

    expect((await api('PUT', '/api/v1/applications/greeting', { repoUrl: git.repoUrl('app'), path: 'deploy', clusterSelector: 'env=edge' })).status).toBe(200);
    expect((await api('POST', '/api/v1/promotions', { app: 'greeting', commit })).status).toBe(201);
    const configMaps = { group: '', version: 'v1', resource: 'configmaps' };
    await waitFor(() => clusters.every((c) => c.store.get(configMaps, 'default', 'greeting') !== undefined), { timeoutMs: 60_000, intervalMs: 50, description: 'ConfigMap applied on both clusters' });

    // The hub dies without a word. Every agent keeps retrying, and lives.
    const marks = agents.map((a) => a.output().length);
    await hub.kill('SIGKILL');
    for (const [i, agent] of agents.entries()) {
      await agent.waitFor(/lost the hub stream/, { from: marks[i] });
      const afterLoss = agent.output().length;
      await agent.waitFor(/reconnecting to the hub[\s\S]*reconnecting to the hub[\s\S]*reconnecting to the hub/, { from: afterLoss });
      expect(agent.alive()).toBe(true);
    }

    // An agent (re)started while the hub is down reconciles what it stored: the object deleted meanwhile comes back.
    expect(await agents[0]!.kill('SIGTERM')).toBe(0);
    clusters[0]!.store.delete(configMaps, 'default', 'greeting');
    expect(clusters[0]!.store.get(configMaps, 'default', 'greeting')).toBeUndefined();
    const restarted = run(agentBin, agentEnv[0]!);
    procs.push(restarted);
    agents[0] = restarted;
    await waitFor(() => clusters[0]!.store.get(configMaps, 'default', 'greeting') !== undefined, { timeoutMs: 60_000, intervalMs: 50, description: 'ConfigMap restored without the hub' });
    await restarted.waitFor(/reconnecting to the hub[\s\S]*reconnecting to the hub/);
    expect(restarted.alive()).toBe(true);

    // The hub comes back on the same address: every agent finds it again.
    hub = await startHubProcess();
    const back = Date.now();
    await allConnected();
    // Printed for the issue notes; the bound is the reconnect backoff cap (8 s) plus jitter, never asserted as time.
    process.stdout.write(`hub-away: every agent reconnected ${Date.now() - back} ms after the hub was back\n`);
    const list = await allConnected(true);
    expect(list.map((c) => c.name).sort()).toEqual(['edge-1', 'edge-2']);
    for (const c of list) expect(c.apps).toEqual([expect.objectContaining({ app: 'greeting', observedCommit: commit, sync: 'Synced' })]);
    for (const agent of agents) {
      expect(agent.alive()).toBe(true);
      expect(agent.output()).not.toMatch(/DeprecationWarning/);
    }
  }, 240_000);
});
