// Memory figures of a child process: asked over IPC (heap after a full GC, from inside) and read from /proc (RSS and
// its peak, from outside; Linux only).
import { readFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';

export interface InsideMemory {
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  rss: number;
  streams: number;
}

/** In the child: answer {type:'memory'} with heap figures after a full GC (needs --expose-gc). */
export function answerMemoryRequests(extra: { streams: () => number }): void {
  process.on('message', (message: { type?: string; id?: number }) => {
    if (message?.type !== 'memory') return;
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    const m = process.memoryUsage();
    process.send?.({ type: 'memory', id: message.id, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss, streams: extra.streams() });
  });
}

let nextId = 0;
/** In the parent: the child's heap after GC, as it reports it. */
export function insideMemory(child: ChildProcess): Promise<InsideMemory> {
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`process ${child.pid} did not report its memory within 60 s`)), 60_000);
    const onMessage = (message: InsideMemory & { type?: string; id?: number }) => {
      if (message?.type !== 'memory' || message.id !== id) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.send({ type: 'memory', id });
  });
}

function statusField(pid: number, field: string): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) * 1024;
}

/** Resident set size and its peak so far (VmHWM), in bytes. */
export function rssOf(pid: number): { rss: number; peak: number } {
  return { rss: statusField(pid, 'VmRSS'), peak: statusField(pid, 'VmHWM') };
}

/** CPU seconds (user + system) the process has used so far. */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}
