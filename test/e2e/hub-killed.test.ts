// A hub process killed (SIGKILL) in the middle of a wave and started again: the promotion continues from where it was
// stored, no wave runs twice or is skipped, and no agent is ever sent an older commit.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startAgent } from '@flotilla/agent';
import type { RunningAgent } from '@flotilla/agent';
import { startCluster } from '@flotilla/kube-sim';
import type { SimulatedCluster } from '@flotilla/kube-sim';
import { createTestDatabase, postgresAvailable, startGitServer, tempDir, waitFor } from '@flotilla/testkit';
import type { GitServer, TempDir, TestDatabase } from '@flotilla/testkit';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, hubBin, run } from './processes.js';
import type { Proc } from './processes.js';

const hasPostgres = await postgresAvailable();

const configMap = (value: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: default
data:
  value: "${value}"
`;

interface Promotion {
  id: string;
  state: string;
  message: string;
  stages: { waves: { name: string; state: string }[] }[];
  events: { type: string; wave: string }[];
}

describe.skipIf(!hasPostgres)('a hub killed mid-wave', () => {
  const procs: Proc[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const p of procs) await p.kill('SIGKILL');
    for (const c of cleanups.reverse()) await c();
  });

  it('resumes the promotion where it was: no wave re-run or skipped, no older commit sent', async () => {
    const db: TestDatabase = await createTestDatabase();
    cleanups.push(() => db.drop());
    const data: TempDir = await tempDir('flotilla-hub-killed-');
    cleanups.push(() => data.cleanup());
    const git: GitServer = await startGitServer();
    cleanups.push(() => git.close());
    await git.createRepo('app');
    const v1 = await git.commit('app', { 'deploy/settings.yaml': configMap('v1') });
    const v2 = await git.commit('app', { 'deploy/settings.yaml': configMap('v2') });

    const [httpPort, grpcPort] = [await freePort(), await freePort()];
    const env = {
      DATABASE_URL: db.url,
      FLOTILLA_DATA_DIR: path.join(data.path, 'hub'),
      FLOTILLA_HOST: '127.0.0.1',
      FLOTILLA_HTTP_PORT: String(httpPort),
      FLOTILLA_GRPC_PORT: String(grpcPort),
      FLOTILLA_INSECURE: 'true',
    };
    const startHubProcess = async () => {
      const hub = run(hubBin, env);
      procs.push(hub);
      await hub.waitFor(/gRPC: .*\n/);
      return hub;
    };
    let hub = await startHubProcess();
    // The first admin token goes to the terminal when there is one, and always to a 0600 file in the data directory.
    const token = (/flt_api_[A-Za-z0-9_-]+/.exec(hub.output()) ?? /flt_api_[A-Za-z0-9_-]+/.exec(await readFile(path.join(env.FLOTILLA_DATA_DIR, 'admin-token'), 'utf8')))?.[0];
    expect(token, hub.output()).toBeDefined();
    const api = async <T>(method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> => {
      const res = await fetch(`http://127.0.0.1:${httpPort}${route}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json()) as T };
    };
    const bootstrap = await api<{ secret: string }>('POST', '/api/v1/registration-tokens', { maxUses: 3 });

    const agents: RunningAgent[] = [];
    const seen = new Map<string, string[]>();
    for (const region of ['eu', 'us', 'ap']) {
      const cluster: SimulatedCluster = await startCluster({ name: `prod-${region}` });
      cleanups.push(() => cluster.close());
      const state = await tempDir('flotilla-agent-');
      cleanups.push(() => state.cleanup());
      const agent = await startAgent({
        hubAddress: `127.0.0.1:${grpcPort}`,
        clusterName: `prod-${region}`,
        labels: { env: 'prod', region },
        bootstrapToken: bootstrap.body.secret,
        stateDir: state.path,
        kubeconfig: cluster.kubeconfig(),
        insecure: true,
        logger: pino({ level: 'silent' }),
        timings: { statusDebounceMs: 20, healthPollMs: 100, heartbeatMs: 500, reconnect: { initialMs: 50, maxMs: 500, factor: 2, jitter: 0.5 } },
      });
      cleanups.push(() => agent.close());
      agents.push(agent);
      const commits: string[] = [];
      seen.set(`prod-${region}`, commits);
      agent.onStatus((statuses) => {
        for (const s of statuses) if (s.observedCommit && commits.at(-1) !== s.observedCommit) commits.push(s.observedCommit);
      });
    }
    const stages = [{ name: 'prod', selector: 'env=prod', waves: ['eu', 'us', 'ap'].map((r) => ({ name: r, selector: `region=${r}`, bake: '4s', staleAfter: '1m' })) }];
    expect((await api('PUT', '/api/v1/applications/app', { repoUrl: git.repoUrl('app'), path: 'deploy', stages })).status).toBe(200);
    const getPromotion = async (id: string) => (await api<{ promotion: Promotion }>('GET', `/api/v1/promotions/${id}`)).body.promotion;
    const until = (id: string, what: string, check: (p: Promotion) => boolean) =>
      waitFor(async () => {
        const p = await getPromotion(id).catch(() => undefined);
        return p && check(p) ? p : undefined;
      }, { timeoutMs: 90_000, intervalMs: 100, description: what });

    // v1 everywhere first, so v2 has something to replace.
    const first = await api<{ promotion: Promotion }>('POST', '/api/v1/promotions', { app: 'app', commit: v1 });
    await until(first.body.promotion.id, 'v1 everywhere', (p) => p.state === 'Succeeded');

    const second = await api<{ promotion: Promotion }>('POST', '/api/v1/promotions', { app: 'app', commit: v2 });
    const id = second.body.promotion.id;
    await until(id, 'wave us baking', (p) => p.stages[0]?.waves[1]?.state === 'Progressing');

    await hub.kill('SIGKILL');
    hub = await startHubProcess();
    const done = await until(id, 'the promotion to finish after the restart', (p) => p.state !== 'Progressing');
    expect(done.state, done.message).toBe('Succeeded');
    const started = done.events.filter((e) => e.type === 'WaveStarted').map((e) => e.wave);
    const succeeded = done.events.filter((e) => e.type === 'WaveSucceeded').map((e) => e.wave);
    expect(started).toEqual(['eu', 'us', 'ap']);
    expect(succeeded).toEqual(['eu', 'us', 'ap']);
    for (const [cluster, commits] of seen) expect(commits, cluster).toEqual([v1, v2]);
  }, 240_000);
});
