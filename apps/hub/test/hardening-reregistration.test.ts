// After the hub lost (or restored) its database, agents report generations newer than the hub ever sent: the hub
// ignores those reports with a warning and keeps the stream, instead of ending it and making the agent loop.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppStatusSchema, HealthStatus, RegisterRequestSchema, SyncStatus, bearer, create } from '@flotilla/proto';
import { createTestDatabase, postgresAvailable, waitFor } from '@flotilla/testkit';
import { openStore } from '../src/store/index.js';
import { Registry } from 'prom-client';
import { AgentStream } from './support/agent-stream.js';
import { startHubB } from './support/hub-b.js';
import type { HubB } from './support/hub-b.js';
import { openTestStore } from './support/stores.js';
import type { StoreFixture } from './support/stores.js';

const A = 'a'.repeat(40);
const pgUp = await postgresAvailable();

describe('the hub epoch', () => {
  it('is a random id of each database, kept across restarts of the hub', async () => {
    const first = await openTestStore('pglite');
    const second = await openTestStore('pglite');
    try {
      expect(first.store.epoch).toMatch(/^[0-9a-f-]{36}$/);
      expect(second.store.epoch).not.toBe(first.store.epoch);
    } finally {
      await first.cleanup();
      await second.cleanup();
    }
  });

  it.skipIf(!pgUp)('survives reopening the same PostgreSQL database, and a new database has a new one', async () => {
    const database = await createTestDatabase();
    const other = await createTestDatabase();
    try {
      const opened = await openStore({ databaseUrl: database.url });
      const epoch = opened.epoch;
      await opened.close();
      const again = await openStore({ databaseUrl: database.url });
      const elsewhere = await openStore({ databaseUrl: other.url });
      expect(again.epoch).toBe(epoch);
      expect(elsewhere.epoch).not.toBe(epoch);
      await again.close();
      await elsewhere.close();
    } finally {
      await database.drop();
      await other.drop();
    }
  });
});

describe('an agent ahead of its hub', () => {
  let fixture: StoreFixture;
  let hub: HubB;
  let registry: Registry;
  let warnings: { fields: Record<string, unknown>; message: string }[];

  beforeAll(async () => {
    fixture = await openTestStore('pglite');
  });
  afterAll(async () => {
    await fixture.cleanup();
  });
  beforeEach(async () => {
    warnings = [];
    const logger = {
      info: () => undefined,
      error: () => undefined,
      warn: (fields: object, message: string) => warnings.push({ fields: fields as Record<string, unknown>, message }),
    };
    hub = await startHubB(fixture.store, { logger });
    registry = new Registry();
    hub.gateway.registerMetrics(registry);
  });
  afterEach(async () => {
    await hub.cleanup();
  });

  it('ignores statuses and acks for generations the hub never sent, warns once, and keeps the stream serving', async () => {
    await hub.fleet.putApplication({ name: 'shop', repoUrl: 'http://git.example/shop.git', path: 'deploy' });
    await hub.rollout.createPromotion({ app: 'shop', commit: A, actor: 'ci' });
    const token = (await hub.auth.createRegistrationToken({ description: 'test' })).secret;
    const { clusterId, credential } = await hub
      .agentClient()
      .register(create(RegisterRequestSchema, { bootstrapToken: token, clusterName: 'prod', agentVersion: '0.1.0' }));
    const stream = new AgentStream(hub.agentClient().connect({ metadata: bearer(credential) }));
    // The agent applied generation 57 from the hub's previous database; this hub starts again at 1.
    stream.send({ case: 'hello', value: { agentVersion: '0.1.0', lastAppliedGeneration: 57n } as never });
    const snapshot = await stream.nextSnapshot();
    expect(snapshot.generation).toBeLessThan(57n);
    // The snapshot says which hub it comes from, so the agent can tell a new hub from a confused one.
    expect(snapshot.hubEpoch).toBe(fixture.store.epoch);
    const stale = create(AppStatusSchema, { app: 'shop', observedGeneration: 57n, observedCommit: A, sync: SyncStatus.SYNCED, health: HealthStatus.HEALTHY });
    stream.send({ case: 'status', value: { apps: [stale] } as never });
    stream.send({ case: 'ack', value: { generation: 57n } as never });
    stream.send({ case: 'status', value: { apps: [stale] } as never });
    // Then the agent takes the hub's snapshot and reports it: counted as usual.
    const current = create(AppStatusSchema, { ...stale, observedGeneration: snapshot.generation });
    stream.send({ case: 'status', value: { apps: [current] } as never });
    await waitFor(() => hub.fleet.statuses.buffered(clusterId, 'shop')?.observedGeneration === Number(snapshot.generation), {
      description: 'the current status taken in',
    });
    expect(await registry.getSingleMetricAsString('flotilla_agent_future_generations_total')).toContain('flotilla_agent_future_generations_total 3');
    const future = warnings.filter((w) => w.message.includes('newer than this hub sent'));
    expect(future).toHaveLength(1);
    expect(future[0]!.fields).toMatchObject({ cluster: 'prod', field: 'status.apps[0].observed_generation', generation: '57' });
    expect(hub.gateway.connectedClusters()).toEqual([clusterId]);
    await hub.fleet.flush();
    expect((await hub.fleet.getCluster('prod')).apps.map((a) => a.observedGeneration)).toEqual([Number(snapshot.generation)]);
    stream.close();
  });
});
