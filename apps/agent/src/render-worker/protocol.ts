// Messages between the agent and its render worker: the job, synchronous file reads over a MessagePort, the result.
import type { MessagePort } from 'node:worker_threads';
import type { KubeObject, RenderEngine, RenderLimits, RenderParams } from '@flotilla/render';

export interface RenderJob {
  engine: RenderEngine;
  appPath: string;
  params: RenderParams;
  limits: Partial<RenderLimits>;
  /** Every regular file of the commit; contents are asked for one at a time over `files`. */
  paths: string[];
  symlinks: [string, string][];
  /** The rendered YAML stream may be at most this long. */
  maxOutputBytes: number;
  files: MessagePort;
  /** Int32 slot 0: set to 1 by the agent once the answer to a file request is on the port. */
  signal: SharedArrayBuffer;
}

export interface FileRequest {
  path: string;
}

export type FileAnswer = { ok: true; bytes: Uint8Array } | { ok: false; message: string };

export type RenderOutcome = { ok: true; objects: KubeObject[]; yaml: string } | { ok: false; message: string };
