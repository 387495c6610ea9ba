// Throwaway directories for tests: each one is unique and removed, with everything in it, by cleanup().
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface TempDir {
  path: string;
  /** Removes the directory and its contents; safe to call more than once. */
  cleanup(): Promise<void>;
}

export async function tempDir(prefix = 'flotilla-test-'): Promise<TempDir> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { path: dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
