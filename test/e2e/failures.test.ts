// What a user sees when things go wrong end to end: a bad commit halts the promotion, a revoked cluster is cut off.
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, startFleet } from './support.js';
import type { Fleet } from './support.js';

interface Cluster { name: string; connected: boolean; revoked: boolean; apps: { sync: string; syncError: string }[] }
interface Promotion { id: string; state: string; message: string }

describe('failures end to end (PGlite)', () => {
  let fleet: Fleet | undefined;
  afterEach(async () => {
    await fleet?.close();
    fleet = undefined;
  });

  async function fleetWithOneCluster(): Promise<Fleet> {
    fleet = await startFleet({ dataDir: 'memory://' });
    await fleet.git.createRepo('svc');
    const token = await fleet.rest<{ secret: string }>('POST', '/api/v1/registration-tokens', { maxUses: 1 });
    await fleet.startAgents(token.body.secret, [{ name: 'dev-1', labels: { env: 'dev' } }]);
    await eventually(
      'dev-1 connected',
      async () => (await fleet!.rest<{ cluster: Cluster }>('GET', '/api/v1/clusters/dev-1')).body.cluster,
      (c) => c?.connected === true,
    );
    await fleet.rest('PUT', '/api/v1/applications/svc', { repoUrl: fleet.git.repoUrl('svc'), path: 'k8s', clusterSelector: 'env=dev' });
    return fleet;
  }

  async function promoteAndSettle(f: Fleet, commit: string): Promise<Promotion> {
    const created = await f.rest<{ promotion: Promotion }>('POST', '/api/v1/promotions', { app: 'svc', commit });
    expect(created.status).toBe(201);
    return eventually(
      `promotion of ${commit.slice(0, 7)} settled`,
      async () => (await f.rest<{ promotion: Promotion }>('GET', `/api/v1/promotions/${created.body.promotion.id}`)).body.promotion,
      (p) => p.state === 'Succeeded' || p.state === 'Failed',
    );
  }

  it('fails the promotion, naming the cluster and the git error, when the commit does not exist', async () => {
    const f = await fleetWithOneCluster();
    await f.git.commit('svc', { 'k8s/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: default\n' });
    const missing = 'deadbeef'.repeat(5);
    const promotion = await promoteAndSettle(f, missing);
    expect(promotion.state).toBe('Failed');
    expect(promotion.message).toContain('dev-1');
    const { body } = await f.rest<{ cluster: Cluster }>('GET', '/api/v1/clusters/dev-1');
    expect(body.cluster.apps[0]?.sync).toBe('Failed');
    expect(body.cluster.apps[0]?.syncError).toMatch(/deadbeef/);
  });

  it('fails a promotion whose manifest lacks a name and applies nothing of it', async () => {
    const f = await fleetWithOneCluster();
    const bad = await f.git.commit('svc', {
      'k8s/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\n  namespace: default\n',
      'k8s/b.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  namespace: default\n',
    });
    const promotion = await promoteAndSettle(f, bad);
    expect(promotion.state).toBe('Failed');
    const { body } = await f.rest<{ cluster: Cluster }>('GET', '/api/v1/clusters/dev-1');
    expect(body.cluster.apps[0]?.syncError).toMatch(/k8s\/b\.yaml/);
    expect(f.clusters[0]!.store.get({ group: '', version: 'v1', resource: 'configmaps' }, 'default', 'good')).toBeUndefined();
  });

  it('cuts a revoked cluster off: its stream closes and the agent stops', async () => {
    const f = await fleetWithOneCluster();
    const revoked = await f.rest<{ cluster: Cluster }>('POST', '/api/v1/clusters/dev-1/revoke');
    expect(revoked.status).toBe(200);
    expect(revoked.body.cluster.revoked).toBe(true);
    const stop = await f.agents[0]!.stopped;
    expect(stop.kind).toBe('stopped');
    const { body } = await f.rest<{ cluster: Cluster }>('GET', '/api/v1/clusters/dev-1');
    expect(body.cluster.connected).toBe(false);
  });
});
