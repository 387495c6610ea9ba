// One shape for every benchmark figure (a value beside its baseline from the same run, and their ratio), written as
// JSON to bench/results/<suite>.json and printed as a table.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchDir } from './child.js';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** What the value is compared with, measured in the same run. */
  baseline?: string;
  baselineValue?: number;
  /** value / baselineValue (lower is better unless the goal says otherwise). */
  ratio?: number;
  goal?: string;
  note?: string;
}

export function figure(name: string, value: number, unit: string, baseline?: { name: string; value: number }, extra: { goal?: string; note?: string } = {}): Figure {
  return {
    name,
    value: round(value),
    unit,
    ...(baseline ? { baseline: baseline.name, baselineValue: round(baseline.value), ratio: round(value / baseline.value, 3) } : {}),
    ...extra,
  };
}

function round(n: number, digits = 2): number {
  if (!Number.isFinite(n)) return n;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: loadavg().map((l) => round(l)),
  };
}

export function writeResults(suite: string, params: Record<string, unknown>, figures: Figure[]): string {
  const dir = process.env['FLOTILLA_BENCH_RESULTS'] ?? join(benchDir, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${suite}.json`);
  writeFileSync(file, `${JSON.stringify({ suite, at: new Date().toISOString(), machine: machine(), params, figures }, null, 2)}\n`);
  return file;
}

const fmt = (n: number | undefined) => (n === undefined ? '' : Math.abs(n) >= 100 ? n.toFixed(0) : String(n));

export function table(figures: Figure[]): string {
  const rows = [['figure', 'value', 'baseline', 'ratio', 'goal'], ...figures.map((f) => [f.name, `${fmt(f.value)} ${f.unit}`, f.baseline ? `${fmt(f.baselineValue)} (${f.baseline})` : '', f.ratio === undefined ? '' : `${f.ratio}x`, f.goal ?? ''])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/** Nearest-rank percentile of an unsorted sample. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

/** Named integer flags from argv (`--clusters 1000`), with defaults. */
export function intFlags<T extends Record<string, number>>(defaults: T, argv = process.argv.slice(2)): T {
  const out: Record<string, number> = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i]!.replace(/^--/, '');
    if (!(key in defaults)) throw new Error(`unknown flag ${argv[i]} (known: ${Object.keys(defaults).map((k) => `--${k}`).join(' ')})`);
    const value = Number(argv[++i]);
    if (!Number.isFinite(value)) throw new Error(`--${key}: expected a number, got ${JSON.stringify(argv[i])}`);
    out[key] = value;
  }
  return out as T;
}
