// Renders one application off the agent's main thread: a worker with a memory limit and a deadline reads the commit's
// files on demand through a byte-budgeted reader, so a hostile repository fails its own app while the agent goes on
// heartbeating and serving the others.
import { MessageChannel, Worker } from 'node:worker_threads';
import type { KubeObject, RenderEngine, RenderLimits, RenderParams } from '@flotilla/render';
import { AgentError, errorMessage } from '../errors.js';
import type { Checkout } from '../source/index.js';
import type { FileAnswer, FileRequest, RenderJob, RenderOutcome } from './protocol.js';

export interface RenderBudget {
  /** The worker is terminated after this long, startup included (default 60 s). */
  timeoutMs: number;
  /** The worker's V8 heap (old generation) limit in MiB (default 256). */
  memoryMb: number;
  /** Largest rendered YAML stream accepted, in bytes (default 32 MiB). */
  maxOutputBytes: number;
  /** Passed to the renderer (files, bytes, objects, alias nodes, depth). */
  limits: Partial<RenderLimits>;
}

export const defaultRenderBudget: RenderBudget = { timeoutMs: 60_000, memoryMb: 256, maxOutputBytes: 32 * 1024 * 1024, limits: {} };

export interface Rendered {
  objects: KubeObject[];
  yaml: string;
  /** Repository bytes the render read. */
  bytesRead: number;
}

/** The worker script: the bundle's sibling when bundled, else the TypeScript sources through tsx. */
export function defaultWorkerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('./entry.mjs', here) : new URL('./render-worker.mjs', here);
}

/** Renders `checkout` in a fresh worker. Throws AgentError whose message starts with "render failed:" and names the limit hit. */
export async function renderInWorker(
  checkout: Checkout,
  engine: RenderEngine,
  params: RenderParams,
  budget: Partial<RenderBudget> = {},
  workerUrl: URL = defaultWorkerUrl(),
): Promise<Rendered> {
  const b = { ...defaultRenderBudget, ...budget };
  const reader = checkout.reader();
  const channel = new MessageChannel();
  const signal = new SharedArrayBuffer(4);
  const flag = new Int32Array(signal);
  let readError: string | undefined;
  channel.port2.on('message', (request: FileRequest) => {
    const answer = (a: FileAnswer, transfer: ArrayBuffer[] = []) => {
      channel.port2.postMessage(a, transfer);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    };
    reader.read(request.path).then(
      // A copy of just this blob: isomorphic-git's may be a view into a whole pack, which cloning would copy entirely.
      (bytes) => {
        const copy = new Uint8Array(bytes);
        answer({ ok: true, bytes: copy }, [copy.buffer]);
      },
      (error: unknown) => {
        readError = errorMessage(error);
        answer({ ok: false, message: readError });
      },
    );
  });
  const job: RenderJob = {
    engine,
    appPath: checkout.appPath,
    params,
    limits: b.limits,
    paths: [...checkout.files.keys()],
    symlinks: [...checkout.symlinks],
    maxOutputBytes: b.maxOutputBytes,
    files: channel.port1,
    signal,
  };
  const worker = new Worker(workerUrl, {
    workerData: job,
    transferList: [channel.port1],
    resourceLimits: { maxOldGenerationSizeMb: b.memoryMb, maxYoungGenerationSizeMb: Math.max(16, Math.floor(b.memoryMb / 8)), stackSizeMb: 8 },
    stdout: false,
    stderr: false,
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const outcome = await new Promise<RenderOutcome>((resolve, reject) => {
      timer = setTimeout(() => {
        reject(new AgentError('FailedPrecondition', `render failed: did not finish within ${b.timeoutMs} ms (limit renderTimeoutMs)`));
        void worker.terminate();
      }, b.timeoutMs);
      worker.once('message', (m: RenderOutcome) => resolve(m));
      worker.once('error', (error: Error & { code?: string }) => {
        if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
          reject(new AgentError('FailedPrecondition', `render failed: ran out of memory (limit renderMemoryMb ${b.memoryMb} MiB)`));
        } else reject(new AgentError('Internal', `render failed: the render worker crashed: ${error.message}`));
      });
      worker.once('exit', (code) => reject(new AgentError('Internal', `render failed: the render worker exited with code ${code} without a result`)));
    });
    if (!outcome.ok) throw new AgentError('FailedPrecondition', `render failed: ${readError ?? outcome.message}`);
    return { objects: outcome.objects, yaml: outcome.yaml, bytesRead: reader.bytes };
  } finally {
    clearTimeout(timer);
    channel.port2.close();
    await worker.terminate();
  }
}
