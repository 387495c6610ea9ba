// One promotion end to end: a real git server, a hub on each store, two agents each against its own simulated cluster.
import { createTestDatabase, postgresAvailable } from '@flotilla/testkit';
import type { TestDatabase } from '@flotilla/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, startFleet } from './support.js';
import type { Fleet } from './support.js';

interface AppStatus { app: string; observedCommit: string; sync: string; health: string; syncError: string }
interface Cluster { name: string; connected: boolean; apps: AppStatus[] }
interface Promotion { id: string; state: string; message: string; targets: { cluster: string }[] }

const namespace = (sha: string) => `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    release: r-${sha.slice(0, 7)}
`;
const deployment = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: ${image}
          env:
            - name: REGION
              value: \${cluster.labels.region}
            - name: CLUSTER
              value: \${cluster.name}
`;
const configMap = (name: string, greeting: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  namespace: shop
data:
  greeting: ${greeting}
`;

const stores: { name: string; options: () => Promise<{ hub: Parameters<typeof startFleet>[0]; db?: TestDatabase }> }[] = [
  { name: 'PGlite (embedded, plaintext loopback)', options: async () => ({ hub: { dataDir: 'memory://' } }) },
  {
    name: 'PostgreSQL (TLS with the hub\u2019s own CA)',
    options: async () => {
      const db = await createTestDatabase();
      return { hub: { databaseUrl: db.url, dataDir: 'memory://', tls: 'self-signed' }, db };
    },
  },
];

const hasPostgres = await postgresAvailable();

describe.each(stores)('promotion end to end on $name', ({ name, options }) => {
  let fleet: Fleet | undefined;
  let db: TestDatabase | undefined;

  afterEach(async () => {
    await fleet?.close();
    await db?.drop();
    fleet = undefined;
    db = undefined;
  });

  it.skipIf(name.startsWith('PostgreSQL') && !hasPostgres)('promotes commit A to both clusters, then B replaces A and prunes what B removed', async () => {
    const started = await options();
    db = started.db;
    fleet = await startFleet(started.hub);
    const { git, rest } = fleet;

    await git.createRepo('shop');
    const commitA = await git.commit('shop', {
      'deploy/namespace.yaml': namespace('a'),
      'deploy/web.yaml': deployment('nginx:1.27'),
      'deploy/config.yaml': configMap('web-config', 'hello-a'),
      'deploy/legacy.yaml': configMap('legacy', 'old'),
      'README.md': 'not a manifest directory entry',
    }, 'A');

    const token = await rest<{ secret: string }>('POST', '/api/v1/registration-tokens', { description: 'e2e', maxUses: 2 });
    expect(token.status).toBe(201);
    await fleet.startAgents(token.body.secret, [
      { name: 'prod-eu-1', labels: { env: 'prod', region: 'eu-west-1' } },
      { name: 'prod-us-1', labels: { env: 'prod', region: 'us-east-1' } },
    ]);
    const [eu, us] = fleet.clusters as [NonNullable<Fleet['clusters'][0]>, NonNullable<Fleet['clusters'][0]>];

    await eventually(
      'both agents registered and connected',
      async () => (await rest<{ clusters: Cluster[] }>('GET', '/api/v1/clusters?labelSelector=env%3Dprod')).body.clusters,
      (clusters) => clusters.filter((c) => c.connected).length === 2,
    );

    const app = await rest('PUT', '/api/v1/applications/shop', { repoUrl: git.repoUrl('shop'), path: 'deploy', clusterSelector: 'env=prod' });
    expect(app.status).toBe(200);

    const promoteA = await rest<{ promotion: Promotion }>('POST', '/api/v1/promotions', { app: 'shop', commit: commitA });
    expect(promoteA.status).toBe(201);
    expect(promoteA.body.promotion.targets.map((t) => t.cluster).sort()).toEqual(['prod-eu-1', 'prod-us-1']);
    const doneA = await eventually(
      'promotion of A succeeded',
      async () => (await rest<{ promotion: Promotion }>('GET', `/api/v1/promotions/${promoteA.body.promotion.id}`)).body.promotion,
      (p) => p.state === 'Succeeded' || p.state === 'Failed',
    );
    expect(doneA.state, doneA.message).toBe('Succeeded');

    for (const cluster of ['prod-eu-1', 'prod-us-1']) {
      const { body } = await rest<{ cluster: Cluster }>('GET', `/api/v1/clusters/${cluster}`);
      expect(body.cluster.connected).toBe(true);
      expect(body.cluster.apps).toEqual([expect.objectContaining({ app: 'shop', observedCommit: commitA, sync: 'Synced', health: 'Healthy' })]);
    }
    const webEu = eu.store.get({ group: 'apps', version: 'v1', resource: 'deployments' }, 'shop', 'web');
    expect(webEu?.spec?.template?.spec?.containers?.[0]?.image).toBe('nginx:1.27');
    // Per-cluster parameters reach each cluster's own objects.
    expect(webEu?.spec?.template?.spec?.containers?.[0]?.env).toEqual([
      { name: 'REGION', value: 'eu-west-1' },
      { name: 'CLUSTER', value: 'prod-eu-1' },
    ]);
    expect(us.store.get({ group: 'apps', version: 'v1', resource: 'deployments' }, 'shop', 'web')?.spec?.template?.spec?.containers?.[0]?.env?.[0]?.value).toBe('us-east-1');
    expect(us.store.get({ group: '', version: 'v1', resource: 'configmaps' }, 'shop', 'legacy')?.data?.greeting).toBe('old');

    const commitB = await git.commit('shop', {
      'deploy/web.yaml': deployment('nginx:1.28'),
      'deploy/config.yaml': configMap('web-config', 'hello-b'),
      'deploy/legacy.yaml': null,
    }, 'B');
    const promoteB = await rest<{ promotion: Promotion }>('POST', '/api/v1/promotions', { app: 'shop', commit: commitB });
    expect(promoteB.status).toBe(201);
    const doneB = await eventually(
      'promotion of B succeeded',
      async () => (await rest<{ promotion: Promotion }>('GET', `/api/v1/promotions/${promoteB.body.promotion.id}`)).body.promotion,
      (p) => p.state === 'Succeeded' || p.state === 'Failed',
    );
    expect(doneB.state, doneB.message).toBe('Succeeded');

    for (const [cluster, sim] of [['prod-eu-1', eu], ['prod-us-1', us]] as const) {
      const { body } = await rest<{ cluster: Cluster }>('GET', `/api/v1/clusters/${cluster}`);
      expect(body.cluster.apps).toEqual([expect.objectContaining({ app: 'shop', observedCommit: commitB, sync: 'Synced', health: 'Healthy' })]);
      expect(sim.store.get({ group: 'apps', version: 'v1', resource: 'deployments' }, 'shop', 'web')?.spec?.template?.spec?.containers?.[0]?.image).toBe('nginx:1.28');
      expect(sim.store.get({ group: '', version: 'v1', resource: 'configmaps' }, 'shop', 'web-config')?.data?.greeting).toBe('hello-b');
      // B no longer holds the legacy ConfigMap: the agent pruned it.
      expect(sim.store.get({ group: '', version: 'v1', resource: 'configmaps' }, 'shop', 'legacy')).toBeUndefined();
    }
    const history = await rest<{ promotions: Promotion[] }>('GET', '/api/v1/promotions?app=shop');
    expect(history.body.promotions.map((p) => p.id)).toEqual([promoteB.body.promotion.id, promoteA.body.promotion.id]);
  });
});
