// Memory per instance: start N of something, collect garbage, and divide the heap/RSS growth by N.

import { getHeapStatistics } from 'node:v8';

export interface MemoryResult {
  label: string;
  count: number;
  heapPerInstance: number;
  rssPerInstance: number;
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('run with node --expose-gc (the bench script passes it)');
  for (let i = 0; i < 3; i++) g();
}

function sample(): { heap: number; rss: number } {
  gc();
  return { heap: getHeapStatistics().used_heap_size, rss: process.memoryUsage().rss };
}

/** Starts `count` instances with `start`, measures, then closes them all. */
export async function measureMemory<T>(label: string, count: number, start: (i: number) => Promise<T> | T, close: (t: T) => Promise<void> | void): Promise<MemoryResult> {
  // Warm-up: first instances pay for lazily built shared state (TLS context, catalogs, compiled code).
  const warm: T[] = [];
  for (let i = 0; i < Math.min(50, count); i++) warm.push(await start(i));
  for (const t of warm) await close(t);
  const before = sample();
  const items: T[] = [];
  for (let i = 0; i < count; i++) items.push(await start(i));
  const after = sample();
  for (const t of items) await close(t);
  return { label, count, heapPerInstance: (after.heap - before.heap) / count, rssPerInstance: (after.rss - before.rss) / count };
}
