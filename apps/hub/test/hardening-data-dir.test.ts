// The embedded store's data directory is the hub user's only: directories 0700 and files 0600, whatever the umask,
// including a directory that existed before with looser modes.
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/index.js';

async function tree(dir: string): Promise<{ file: string; mode: number; directory: boolean }[]> {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    const info = await stat(file);
    out.push({ file: path.relative(dir, file), mode: info.mode & 0o777, directory: info.isDirectory() });
  }
  return out;
}

describe('embedded store files', () => {
  let scratch: string | undefined;
  let umask: number | undefined;
  afterEach(async () => {
    if (umask !== undefined) process.umask(umask);
    if (scratch) await rm(scratch, { recursive: true, force: true });
    scratch = umask = undefined;
  });

  it('are readable by the hub user only, even under a permissive umask and in a directory made world-writable before', async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'flotilla-data-'));
    const dataDir = path.join(scratch, 'data');
    await mkdir(dataDir);
    await writeFile(path.join(dataDir, 'left-behind'), 'x');
    await chmod(dataDir, 0o777);
    await chmod(path.join(dataDir, 'left-behind'), 0o666);
    umask = process.umask(0o000);
    const store = await openStore({ dataDir });
    try {
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
      const entries = await tree(dataDir);
      expect(entries.length).toBeGreaterThan(10);
      const open = entries.filter((e) => (e.directory ? e.mode !== 0o700 : (e.mode & 0o077) !== 0));
      expect(open).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
