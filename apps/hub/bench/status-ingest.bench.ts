// Benchmark (not a test): status ingest of a chatty fleet while promotions are in flight, written per message (one
// transaction and one re-plan of the app's promotion each: the baseline) versus coalesced in memory and flushed in
// batches (what the hub does), on the same embedded store in the same run.
// Run: npm run bench -w @flotilla/hub
import { performance } from 'node:perf_hooks';
import { createAuth } from '../src/auth/index.js';
import { createFleet } from '../src/fleet/index.js';
import type { AppStatusView } from '../src/fleet/index.js';
import { createRollout } from '../src/rollout/index.js';
import { openStore } from '../src/store/index.js';

const CLUSTERS = 100;
const APPS = 4;
const REPORTS_PER_APP = 10; // an agent re-reporting while a rollout progresses
const FLUSHES = 5; // batches per run, as if the flush interval passed five times

function status(app: string, generation: number): AppStatusView {
  return {
    app,
    observedGeneration: generation,
    observedCommit: 'a'.repeat(40),
    sync: 'Synced',
    syncRetryable: false,
    syncError: '',
    health: generation % 3 === 0 ? 'Healthy' : 'Progressing',
    healthMessage: 'Deployment web: 3/3 available',
    resources: [{ group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'shop', name: 'web', health: 'Healthy', message: '' }],
    observedAt: new Date(),
  };
}

async function run(mode: 'per-message' | 'batched'): Promise<number> {
  const store = await openStore({ dataDir: 'memory://' });
  try {
    const fleet = createFleet({ db: store, auth: createAuth({ db: store }) });
    const rollout = createRollout({ db: store, fleet });
    for (let a = 0; a < APPS; a++) await fleet.putApplication({ name: `app-${a}`, repoUrl: 'https://git.example/r.git', path: `app-${a}` });
    const ids: string[] = [];
    for (let c = 0; c < CLUSTERS; c++) {
      ids.push(await fleet.transaction((tx, changed) => fleet.registerCluster(tx, changed, { name: `c-${c}`, labels: {}, agentVersion: '1' })));
    }
    for (let a = 0; a < APPS; a++) await rollout.createPromotion({ app: `app-${a}`, commit: 'a'.repeat(40), actor: 'bench' });
    const messages: [string, AppStatusView][] = [];
    for (let r = 1; r <= REPORTS_PER_APP; r++) for (const id of ids) for (let a = 0; a < APPS; a++) messages.push([id, status(`app-${a}`, r)]);
    const flushEvery = Math.ceil(messages.length / FLUSHES);
    const start = performance.now();
    for (const [i, [id, s]] of messages.entries()) {
      fleet.statuses.record(id, s, new Date());
      if (mode === 'per-message' || (i + 1) % flushEvery === 0) await fleet.flush();
    }
    await fleet.flush();
    return performance.now() - start;
  } finally {
    await store.close();
  }
}

const messages = CLUSTERS * APPS * REPORTS_PER_APP;
const perMessage = await run('per-message');
const batched = await run('batched');
console.log(`status ingest of ${messages} reports (${CLUSTERS} clusters x ${APPS} apps x ${REPORTS_PER_APP}), embedded PGlite:`);
console.log(`  per-message writes (baseline): ${perMessage.toFixed(0)} ms`);
console.log(`  coalesced, ${FLUSHES} batched flushes: ${batched.toFixed(0)} ms`);
console.log(`  batched is ${(perMessage / batched).toFixed(1)}x faster than the baseline in this run`);
