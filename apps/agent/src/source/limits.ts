// What one application's source may cost the agent: bytes and time of a fetch, objects, and bytes read for rendering.
import { AgentError } from '../errors.js';

export interface SourceLimits {
  /** Bytes received over HTTP for one fetch of one commit (refs advertisement and pack together). */
  maxFetchBytes: number;
  /** Wall-clock time for one fetch, however slowly the server drips. */
  maxFetchMs: number;
  /** A git HTTP request with no data for this long fails. */
  idleTimeoutMs: number;
  /** Objects in one pack, and entries in the commit's tree. */
  maxObjects: number;
  /** Inflated size of one object in a pack (a tiny compressed blob can inflate to gigabytes). */
  maxObjectBytes: number;
  /** Bytes of one file read for rendering. */
  maxFileBytes: number;
  /** Bytes read from the repository for one application's render, all files together. */
  maxAppBytes: number;
}

export const defaultSourceLimits: SourceLimits = {
  maxFetchBytes: 256 * 1024 * 1024,
  maxFetchMs: 120_000,
  idleTimeoutMs: 60_000,
  maxObjects: 200_000,
  maxObjectBytes: 64 * 1024 * 1024,
  maxFileBytes: 8 * 1024 * 1024,
  maxAppBytes: 64 * 1024 * 1024,
};

/** A source limit was hit: the message names the limit and its setting, so the cluster admin knows what to raise. */
export class SourceLimitError extends AgentError {
  constructor(
    readonly limit: keyof SourceLimits,
    message: string,
  ) {
    super('FailedPrecondition', `${message} (limit ${limit})`);
  }
}
