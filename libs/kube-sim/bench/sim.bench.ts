// Benchmark (not a test) of the simulator: memory per idle cluster and requests per second of one process, each as
// a ratio against a baseline measured in the same run (plain node:https servers answering a static JSON body).
//
//   npm run bench -w @flotilla/kube-sim          (BENCH_CLUSTERS=1000 BENCH_REQUESTS=20000 BENCH_SECONDS=3 BENCH_ROUNDS=3 to change)

import { createServer } from 'node:https';
import type { Server } from 'node:https';
import { attachControllers } from '../src/controllers/index.js';
import { ObjectStore } from '../src/store/index.js';
import type { SimulatedCluster } from '../src/server/cluster.js';
import { startCluster } from '../src/server/cluster.js';
import { servingTls } from '../src/tls/index.js';
import type { MemoryResult } from './memory.js';
import { measureMemory } from './memory.js';
import type { LoadResult } from './load.js';
import { runLoad } from './load.js';

const CLUSTERS = Number(process.env.BENCH_CLUSTERS ?? 1000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

const STATIC_BODY = JSON.stringify({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'bench', namespace: 'default', resourceVersion: '1' }, data: { key: 'value' } });

async function plainServer(): Promise<Server> {
  const tls = servingTls();
  const server = createServer({ key: tls.keyPem, cert: tls.certPem, keepAliveTimeout: 30_000 }, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(STATIC_BODY) });
    res.end(STATIC_BODY);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return server;
}

function closeServer(s: Server): Promise<void> {
  return new Promise((resolve) => {
    s.closeAllConnections();
    s.close(() => resolve());
  });
}

function port(s: Server): number {
  const a = s.address();
  return typeof a === 'object' && a ? a.port : 0;
}

function kib(n: number): string {
  return `${(n / 1024).toFixed(1)} KiB`;
}

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => c.padEnd(widths[i] ?? 10)).join('  ');
}

async function memory(): Promise<MemoryResult[]> {
  servingTls();
  const base = await measureMemory('plain https server (baseline)', CLUSTERS, () => plainServer(), closeServer);
  const api = await measureMemory('simulated cluster, API only', CLUSTERS, () => startCluster({ controllers: false }), (c) => c.close());
  const full = await measureMemory('simulated cluster + controllers', CLUSTERS, () => startCluster(), (c) => c.close());
  // The same without sockets: what the store and the controllers (nodes, StorageClass, watch) cost by themselves.
  const store = await measureMemory('store only (no listener)', CLUSTERS, () => new ObjectStore(), () => undefined);
  const controlled = await measureMemory('store + controllers (no listener)', CLUSTERS, () => attachControllers(new ObjectStore()), (c) => c.stop());
  return [base, api, full, store, controlled];
}

function load(url: string, method: 'GET' | 'PATCH', headers: Record<string, string>, body?: string, maxRequests = REQUESTS): Promise<LoadResult> {
  const spec = { url, method, headers, ca: servingTls().caPem, concurrency: Math.min(CONCURRENCY, maxRequests), maxRequests, maxMs: SECONDS * 1000 };
  return runLoad(body === undefined ? spec : { ...spec, body });
}

/** Median by requests per second. */
function median(runs: LoadResult[]): LoadResult {
  return [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)]!;
}

async function throughput(): Promise<{ label: string; r: LoadResult }[]> {
  const plain = await plainServer();
  const cluster: SimulatedCluster = await startCluster();
  const auth = { Authorization: `Bearer ${cluster.adminToken}`, Accept: 'application/json' };
  const path = '/api/v1/namespaces/default/configmaps/bench';
  const applyBody = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bench', namespace: 'default' }, data: { key: 'value' } });
  const patchHeaders = { ...auth, 'Content-Type': 'application/apply-patch+yaml' };
  const patchUrl = `${cluster.server}${path}?fieldManager=bench&force=true`;
  const first = await load(patchUrl, 'PATCH', patchHeaders, applyBody, 1);
  if (first.errors) throw new Error(`server-side apply failed: ${first.firstError}`);
  // Interleaved rounds, median of each: the machine is shared, so load drifts during the run.
  const runs: LoadResult[][] = [[], [], []];
  for (let round = 0; round < ROUNDS; round++) {
    runs[0]!.push(await load(`https://127.0.0.1:${port(plain)}${path}`, 'GET', {}));
    runs[1]!.push(await load(`${cluster.server}${path}`, 'GET', auth));
    runs[2]!.push(await load(patchUrl, 'PATCH', patchHeaders, applyBody));
  }
  await closeServer(plain);
  await cluster.close();
  return [
    { label: 'plain https static JSON (baseline)', r: median(runs[0]!) },
    { label: 'simulator GET configmap', r: median(runs[1]!) },
    { label: 'simulator SSA PATCH configmap', r: median(runs[2]!) },
  ];
}

async function main(): Promise<void> {
  console.log(`kube-sim bench: ${CLUSTERS} clusters for memory; up to ${REQUESTS} requests or ${SECONDS}s per load run, ${CONCURRENCY} concurrent (client in a worker thread), median of ${ROUNDS} interleaved rounds\n`);
  // Throughput first: thousands of closed clusters leave garbage and sockets behind that would slow it down.
  const rps = await throughput();
  const base = rps[0]!.r.rps;
  console.log(row(['requests per second', 'req/s', 'requests', 'x baseline', 'errors'], [36, 10, 10, 10, 8]));
  for (const { label, r } of rps) console.log(row([label, r.rps.toFixed(0), String(r.requests), (r.rps / base).toFixed(2), String(r.errors)], [36, 10, 10, 10, 8]));
  const failed = rps.find(({ r }) => r.errors);
  if (failed) console.log(`\nfirst error (${failed.label}): ${failed.r.firstError}`);
  console.log('');
  const mem = await memory();
  console.log(row(['memory per idle instance', 'heap', 'RSS', 'x baseline (heap)', 'x baseline (RSS)'], [36, 14, 14, 18, 10]));
  for (const m of mem) console.log(row([m.label, kib(m.heapPerInstance), kib(m.rssPerInstance), (m.heapPerInstance / mem[0]!.heapPerInstance).toFixed(2), (m.rssPerInstance / mem[0]!.rssPerInstance).toFixed(2)], [36, 14, 14, 18, 10]));
  console.log('(heap after GC is the steady figure; RSS also moves with allocator reuse of memory freed by earlier phases)');
}

await main();
