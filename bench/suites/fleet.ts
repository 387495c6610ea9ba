// Fleet-scale figures of one hub process, each beside a bare grpc-js server (lib/bare-child.ts) holding the same
// streams from the same simulated fleet in the same run: streams held with 10 s heartbeats (memory per stream, CPU),
// directive fan-out latency (p50/p99 from the change to every agent holding it), and a reconnect storm (hub
// restarted under the fleet) against a fresh start. The hub runs on PGlite in a temp directory, in its own process.
// Run: npm run bench -- fleet [--clusters 1000] [--rounds 5] [--hold-s 20]   (10,000: --clusters 10000)
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DesiredStateSchema, create, toBinary } from '@flotilla/proto';
import type { DesiredState } from '@flotilla/proto';
import { SimulatedFleet, clusterSpecs } from '@flotilla/fleet-sim';
import type { SimulatedAgent } from '@flotilla/fleet-sim';
import { startChild } from '../lib/child.js';
import type { Child } from '../lib/child.js';
import { cpuSecondsOf, insideMemory, rssOf } from '../lib/memory.js';
import { figure, intFlags, percentile, table, writeResults } from '../lib/results.js';
import type { Figure } from '../lib/results.js';

const flags = intFlags({ clusters: 1000, rounds: 3, 'hold-s': 20, heartbeat: 10_000, postgres: 0 });
const N = flags.clusters;
// Extra node flags for the hub process only, e.g. FLOTILLA_BENCH_HUB_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'.
const hubNodeArgs = (process.env['FLOTILLA_BENCH_HUB_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
const log = (line: string) => process.stderr.write(`[fleet ${N}] ${line}\n`);

interface HubReady { httpUrl: string; grpcAddress: string; adminToken: string | null }
interface BareReady { grpcAddress: string }

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

async function rest<T>(hub: HubReady, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(new URL(path, hub.httpUrl), {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as T;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

interface Held { memoryPerStream: number; rssPerStream: number; cpuPercent: number; connectMs: number; registerMs: number; idle: { heap: number; rss: number }; loaded: { heap: number; rss: number } }

/** Registers and connects the fleet, holds it `hold-s` seconds with heartbeats, and measures the server side. */
async function hold(child: Child<unknown>, fleet: SimulatedFleet): Promise<Held> {
  const idleInside = await insideMemory(child.process);
  const idleRss = rssOf(child.pid).rss;
  let t = performance.now();
  await fleet.register();
  const registerMs = performance.now() - t;
  log(`registered in ${registerMs.toFixed(0)} ms`);
  t = performance.now();
  await fleet.connect({ timeoutMs: 600_000 });
  const connectMs = performance.now() - t;
  log(`connected, every agent holding its first snapshot, in ${connectMs.toFixed(0)} ms`);
  await sleep(2_000); // let connection writes and the first status flushes settle
  const cpu0 = cpuSecondsOf(child.pid);
  const t0 = performance.now();
  await sleep(flags['hold-s'] * 1000);
  const cpuPercent = ((cpuSecondsOf(child.pid) - cpu0) / ((performance.now() - t0) / 1000)) * 100;
  const inside = await insideMemory(child.process);
  if (inside.streams !== N) throw new Error(`the server holds ${inside.streams} streams, expected ${N}`);
  const loadedRss = rssOf(child.pid).rss;
  return {
    memoryPerStream: (inside.heapUsed + inside.external - idleInside.heapUsed - idleInside.external) / N,
    rssPerStream: (loadedRss - idleRss) / N,
    cpuPercent,
    connectMs,
    registerMs,
    idle: { heap: idleInside.heapUsed + idleInside.external, rss: idleRss },
    loaded: { heap: inside.heapUsed + inside.external, rss: loadedRss },
  };
}

/** Latencies (ms) from `t0` to each agent's first snapshot satisfying `arrived`. */
function latencies(fleet: SimulatedFleet, arrived: (agent: SimulatedAgent, snapshot: DesiredState) => boolean, timeoutMs = 300_000): { wait: Promise<void>; start(t0: number): void; values: number[] } {
  const values: number[] = [];
  let t0 = 0;
  const seen = new Set<SimulatedAgent>();
  const listener = (agent: SimulatedAgent, event: { snapshot: DesiredState; receivedAt: number }) => {
    if (seen.has(agent) || !arrived(agent, event.snapshot)) return;
    seen.add(agent);
    values.push(event.receivedAt - t0);
  };
  fleet.on('snapshot', listener);
  const wait = fleet.until((a) => seen.has(a), 'every agent holds the new desired state', timeoutMs).finally(() => fleet.off('snapshot', listener));
  return { wait, start: (t) => (t0 = t), values };
}

const commitOf = (round: number) => round.toString(16).padStart(40, 'a');

async function runHub(figures: Figure[], bare: { held: Held; fanout: number[] } | undefined, dataDir: string, databaseUrl: string | undefined) {
  const grpcPort = await freePort();
  const httpPort = await freePort();
  const hubOptions = JSON.stringify({ dataDir, ...(databaseUrl ? { databaseUrl } : {}), grpcPort, httpPort });
  let hub = await startChild<HubReady>('./hub-child.ts', { FLOTILLA_BENCH_HUB: hubOptions }, hubNodeArgs);
  const admin = hub.ready.adminToken!;
  const { secret } = await rest<{ secret: string }>(hub.ready, admin, 'POST', '/api/v1/registration-tokens', { description: 'bench', maxUses: 0 });
  const fleet = new SimulatedFleet({ hubAddress: hub.ready.grpcAddress, bootstrapToken: secret, clusters: clusterSpecs(N, { labels: { env: 'prod' } }), heartbeatMs: flags.heartbeat, concurrency: 64 });
  try {
    const held = await hold(hub, fleet);
    log(`hub: ${(held.memoryPerStream / 1024).toFixed(1)} KB heap per stream, ${(held.rssPerStream / 1024).toFixed(1)} KB RSS per stream, ${held.cpuPercent.toFixed(1)}% CPU`);
    await rest(hub.ready, admin, 'PUT', '/api/v1/applications/shop', { repoUrl: 'https://git.example.com/shop.git', path: 'deploy/overlays/prod', clusterSelector: 'env=prod' });
    // An application reaches desired states with its first promotion: round 1 fans out the app itself, later rounds a
    // new commit of it (the same snapshot size).
    const fanout: number[] = [];
    const rounds: number[] = [];
    for (let round = 1; round <= flags.rounds; round++) {
      const commit = commitOf(round);
      const measure = latencies(fleet, (_a, s) => s.apps[0]?.commit === commit);
      const t0 = performance.now();
      measure.start(t0);
      await rest(hub.ready, admin, 'POST', '/api/v1/promotions', { app: 'shop', commit });
      const postMs = performance.now() - t0;
      await measure.wait;
      fanout.push(...measure.values);
      rounds.push(percentile(measure.values, 99));
      log(`hub fan-out round ${round}: POST answered after ${postMs.toFixed(0)} ms; p50 ${percentile(measure.values, 50).toFixed(0)} ms, p99 ${percentile(measure.values, 99).toFixed(0)} ms`);
      await sleep(1_000);
    }
    const snapshotBytes = toBinary(DesiredStateSchema, fleet.agents[0]!.snapshot!);

    // Reconnect storm: stop the hub (it ends every stream), start it again on the same ports and store.
    const sessionsBefore = new Map(fleet.agents.map((a) => [a, a.sessions]));
    const back = fleet.until((a) => a.sessions > sessionsBefore.get(a)!, 'every agent reconnected and re-snapshotted', 600_000);
    const tStop = performance.now();
    await hub.stop();
    const tStart = performance.now();
    hub = await startChild<HubReady>('./hub-child.ts', { FLOTILLA_BENCH_HUB: hubOptions }, hubNodeArgs);
    const tReady = performance.now();
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(hub.pid).peak)), 200);
    await back;
    const tBack = performance.now();
    clearInterval(sampler);
    peak = Math.max(peak, rssOf(hub.pid).peak);
    log(`storm: stop ${(tStart - tStop).toFixed(0)} ms, start ${(tReady - tStart).toFixed(0)} ms, all back ${(tBack - tReady).toFixed(0)} ms after ready; peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB`);

    const b = bare?.held;
    const kb = (n: number) => n / 1024;
    figures.push(
      figure(`streams held (${N}, heartbeat ${flags.heartbeat / 1000} s)`, N, 'streams', undefined, { goal: '10,000 on 2 cores' }),
      figure('hub heap+external per stream', kb(held.memoryPerStream), 'KB', b && { name: 'bare grpc-js', value: kb(b.memoryPerStream) }, { goal: '< 20 KB, <= 1.3x' }),
      figure(`hub CPU holding ${N} streams`, held.cpuPercent, '% of a core', b && { name: 'bare grpc-js', value: b.cpuPercent }),
      figure(`hub RSS holding ${N} streams`, held.loaded.rss / 2 ** 20, 'MiB', b && { name: 'bare grpc-js', value: b.loaded.rss / 2 ** 20 }),
      figure(`register ${N} clusters (64 at a time)`, held.registerMs / 1000, 's', b && { name: 'bare grpc-js', value: b.registerMs / 1000 }),
      figure(`connect ${N} (fresh start, to first snapshot)`, held.connectMs / 1000, 's', b && { name: 'bare grpc-js', value: b.connectMs / 1000 }),
      figure(`fan-out to ${N}: p50`, percentile(fanout, 50), 'ms', bare && { name: 'bare grpc-js push', value: percentile(bare.fanout, 50) }, { goal: '<= 1.5x' }),
      figure(`fan-out to ${N}: p99`, percentile(fanout, 99), 'ms', bare && { name: 'bare grpc-js push', value: percentile(bare.fanout, 99) }, { goal: N >= 10_000 ? '< 1 s, <= 1.5x' : '< 250 ms, <= 1.5x' }),
      figure(`reconnect storm under ${N}: hub ready to all re-snapshotted`, (tBack - tReady) / 1000, 's', { name: 'fresh start', value: held.connectMs / 1000 }, { goal: '<= 2x', note: `stop ${((tStart - tStop) / 1000).toFixed(1)} s, process start ${((tReady - tStart) / 1000).toFixed(1)} s` }),
      figure(`reconnect storm under ${N}: peak hub RSS`, peak / 2 ** 20, 'MiB', { name: 'steady, before the restart', value: held.loaded.rss / 2 ** 20 }, { goal: 'no OOM' }),
    );
    return snapshotBytes;
  } finally {
    fleet.stop();
    await hub.stop();
  }
}

async function runBare(snapshotBytes: Uint8Array): Promise<{ held: Held; fanout: number[] }> {
  const bare = await startChild<BareReady>('./bare-child.ts', {});
  const fleet = new SimulatedFleet({ hubAddress: bare.ready.grpcAddress, bootstrapToken: 'bare', clusters: clusterSpecs(N), heartbeatMs: flags.heartbeat, concurrency: 64 });
  try {
    const held = await hold(bare, fleet);
    log(`bare: ${(held.memoryPerStream / 1024).toFixed(1)} KB heap per stream, ${(held.rssPerStream / 1024).toFixed(1)} KB RSS per stream, ${held.cpuPercent.toFixed(1)}% CPU`);
    const template = (await import('@flotilla/proto')).fromBinary(DesiredStateSchema, snapshotBytes);
    const fanout: number[] = [];
    for (let round = 1; round <= flags.rounds; round++) {
      const generation = template.generation + BigInt(round) * 1000n;
      const message = create(DesiredStateSchema, { ...template, generation });
      const measure = latencies(fleet, (_a, s) => s.generation === generation);
      const t0 = performance.now();
      measure.start(t0);
      bare.process.send({ type: 'push', bytes: Buffer.from(toBinary(DesiredStateSchema, message)).toString('base64') });
      await measure.wait;
      fanout.push(...measure.values);
      log(`bare fan-out round ${round}: p50 ${percentile(measure.values, 50).toFixed(0)} ms, p99 ${percentile(measure.values, 99).toFixed(0)} ms`);
      await sleep(1_000);
    }
    return { held, fanout };
  } finally {
    fleet.stop();
    await bare.stop();
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'flotilla-bench-hub-'));
const figures: Figure[] = [];
try {
  let databaseUrl: string | undefined;
  let drop: (() => Promise<void>) | undefined;
  if (flags.postgres) {
    const { createTestDatabase } = await import('@flotilla/testkit');
    const db = await createTestDatabase();
    databaseUrl = db.url;
    drop = () => db.drop();
  }
  // The bare server needs the hub's snapshot bytes, so the hub goes first; a short throwaway round warms both paths.
  const probe: Figure[] = [];
  const bytes = await runHub(probe, undefined, dataDir, databaseUrl);
  const bare = await runBare(bytes);
  // Fill in the baselines now that the bare server has run (same fleet, same streams, same bytes).
  const bareFigures = new Map<string, number>([
    ['hub heap+external per stream', bare.held.memoryPerStream / 1024],
    [`hub CPU holding ${N} streams`, bare.held.cpuPercent],
    [`hub RSS holding ${N} streams`, bare.held.loaded.rss / 2 ** 20],
    [`register ${N} clusters (64 at a time)`, bare.held.registerMs / 1000],
    [`connect ${N} (fresh start, to first snapshot)`, bare.held.connectMs / 1000],
    [`fan-out to ${N}: p50`, percentile(bare.fanout, 50)],
    [`fan-out to ${N}: p99`, percentile(bare.fanout, 99)],
  ]);
  for (const f of probe) {
    const b = bareFigures.get(f.name);
    figures.push(b === undefined ? f : figure(f.name, f.value, f.unit, { name: f.name.startsWith('fan-out') ? 'bare grpc-js push' : 'bare grpc-js', value: b }, { ...(f.goal ? { goal: f.goal } : {}), ...(f.note ? { note: f.note } : {}) }));
  }
  await drop?.();
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
const suite = `fleet-${N}${flags.postgres ? '-postgres' : ''}`;
const file = writeResults(suite, { ...flags, store: flags.postgres ? 'postgres' : 'pglite (temp dir)' }, figures);
process.stdout.write(`${table(figures)}\n(written to ${file})\n`);
process.exit(0);
