// Two hub replicas on one PostgreSQL: exactly one drives promotions; an agent connected to the follower gets its new
// desired state through LISTEN/NOTIFY; a revocation on one replica closes the stream the other holds; when the leader
// goes, the follower takes over.
import { startAgent } from '@flotilla/agent';
import { startHub } from '@flotilla/hub';
import type { RunningHub } from '@flotilla/hub';
import { startCluster } from '@flotilla/kube-sim';
import { createTestDatabase, postgresAvailable, startGitServer, tempDir, waitFor } from '@flotilla/testkit';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, restClient } from './support.js';

const hasPostgres = await postgresAvailable();
const quiet = pino({ level: 'silent' });

describe.skipIf(!hasPostgres)('two hub replicas on one PostgreSQL', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it('lets one drive, relays desired state and revocations to the other, and hands the lead over', async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const git = await startGitServer();
    cleanups.push(() => git.close());
    const leader: RunningHub = await startHub({ databaseUrl: db.url, dataDir: 'memory://', logger: quiet, statusFlushIntervalMs: 50 });
    cleanups.push(() => leader.close());
    const follower: RunningHub = await startHub({ databaseUrl: db.url, dataDir: 'memory://', logger: quiet, statusFlushIntervalMs: 50 });
    cleanups.push(() => follower.close());
    expect(leader.coordination.isLeader()).toBe(true);
    expect(follower.coordination.isLeader()).toBe(false);
    expect(follower.rollout.isDriving).toBe(false);

    const admin = leader.adminToken!;
    const rest = restClient(leader, admin);
    const cluster = await startCluster({ name: 'edge' });
    cleanups.push(() => cluster.close());
    const state = await tempDir('flotilla-agent-');
    cleanups.push(() => state.cleanup());
    const bootstrap = await rest<{ secret: string }>('POST', '/api/v1/registration-tokens', { maxUses: 1 });
    // The agent talks to the follower only.
    const agent = await startAgent({
      hubAddress: follower.grpcAddress,
      clusterName: 'edge',
      labels: { env: 'edge' },
      bootstrapToken: bootstrap.body.secret,
      stateDir: state.path,
      kubeconfig: cluster.kubeconfig(),
      insecure: true,
      logger: quiet,
      timings: { statusDebounceMs: 20, healthPollMs: 100, heartbeatMs: 500, reconnect: { initialMs: 50, maxMs: 500, factor: 2, jitter: 0.5 } },
    });
    cleanups.push(() => agent.close());
    await waitFor(() => agent.connected(), { timeoutMs: 30_000, description: 'agent connected to the follower' });

    await git.createRepo('app');
    const commit = await git.commit('app', {
      'deploy/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: relayed\n  namespace: default\ndata:\n  a: b\n',
    });
    expect((await rest('PUT', '/api/v1/applications/app', { repoUrl: git.repoUrl('app'), path: 'deploy', clusterSelector: 'env=edge' })).status).toBe(200);
    const created = await rest<{ promotion: { id: string } }>('POST', '/api/v1/promotions', { app: 'app', commit });
    expect(created.status).toBe(201);
    // The leader wrote the desired state; the follower's stream pushed it; the follower ingested the status; the leader
    // decided on it.
    await waitFor(() => cluster.store.get({ group: '', version: 'v1', resource: 'configmaps' }, 'default', 'relayed') !== undefined, { timeoutMs: 30_000, description: 'ConfigMap applied through the follower' });
    const done = await eventually('promotion succeeded', async () => (await rest<{ promotion: { state: string } }>('GET', `/api/v1/promotions/${created.body.promotion.id}`)).body.promotion, (p) => p.state === 'Succeeded');
    expect(done.state).toBe('Succeeded');

    // The leader goes: the follower takes the lead.
    await leader.close();
    await waitFor(() => follower.coordination.isLeader(), { timeoutMs: 30_000, description: 'follower takes the lead' });
    expect(follower.rollout.isDriving).toBe(true);

    // A revocation made on a third replica closes the stream the follower (now leader) holds.
    const third = await startHub({ databaseUrl: db.url, dataDir: 'memory://', logger: quiet });
    cleanups.push(() => third.close());
    const thirdRest = restClient(third, admin);
    expect((await thirdRest('POST', '/api/v1/clusters/edge/revoke')).status).toBe(200);
    const stopped = await agent.stopped;
    expect(stopped.kind).toBe('stopped');
  }, 180_000);
});
