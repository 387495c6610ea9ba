import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applications, clusterCredentials, clusters, openStore } from '../src/store/index.js';
import type { Store } from '../src/store/index.js';
import { drivers, openTestStore } from './support/stores.js';
import type { StoreFixture } from './support/stores.js';

const at = new Date('2026-01-02T03:04:05.000Z');

describe.each(drivers)('store on %s', (driver) => {
  let fixture: StoreFixture;
  let store: Store;
  beforeAll(async () => {
    fixture = await openTestStore(driver);
    store = fixture.store;
  });
  afterAll(() => fixture.cleanup());

  it('applies the migrations so every table exists', async () => {
    // Both drivers return { rows }; the shared PgDatabase type leaves the result shape open.
    const result = (await store.execute(
      sql`select table_name from information_schema.tables where table_schema = 'public'`,
    )) as { rows: { table_name: string }[] };
    const names = result.rows.map((row) => row.table_name);
    expect(names).toEqual(expect.arrayContaining(['api_tokens', 'registration_tokens', 'clusters', 'cluster_credentials', 'applications']));
    expect(store.driver).toBe(driver);
  });

  it('round-trips labels as JSON and timestamps with their time zone', async () => {
    await store.insert(clusters).values({ id: 'c-1', name: 'eu-1', labels: { env: 'prod', region: 'eu' }, registeredAt: at });
    const [row] = await store.select().from(clusters).where(eq(clusters.name, 'eu-1'));
    expect(row?.labels).toEqual({ env: 'prod', region: 'eu' });
    expect(row?.registeredAt.toISOString()).toBe(at.toISOString());
    expect(row?.revokedAt).toBeNull();
  });

  it('rejects a second cluster with the same name', async () => {
    await expect(store.insert(clusters).values({ id: 'c-2', name: 'eu-1', registeredAt: at })).rejects.toThrow();
  });

  it("lets a revoked cluster's name be registered again as a new identity", async () => {
    await store.update(clusters).set({ revokedAt: at }).where(eq(clusters.id, 'c-1'));
    await store.insert(clusters).values({ id: 'c-4', name: 'eu-1', registeredAt: at });
    expect((await store.select().from(clusters).where(eq(clusters.name, 'eu-1'))).map((c) => c.id).sort()).toEqual(['c-1', 'c-4']);
  });

  it('rolls back every write of a failed transaction', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.insert(applications).values({ name: 'web', repoUrl: 'https://git/x', path: 'deploy', createdAt: at, updatedAt: at });
        await tx.insert(clusters).values({ id: 'c-3', name: 'eu-1', registeredAt: at });
      }),
    ).rejects.toThrow();
    expect(await store.select().from(applications).where(eq(applications.name, 'web'))).toEqual([]);
  });

  it('refuses a credential for a cluster that does not exist', async () => {
    await expect(
      store.insert(clusterCredentials).values({ id: 'k-1', clusterId: 'missing', secretHash: 'h', createdAt: at, expiresAt: at }),
    ).rejects.toThrow();
  });
});

describe('store on a PGlite data directory', () => {
  it('keeps its data across a close and a reopen, migrating only once', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'flotilla-store-'));
    try {
      const first = await openStore({ dataDir: path.join(dir, 'data') });
      await first.insert(clusters).values({ id: 'c-1', name: 'kept', registeredAt: at });
      await first.close();
      const second = await openStore({ dataDir: path.join(dir, 'data') });
      try {
        expect((await second.select().from(clusters)).map((c) => c.name)).toEqual(['kept']);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
