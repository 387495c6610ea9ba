// Benchmark (not a test): sustained status ingest as the hub does it (reports coalesced in memory, flushed in batched
// upserts that re-plan the promotions they concern), on PostgreSQL and on PGlite, each beside `COPY` of the same rows
// into a table of the same shape on the same store in the same run; and per-message writes (one transaction and one
// re-plan each) beside the batched path. Run: npm run bench -w @flotilla/hub [-- --clusters 500 --apps 4 --flushes 10]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import { createTestDatabase, postgresAvailable } from '@flotilla/testkit';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createAuth } from '../src/auth/index.js';
import { createFleet } from '../src/fleet/index.js';
import type { AppStatusView } from '../src/fleet/index.js';
import { createRollout } from '../src/rollout/index.js';
import { openStore } from '../src/store/index.js';
import type { Store } from '../src/store/index.js';

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}
const CLUSTERS = flag('clusters', 500);
const APPS = flag('apps', 4);
const FLUSHES = flag('flushes', 10); // sustained: this many flush intervals, each carrying a report per (cluster, app)
const PER_MESSAGE = flag('per-message', 400); // reports written one by one for the per-message baseline
const COMMIT = 'a'.repeat(40);

function status(app: string, generation: number): AppStatusView {
  return {
    app,
    observedGeneration: generation,
    observedCommit: COMMIT,
    sync: 'Synced',
    syncRetryable: false,
    syncError: '',
    health: generation % 3 === 0 ? 'Healthy' : 'Progressing',
    healthMessage: 'Deployment web: 3/3 available',
    resources: [{ group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'shop', name: 'web', health: 'Healthy', message: '' }],
    observedAt: new Date(),
  };
}

async function setUp(store: Store) {
  const fleet = createFleet({ db: store, auth: createAuth({ db: store }) });
  const rollout = createRollout({ db: store, fleet });
  for (let a = 0; a < APPS; a++) await fleet.putApplication({ name: `app-${a}`, repoUrl: 'https://git.example/r.git', path: `app-${a}` });
  const ids: string[] = [];
  for (let c = 0; c < CLUSTERS; c++) {
    ids.push(await fleet.transaction((tx, changed) => fleet.registerCluster(tx, changed, { name: `c-${c}`, labels: {}, agentVersion: '1' })));
  }
  for (let a = 0; a < APPS; a++) await rollout.createPromotion({ app: `app-${a}`, commit: COMMIT, actor: 'bench' });
  return { fleet, ids };
}

/** Statuses per second through the hub's buffer: each interval one report per (cluster, app) and a heartbeat each. */
async function batched(store: Store, ids: string[], fleet: ReturnType<typeof createFleet>): Promise<number> {
  const start = performance.now();
  for (let f = 1; f <= FLUSHES; f++) {
    const now = new Date();
    for (const id of ids) {
      fleet.statuses.touch(id, now);
      for (let a = 0; a < APPS; a++) fleet.statuses.record(id, status(`app-${a}`, f + 10), now);
    }
    await fleet.flush();
  }
  return (FLUSHES * ids.length * APPS) / ((performance.now() - start) / 1000);
}

async function perMessage(ids: string[], fleet: ReturnType<typeof createFleet>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < PER_MESSAGE; i++) {
    const id = ids[i % ids.length]!;
    fleet.statuses.touch(id, new Date());
    fleet.statuses.record(id, status(`app-${i % APPS}`, 100 + i), new Date());
    await fleet.flush();
  }
  return PER_MESSAGE / ((performance.now() - start) / 1000);
}

const csvField = (v: string) => `"${v.replace(/"/g, '""')}"`;

