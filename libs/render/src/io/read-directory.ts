// The renderer's only file-system access: snapshots a directory into a FileTree (symlinks recorded, never followed).
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileTree } from '../types.js';

export async function readTreeFromDirectory(dir: string): Promise<FileTree> {
  const files = new Map<string, Uint8Array>();
  const symlinks = new Map<string, string>();
  async function walk(rel: string): Promise<void> {
    const abs = rel === '' ? dir : join(dir, rel);
    const entries = await readdir(abs);
    entries.sort();
    for (const name of entries) {
      if (rel === '' && name === '.git') continue;
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const childAbs = join(dir, childRel);
      const st = await lstat(childAbs);
      if (st.isSymbolicLink()) symlinks.set(childRel, await readlink(childAbs));
      else if (st.isDirectory()) await walk(childRel);
      else if (st.isFile()) files.set(childRel, new Uint8Array(await readFile(childAbs)));
    }
  }
  await walk('');
  return symlinks.size > 0 ? { files, symlinks } : { files };
}
