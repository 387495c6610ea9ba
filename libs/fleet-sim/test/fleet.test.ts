// 50 simulated clusters against a real hub on each store: register with one bootstrap token, connect, receive a
// promotion's desired state, report it, and the hub's REST API sees them Synced/Healthy (or Degraded, or silent).
import { startHub } from '@flotilla/hub';
import type { RunningHub } from '@flotilla/hub';
import { createTestDatabase, postgresAvailable } from '@flotilla/testkit';
import type { TestDatabase } from '@flotilla/testkit';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedFleet, clusterSpecs } from '../src/index.js';
import { eventually, restClient } from './support.js';

interface AppStatus { app: string; observedCommit: string; sync: string; health: string }
interface Cluster { name: string; connected: boolean; apps: AppStatus[] }
interface Promotion { id: string; state: string; targets: { cluster: string }[] }

const COMMIT = 'c0ffee'.padEnd(40, '0');
const hasPostgres = await postgresAvailable();
const stores = [
  { name: 'PGlite', postgres: false },
  { name: 'PostgreSQL', postgres: true },
];

describe.each(stores)('a simulated fleet of 50 clusters on a hub on $name', ({ postgres }) => {
  let hub: RunningHub | undefined;
  let db: TestDatabase | undefined;
  let fleet: SimulatedFleet | undefined;

  afterEach(async () => {
    fleet?.stop();
    await hub?.close();
    await db?.drop();
    fleet = hub = db = undefined;
  });

  it.skipIf(postgres && !hasPostgres)('registers, connects, takes a promotion and reports it Synced and Healthy; one Degraded, one silent', async () => {
    if (postgres) db = await createTestDatabase();
    hub = await startHub({ dataDir: 'memory://', ...(db ? { databaseUrl: db.url } : {}), logger: pino({ level: 'silent' }), statusFlushIntervalMs: 50 });
    const rest = restClient(hub.httpUrl, hub.adminToken!);
    const token = await rest<{ secret: string }>('POST', '/api/v1/registration-tokens', { description: 'fleet-sim', maxUses: 50 });
    expect(token.status).toBe(201);

    // 40 prod clusters in two regions and 10 dev clusters; the application selects only prod.
    const specs = [...clusterSpecs(40, { prefix: 'prod', labels: { env: 'prod' }, spread: { region: ['eu', 'us'] } }), ...clusterSpecs(10, { prefix: 'dev', labels: { env: 'dev' } })];
    specs[0]!.behaviour = 'degraded';
    specs[1]!.behaviour = 'silent';
    fleet = new SimulatedFleet({ hubAddress: hub.grpcAddress, bootstrapToken: token.body.secret, clusters: specs, healthyAfterMs: 20, heartbeatMs: 200 });
    await fleet.start({ timeoutMs: 60_000 });

    const listed = await rest<{ clusters: Cluster[] }>('GET', '/api/v1/clusters');
    expect(listed.body.clusters).toHaveLength(50);
    expect(listed.body.clusters.every((c) => c.connected)).toBe(true);

    // One Degraded cluster is tolerated, so the promotion waits (it holds its slot until its deadline) instead of halting.
    const app = await rest('PUT', '/api/v1/applications/shop', {
      repoUrl: 'https://git.example.com/shop.git',
      path: 'deploy',
      stages: [{ name: 'prod', selector: 'env=prod', waves: [{ name: 'all', bake: '0s', maxUnhealthy: 1 }] }],
    });
    expect(app.status).toBe(200);
    const generationBefore = new Map(fleet.agents.map((a) => [a.name, a.snapshot?.generation ?? 0n]));
    const promoted = await rest<{ promotion: Promotion }>('POST', '/api/v1/promotions', { app: 'shop', commit: COMMIT });
    expect(promoted.status).toBe(201);
    expect(promoted.body.promotion.targets).toHaveLength(40);

    const prod = fleet.agents.filter((a) => a.name.startsWith('prod-'));
    await fleet.until(
      (a) => !a.name.startsWith('prod-') || (a.snapshot?.apps[0]?.commit === COMMIT && a.snapshot.generation > (generationBefore.get(a.name) ?? 0n)),
      'every prod agent holds the promoted commit',
      60_000,
    );
    expect(prod.every((a) => a.snapshot?.apps.map((t) => t.app).join() === 'shop')).toBe(true);
    expect(fleet.agents.filter((a) => a.name.startsWith('dev-')).every((a) => a.snapshot?.apps.length === 0)).toBe(true);

    const clusters = await eventually(
      '38 prod clusters Synced and Healthy at the commit, prod-1 Degraded',
      async () => (await rest<{ clusters: Cluster[] }>('GET', '/api/v1/clusters?labelSelector=env%3Dprod')).body.clusters,
      (cs) => cs.filter((c) => c.apps[0]?.health === 'Healthy').length === 38 && cs.some((c) => c.apps[0]?.health === 'Degraded'),
    );
    const byName = new Map(clusters.map((c) => [c.name, c]));
    expect(byName.get('prod-3')?.apps).toEqual([expect.objectContaining({ app: 'shop', observedCommit: COMMIT, sync: 'Synced', health: 'Healthy' })]);
    expect(byName.get('prod-1')?.apps).toEqual([expect.objectContaining({ app: 'shop', observedCommit: COMMIT, sync: 'Synced', health: 'Degraded' })]);
    // The silent cluster is connected, holds its snapshot, and has reported nothing.
    expect(byName.get('prod-2')?.connected).toBe(true);
    expect(byName.get('prod-2')?.apps.filter((a) => a.observedCommit === COMMIT)).toEqual([]);
    // Two targets fall short, so the promotion is still in progress; once both report Healthy it succeeds.
    expect((await rest<{ promotion: Promotion }>('GET', `/api/v1/promotions/${promoted.body.promotion.id}`)).body.promotion.state).toBe('Progressing');
    fleet.agent('prod-1').setBehaviour('healthy');
    fleet.agent('prod-2').setBehaviour('healthy');
    const done = await eventually(
      'the promotion succeeded',
      async () => (await rest<{ promotion: Promotion }>('GET', `/api/v1/promotions/${promoted.body.promotion.id}`)).body.promotion,
      (p) => p.state !== 'Progressing' && p.state !== 'Pending',
    );
    expect(done.state).toBe('Succeeded');
  }, 180_000);
});