/** The same rows (FLUSHES x clusters x apps) as CSV for COPY into a table shaped like cluster_app_statuses. */
function copyRows(ids: string[]): string[] {
  const lines: string[] = [];
  const resources = csvField(JSON.stringify(status('x', 1).resources));
  for (let f = 1; f <= FLUSHES; f++) {
    const at = new Date().toISOString();
    for (const id of ids) {
      for (let a = 0; a < APPS; a++) {
        const s = status(`app-${a}`, f + 10);
        lines.push(`${id},app-${a},${s.observedGeneration},${COMMIT},${s.sync},"",${s.health},${csvField(s.healthMessage)},${resources},${at},${at}\n`);
      }
    }
  }
  return lines;
}

const COLUMNS = 'cluster_id, app, observed_generation, observed_commit, sync, sync_error, health, health_message, resources, observed_at, received_at';

async function copyBaseline(store: Store, ids: string[]): Promise<number> {
  await store.execute('drop table if exists bench_copy');
  await store.execute('create table bench_copy (like cluster_app_statuses including defaults)');
  const lines = copyRows(ids);
  const sqlText = `copy bench_copy (${COLUMNS}) from stdin with (format csv)`;
  const start = performance.now();
  if (store.driver === 'postgres') {
    const pool = (store as unknown as { $client: pg.Pool }).$client;
    const client = await pool.connect();
    try {
      await pipeline(Readable.from(lines), client.query(copyFrom(sqlText)));
    } finally {
      client.release();
    }
  } else {
    const client = (store as unknown as { $client: PGlite }).$client;
    await client.query(`copy bench_copy (${COLUMNS}) from '/dev/blob' with (format csv)`, [], { blob: new Blob(lines) });
  }
  const rate = lines.length / ((performance.now() - start) / 1000);
  await store.execute('drop table bench_copy');
  return rate;
}

interface Row { store: string; batched: number; copy: number; perMessage: number }

async function measure(name: string, open: () => Promise<{ store: Store; cleanup: () => Promise<void> }>): Promise<Row> {
  const { store, cleanup } = await open();
  try {
    const { fleet, ids } = await setUp(store);
    await batched(store, ids, fleet); // warm-up pass: first upserts insert, later ones update, as in a running hub
    const copy1 = await copyBaseline(store, ids);
    const rate = await batched(store, ids, fleet);
    const copy2 = await copyBaseline(store, ids);
    const single = await perMessage(ids, fleet);
    return { store: name, batched: rate, copy: (copy1 + copy2) / 2, perMessage: single };
  } finally {
    await cleanup();
  }
}

const rows: Row[] = [];
const dir = mkdtempSync(join(tmpdir(), 'flotilla-ingest-'));
try {
  rows.push(await measure('PGlite (data directory)', async () => ({ store: await openStore({ dataDir: dir }), cleanup: async () => undefined })));
  if (await postgresAvailable()) {
    rows.push(
      await measure('PostgreSQL', async () => {
        const db = await createTestDatabase();
        const store = await openStore({ databaseUrl: db.url });
        return { store, cleanup: async () => (await store.close(), await db.drop()) };
      }),
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const total = FLUSHES * CLUSTERS * APPS;
console.log(`status ingest, sustained: ${FLUSHES} flushes x ${CLUSTERS} clusters x ${APPS} apps = ${total} statuses (plus a heartbeat per cluster per flush)`);
for (const r of rows) {
  console.log(`  ${r.store}: batched ${r.batched.toFixed(0)}/s; COPY of the same rows ${r.copy.toFixed(0)}/s (ratio ${(r.batched / r.copy).toFixed(3)}); per-message ${r.perMessage.toFixed(0)}/s (batched ${(r.batched / r.perMessage).toFixed(1)}x faster)`);
}
const pgRow = rows.find((r) => r.store === 'PostgreSQL');
const liteRow = rows[0]!;
if (pgRow) console.log(`  PGlite / PostgreSQL, batched: ${(liteRow.batched / pgRow.batched).toFixed(3)}`);
// Machine-readable line for bench/run.ts.
console.log(`BENCH_JSON ${JSON.stringify({ params: { clusters: CLUSTERS, apps: APPS, flushes: FLUSHES, perMessage: PER_MESSAGE }, rows })}`);
