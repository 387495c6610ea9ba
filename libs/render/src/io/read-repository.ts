// Snapshots the git work tree that holds a directory, as the agent will see the repository: the files git tracks or
// would track (ignored ones such as node_modules left out), symlinks recorded and never followed.
import { execFile } from 'node:child_process';
import { lstat, readFile, readlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { FileTree } from '../types.js';
import { readTreeForKustomizeBuild } from './read-build-tree.js';

const run = promisify(execFile);

export interface RepositorySnapshot {
  tree: FileTree;
  /** The work tree's root on disk (the directory itself when it is not inside a git work tree). */
  root: string;
  /** `dir` relative to the root, POSIX separators; '' for the root itself. */
  appPath: string;
  /**
   * 'repository': the git work tree around the directory, nothing read outside it (what the agent sees).
   * 'kustomize-build': no work tree around it, so the directory and every base it reaches, as `kustomize build` reads.
   */
  view: 'repository' | 'kustomize-build';
}

async function gitLocation(dir: string): Promise<{ top: string; prefix: string } | undefined> {
  try {
    // --show-prefix is git's own view of dir inside the work tree, right even when dir is reached through symlinks.
    const { stdout } = await run('git', ['rev-parse', '--show-toplevel', '--show-prefix'], { cwd: dir });
    const [top = '', prefix = ''] = stdout.split('\n');
    return top ? { top, prefix: prefix.replace(/\/$/, '') } : undefined;
  } catch {
    return undefined; // not a work tree, or no git on PATH: the directory alone is the tree
  }
}

/**
 * The tree of the repository around `dir`, so overlays that reach `../base` render as `kustomize build dir` does; outside
 * a git work tree, the directories `kustomize build dir` would read (see read-build-tree.ts).
 */
export async function readTreeFromRepository(dir: string): Promise<RepositorySnapshot> {
  const absolute = resolve(dir);
  await lstat(absolute); // ENOENT for a missing directory, before git says something vaguer
  const location = await gitLocation(absolute);
  if (location === undefined) return readTreeForKustomizeBuild(absolute);
  const { top, prefix } = location;
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: top, maxBuffer: 64 * 1024 * 1024 });
  const files = new Map<string, Uint8Array>();
  const symlinks = new Map<string, string>();
  for (const path of stdout.split('\0').filter(Boolean).sort()) {
    const onDisk = join(top, path);
    const st = await lstat(onDisk).catch(() => undefined); // listed but deleted in the work tree
    if (st?.isSymbolicLink()) symlinks.set(path, await readlink(onDisk));
    else if (st?.isFile()) files.set(path, new Uint8Array(await readFile(onDisk)));
  }
  return { tree: symlinks.size > 0 ? { files, symlinks } : { files }, root: top, appPath: prefix, view: 'repository' };
}
