// The renderer's only file-system access: snapshots a directory into a FileTree (symlinks recorded, never followed),
// refusing to read more than the file and byte limits while it walks, so a huge checkout is never loaded whole.
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { RenderError } from '../errors.js';
import { defaultLimits } from '../types.js';
import type { FileTree, RenderLimits } from '../types.js';

export type DirectoryLimits = Pick<RenderLimits, 'maxFiles' | 'maxTotalBytes'>;

export async function readTreeFromDirectory(dir: string, limits: Partial<DirectoryLimits> = {}): Promise<FileTree> {
  const maxFiles = limits.maxFiles ?? defaultLimits.maxFiles;
  const maxTotalBytes = limits.maxTotalBytes ?? defaultLimits.maxTotalBytes;
  const files = new Map<string, Uint8Array>();
  const symlinks = new Map<string, string>();
  let entries = 0;
  let bytes = 0;

  function addEntry(path: string): void {
    if (++entries > maxFiles) throw new RenderError('ResourceExhausted', `more than ${maxFiles} files in the directory (limit maxFiles)`, { file: path });
  }
  function addBytes(path: string, size: number): void {
    bytes += size;
    if (bytes > maxTotalBytes) throw new RenderError('ResourceExhausted', `more than ${maxTotalBytes} bytes in the directory (limit maxTotalBytes)`, { file: path });
  }

  async function walk(rel: string): Promise<void> {
    const abs = rel === '' ? dir : join(dir, rel);
    const names = await readdir(abs);
    names.sort();
    for (const name of names) {
      // Git metadata is never part of what is rendered, nested checkouts and submodules included.
      if (name === '.git') continue;
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const childAbs = join(dir, childRel);
      const st = await lstat(childAbs);
      if (st.isSymbolicLink()) {
        addEntry(childRel);
        symlinks.set(childRel, await readlink(childAbs));
      } else if (st.isDirectory()) {
        await walk(childRel);
      } else if (st.isFile()) {
        // Checked against the size on disk before reading, then against what was read (the file may have grown).
        addEntry(childRel);
        addBytes(childRel, st.size);
        const data = new Uint8Array(await readFile(childAbs));
        addBytes(childRel, data.byteLength - st.size);
        files.set(childRel, data);
      }
    }
  }
  await walk('');
  return symlinks.size > 0 ? { files, symlinks } : { files };
}
