// `npm run bench`: runs every suite in its own process, one after another (never in parallel: they measure CPU and
// memory), collects their figures into bench/results/*.json and prints one table. Every figure stands beside a
// baseline measured in the same run. Options: --only fleet,ingest,render,idle; --clusters N (fleet size, default
// 1000; 10000 for the full-size run); --rounds R; --hold-s S; --postgres (the fleet suite on PostgreSQL too).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { benchDir } from './lib/child.js';
import { figure, machine, table, writeResults } from './lib/results.js';
import type { Figure } from './lib/results.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? (argv[at + 1] ?? fallback) : fallback;
};
const only = new Set(option('only', 'fleet,ingest,render,idle').split(','));
const clusters = option('clusters', '1000');

function run(args: string[], cwd = root): Promise<string> {
  return new Promise((resolve, reject) => {
    process.stderr.write(`\n$ node ${args.join(' ')}\n`);
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      process.stderr.write(chunk);
    });
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`node ${args.join(' ')} exited with ${code}`))));
  });
}

function benchJson<T>(output: string): T {
  const line = output.split('\n').find((l) => l.startsWith('BENCH_JSON '));
  if (!line) throw new Error('the suite printed no BENCH_JSON line');
  return JSON.parse(line.slice('BENCH_JSON '.length)) as T;
}

const readFigures = (suite: string): Figure[] => (JSON.parse(readFileSync(join(benchDir, 'results', `${suite}.json`), 'utf8')) as { figures: Figure[] }).figures;

const all: Figure[] = [];
const failures: string[] = [];
const started = performance.now();
async function suite(name: string, work: () => Promise<Figure[]>): Promise<void> {
  if (!only.has(name)) return;
  try {
    all.push(...(await work()));
  } catch (err) {
    failures.push(`${name}: ${(err as Error).message}`);
  }
}

await suite('fleet', async () => {
  const extra = ['rounds', 'hold-s'].flatMap((k) => (argv.includes(`--${k}`) ? [`--${k}`, option(k, '')] : []));
  await run(['--import', 'tsx', 'bench/suites/fleet.ts', '--clusters', clusters, ...extra]);
  const figures = readFigures(`fleet-${clusters}`);
  if (argv.includes('--postgres')) {
    await run(['--import', 'tsx', 'bench/suites/fleet.ts', '--clusters', clusters, '--postgres', '1', ...extra]);
    figures.push(...readFigures(`fleet-${clusters}-postgres`).map((f) => ({ ...f, name: `${f.name} [PostgreSQL]` })));
  }
  return figures;
});

await suite('ingest', async () => {
  type Row = { store: string; batched: number; copy: number; perMessage: number };
  const { params, rows } = benchJson<{ params: Record<string, number>; rows: Row[] }>(await run(['--import', 'tsx', 'bench/status-ingest.bench.ts'], join(root, 'apps/hub')));
  const figures: Figure[] = [];
  for (const r of rows) {
    const goal = r.store === 'PostgreSQL' ? { goal: '20,000/s, >= 0.5x COPY' } : {};
    figures.push(figure(`status ingest, batched, ${r.store}`, r.batched, 'statuses/s', { name: 'COPY of the same rows', value: r.copy }, goal));
    figures.push(figure(`status ingest, per-message writes, ${r.store}`, r.perMessage, 'statuses/s', { name: 'batched', value: r.batched }));
  }
  const lite = rows.find((r) => r.store.startsWith('PGlite'));
  const pg = rows.find((r) => r.store === 'PostgreSQL');
  if (lite && pg) figures.push(figure('status ingest, batched, PGlite', lite.batched, 'statuses/s', { name: 'PostgreSQL', value: pg.batched }, { goal: '>= 0.4x (at most 2.5x slower)' }));
  writeResults('status-ingest', params, figures);
  return figures;
});

await suite('render', async () => {
  type Result = { objects: number; builtinMs: number; kubectlMs: number | null; identical: boolean | null };
  const { results } = benchJson<{ results: Result[] }>(await run(['--import', 'tsx', 'bench/render.bench.ts'], join(root, 'libs/render')));
  const figures = results.map((r) =>
    figure(`render, ${r.objects}-object overlay`, r.builtinMs, 'ms', r.kubectlMs === null ? undefined : { name: 'kubectl kustomize (process)', value: r.kubectlMs }, { note: `identical output: ${r.identical}` }),
  );
  writeResults('render', { sizes: results.map((r) => r.objects) }, figures);
  return figures;
});

await suite('idle', async () => {
  await run(['--import', 'tsx', 'bench/suites/idle.ts']);
  return readFigures('idle');
});

const minutes = (performance.now() - started) / 60_000;
writeResults('summary', { argv, minutes: Math.round(minutes * 10) / 10, failures }, all);
process.stdout.write(`\nFlotilla benchmarks (${JSON.stringify(machine())}, ${minutes.toFixed(1)} min)\n${table(all)}\n`);
if (failures.length > 0) {
  process.stdout.write(`\nsuites that failed:\n${failures.map((f) => `  ${f}`).join('\n')}\n`);
  process.exit(1);
}
