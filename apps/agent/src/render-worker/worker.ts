// The render worker's body: renders one application from a lazily read file tree and posts the outcome. Each file is
// fetched from the agent synchronously (Atomics.wait + receiveMessageOnPort), because the renderer is synchronous.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { RenderError, renderWithEngine } from '@flotilla/render';
import type { FileAnswer, RenderJob, RenderOutcome } from './protocol.js';

class LazyFiles implements ReadonlyMap<string, Uint8Array> {
  private readonly known: ReadonlySet<string>;
  private readonly loaded = new Map<string, Uint8Array>();
  private readonly signal: Int32Array;

  constructor(private readonly job: RenderJob) {
    this.known = new Set(job.paths);
    this.signal = new Int32Array(job.signal);
  }

  get size(): number {
    return this.known.size;
  }

  has(path: string): boolean {
    return this.known.has(path);
  }

  get(path: string): Uint8Array | undefined {
    if (!this.known.has(path)) return undefined;
    let bytes = this.loaded.get(path);
    if (bytes === undefined) {
      bytes = this.fetch(path);
      this.loaded.set(path, bytes);
    }
    return bytes;
  }

  private fetch(path: string): Uint8Array {
    Atomics.store(this.signal, 0, 0);
    this.job.files.postMessage({ path });
    // The agent answers, or terminates this worker at its deadline.
    while (Atomics.wait(this.signal, 0, 0, 10_000) === 'timed-out');
    const answer = receiveMessageOnPort(this.job.files)?.message as FileAnswer | undefined;
    if (answer === undefined) throw new RenderError('Internal', `no answer for file "${path}"`, { file: path });
    if (!answer.ok) throw new RenderError('ResourceExhausted', answer.message);
    return answer.bytes;
  }

  forEach(callback: (value: Uint8Array, key: string, map: ReadonlyMap<string, Uint8Array>) => void): void {
    for (const [k, v] of this.entries()) callback(v, k, this);
  }

  *entries(): MapIterator<[string, Uint8Array]> {
    for (const path of this.known) yield [path, this.get(path)!];
  }

  keys(): MapIterator<string> {
    return this.known.values();
  }

  *values(): MapIterator<Uint8Array> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): MapIterator<[string, Uint8Array]> {
    return this.entries();
  }
}

async function run(job: RenderJob): Promise<RenderOutcome> {
  try {
    const tree = { files: new LazyFiles(job), symlinks: new Map(job.symlinks) };
    const result = await renderWithEngine(job.engine, tree, job.appPath, job.params, job.limits);
    if (result.yaml.length > job.maxOutputBytes) {
      return { ok: false, message: `the rendered manifests are ${result.yaml.length} bytes, more than ${job.maxOutputBytes} (limit maxOutputBytes)` };
    }
    return { ok: true, objects: result.objects, yaml: result.yaml };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

const job = workerData as RenderJob;
parentPort?.postMessage(await run(job));
