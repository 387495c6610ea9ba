// One agent cannot freeze status ingest for the fleet: what the store would refuse is an INVALID_ARGUMENT at the edge,
// and a row that still reaches the flush is isolated, dropped, logged and counted while every other row is written.
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppStatusSchema, HealthStatus, RegisterRequestSchema, SyncStatus, bearer, create } from '@flotilla/proto';
import type { AppStatus } from '@flotilla/proto';
import { postgresAvailable, waitFor } from '@flotilla/testkit';
import { sql } from 'drizzle-orm';
import { Registry } from 'prom-client';
import type { AppStatusView } from '../src/fleet/index.js';
import { AgentStream } from './support/agent-stream.js';
import { startHubB } from './support/hub-b.js';
import type { HubB } from './support/hub-b.js';
import { drivers, openTestStore } from './support/stores.js';
import type { StoreFixture } from './support/stores.js';

const A = 'a'.repeat(40);
const pgUp = await postgresAvailable();

interface LogLine {
  level: 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string;
}

describe.each(drivers)('status ingest hardening on %s', (driver) => {
  let fixture: StoreFixture | undefined;
  let hub: HubB;
  let running: HubB | undefined;
  let logs: LogLine[];
  let registry: Registry;

  beforeAll(async () => {
    if (driver === 'postgres' && !pgUp) return;
    fixture = await openTestStore(driver);
  });
  afterAll(async () => {
    await fixture?.cleanup();
  });
  beforeEach(async (ctx) => {
    if (!fixture) return ctx.skip();
    logs = [];
    const logger = {
      info: (fields: object, message: string) => logs.push({ level: 'info', fields: fields as Record<string, unknown>, message }),
      warn: (fields: object, message: string) => logs.push({ level: 'warn', fields: fields as Record<string, unknown>, message }),
      error: (fields: object, message: string) => logs.push({ level: 'error', fields: fields as Record<string, unknown>, message }),
    };
    hub = running = await startHubB(fixture.store, { logger });
    registry = new Registry();
    hub.gateway.registerMetrics(registry);
  });
  afterEach(async () => {
    await running?.cleanup();
    running = undefined;
  });

  async function registered(name: string): Promise<{ clusterId: string; credential: string }> {
    const token = (await hub.auth.createRegistrationToken({ description: 'test' })).secret;
    const client = hub.agentClient();
    return client.register(create(RegisterRequestSchema, { bootstrapToken: token, clusterName: name, labels: {}, agentVersion: '0.1.0' }));
  }

  function view(app: string, generation: number, extra: Partial<AppStatusView> = {}): AppStatusView {
    return {
      app,
      observedGeneration: generation,
      observedCommit: A,
      sync: 'Synced',
      syncError: '',
      syncRetryable: false,
      health: 'Healthy',
      healthMessage: '',
      resources: [],
      observedAt: undefined,
      ...extra,
    };
  }

  async function failures(stage: string, outcome: string): Promise<number> {
    const metric = await registry.getSingleMetric('flotilla_status_flush_failures_total')?.get();
    return metric?.values.find((v) => v.labels['stage'] === stage && v.labels['outcome'] === outcome)?.value ?? 0;
  }

  it('drops, logs and counts the rows the store refuses, and writes every other status and last-seen time', async () => {
    await hub.fleet.putApplication({ name: 'shop', repoUrl: 'http://git.example/shop.git', path: 'deploy' });
    const names = ['nul', 'surrogate', 'huge', 'good'];
    const ids = new Map<string, string>();
    for (const name of names) ids.set(name, (await registered(name)).clusterId);
    await hub.rollout.createPromotion({ app: 'shop', commit: A, actor: 'ci' });
    const generation = (await hub.fleet.getCluster('good')).generation;
    const now = hub.clock.now();
    // Rows that slipped past the edge (or came from a future code path): a NUL byte in text, an unpaired surrogate in
    // the JSON of a resource, a generation past int64.
    hub.fleet.statuses.record(ids.get('nul')!, view('shop', generation, { healthMessage: 'bad\u0000byte' }), now);
    hub.fleet.statuses.record(
      ids.get('surrogate')!,
      view('shop', generation, {
        resources: [{ group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'shop', name: 'web', health: 'Healthy', message: 'half \ud800 pair' }],
      }),
      now,
    );
    hub.fleet.statuses.record(ids.get('huge')!, view('shop', 2 ** 64), now);
    hub.fleet.statuses.record(ids.get('good')!, view('shop', generation), now);
    for (const id of ids.values()) hub.fleet.statuses.touch(id, now);

    await hub.fleet.flush();

    expect((await hub.fleet.getCluster('good')).apps.map((a) => [a.app, a.health])).toEqual([['shop', 'Healthy']]);
    for (const name of ['nul', 'surrogate', 'huge']) expect((await hub.fleet.getCluster(name)).apps).toEqual([]);
    for (const name of names) expect((await hub.fleet.getCluster(name)).lastSeen).toEqual(now);
    expect(hub.fleet.statuses.pending()).toBe(0);
    expect(await failures('batch', 'retried')).toBe(1);
    // PGlite turns an unpaired surrogate into U+FFFD on the way in where PostgreSQL refuses it; both are safe.
    const dropped = await failures('row', 'dropped');
    expect(dropped).toBeGreaterThanOrEqual(2);
    const droppedLogs = logs.filter((l) => l.level === 'error' && l.message.includes('dropped'));
    expect(droppedLogs).toHaveLength(dropped);
    expect(droppedLogs.map((l) => l.fields['clusterId'])).toContain(ids.get('nul'));
    expect(String(droppedLogs[0]!.fields['err'])).toMatch(/SQLSTATE 22/);

    // The next flushes are not blocked by anything left behind.
    hub.clock.advance(1000);
    hub.fleet.statuses.record(ids.get('nul')!, view('shop', generation, { healthMessage: 'fine now' }), hub.clock.now());
    await hub.fleet.flush();
    expect((await hub.fleet.getCluster('nul')).apps.map((a) => a.healthMessage)).toEqual(['fine now']);
  });

  it('keeps every status for the next flush while the store refuses all writes, and counts each failure', async () => {
    await hub.fleet.putApplication({ name: 'shop', repoUrl: 'http://git.example/shop.git', path: 'deploy' });
    const { clusterId } = await registered('prod');
    await hub.rollout.createPromotion({ app: 'shop', commit: A, actor: 'ci' });
    const generation = (await hub.fleet.getCluster('prod')).generation;
    hub.fleet.statuses.record(clusterId, view('shop', generation), hub.clock.now());
    // The store refuses every status write for a while (read-only after a failover) but answers reads.
    await fixture!.store.execute(
      sql.raw(`create or replace function flotilla_test_refuse() returns trigger language plpgsql as $$ begin raise exception 'read only' using errcode = '25006'; end $$`),
    );
    await fixture!.store.execute(sql.raw(`create trigger flotilla_test_refuse before insert on cluster_app_statuses for each row execute function flotilla_test_refuse()`));
    try {
      // More flushes than a bad row is given: the store being away is no reason to drop anyone's status.
      for (let i = 0; i < 8; i++) await expect(hub.fleet.flush()).rejects.toThrow();
      expect(hub.fleet.statuses.buffered(clusterId, 'shop')).toBeDefined();
      expect(await failures('batch', 'retried')).toBe(8);
      expect(await failures('row', 'dropped')).toBe(0);
    } finally {
      await fixture!.store.execute(sql.raw(`drop trigger flotilla_test_refuse on cluster_app_statuses`));
    }
    await hub.fleet.flush();
    expect((await hub.fleet.getCluster('prod')).apps.map((a) => a.app)).toEqual(['shop']);
  });

  describe('the edge', () => {
    function connect(credential: string): AgentStream {
      return new AgentStream(hub.agentClient().connect({ metadata: bearer(credential) }));
    }

    async function helloed(credential: string): Promise<AgentStream> {
      const stream = connect(credential);
      stream.send({ case: 'hello', value: { agentVersion: '0.1.0', lastAppliedGeneration: 0n } as never });
      await stream.nextSnapshot();
      return stream;
    }

    function status(fields: Record<string, unknown>): AppStatus {
      return create(AppStatusSchema, { app: 'shop', observedGeneration: 1n, observedCommit: A, sync: SyncStatus.SYNCED, health: HealthStatus.HEALTHY, ...(fields as object) });
    }

    it.each([
      ['a NUL byte in a health message', { healthMessage: 'a\u0000b' }, 'status.apps[0].health_message: holds a NUL byte at character 1'],
      ['a NUL byte in a resource name', { resources: [{ name: 'w\u0000' } as never] }, 'status.apps[0].resources[0].name: holds a NUL byte at character 1'],
      ['a generation past what the store holds', { observedGeneration: 2n ** 62n }, `status.apps[0].observed_generation: ${2n ** 62n} is outside 0..9007199254740991`],
      ['a negative generation', { observedGeneration: -1n }, 'status.apps[0].observed_generation: -1 is outside 0..9007199254740991'],
      ['a timestamp past year 9999', { observedAt: { seconds: 10n ** 15n, nanos: 0 } as never }, 'status.apps[0].observed_at: 1000000000000000 seconds is outside years 0001-9999'],
      ['a sync error over 64 KiB', { syncError: 'x'.repeat(70_000) }, 'status.apps[0].sync_error: is 70000 characters long, over the limit of 65536'],
    ])('ends the stream with INVALID_ARGUMENT for %s and buffers nothing', async (_what, fields, details) => {
      await hub.fleet.putApplication({ name: 'shop', repoUrl: 'http://git.example/shop.git', path: 'deploy' });
      await hub.rollout.createPromotion({ app: 'shop', commit: A, actor: 'ci' });
      const { clusterId, credential } = await registered('prod');
      const stream = await helloed(credential);
      stream.send({ case: 'status', value: { apps: [status(fields)] } as never });
      expect(await stream.ended).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details });
      expect(hub.fleet.statuses.buffered(clusterId, 'shop')).toBeUndefined();
      // The cluster's next stream is served as usual.
      (await helloed(credential)).close();
    });

    it('refuses a NUL byte in the agent version, at registration and in Hello', async () => {
      const token = (await hub.auth.createRegistrationToken({ description: 'test' })).secret;
      const err = await hub
        .agentClient()
        .register(create(RegisterRequestSchema, { bootstrapToken: token, clusterName: 'prod', agentVersion: 'v1\u0000' }))
        .then(
          () => undefined,
          (e: unknown) => e as grpc.ServiceError,
        );
      expect(err).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: 'agent_version: holds a NUL byte at character 2' });

      const { credential } = await registered('prod');
      const stream = connect(credential);
      stream.send({ case: 'hello', value: { agentVersion: '\u0000', lastAppliedGeneration: 0n } as never });
      expect(await stream.ended).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: 'hello.agent_version: holds a NUL byte at character 0' });
      await waitFor(async () => !(await hub.fleet.getCluster('prod')).connected, { description: 'prod not connected' });
      expect((await hub.fleet.getCluster('prod')).agentVersion).toBe('0.1.0');
    });
  });
});
