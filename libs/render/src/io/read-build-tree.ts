// Snapshots what `kustomize build DIR` may read outside any repository: DIR and every base and component directory it
// reaches, wherever they are on disk, as one FileTree rooted at their closest common ancestor.
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { RenderError } from '../errors.js';
import { isObject } from '../objects.js';
import { KUSTOMIZATION_FILES } from '../plain.js';
import { isRemoteReference } from '../kustomize/kustomization.js';
import { defaultLimits } from '../types.js';
import type { FileTree } from '../types.js';
import { decodeDocuments } from '../yaml/decode.js';
import { readTreeFromDirectory } from './read-directory.js';
import type { DirectoryLimits } from './read-directory.js';
import type { RepositorySnapshot } from './read-repository.js';

/** The directories a kustomization lists (resources, bases, components), as kustomize matches field names: any case. */
function listedPaths(text: string, file: string): string[] {
  let value;
  try {
    value = decodeDocuments(text, file, defaultLimits.maxAliasExpansions, { yaml11: true })[0]?.value;
  } catch (_e) {
    return []; // the renderer reports the broken file with its line
  }
  if (!isObject(value)) return [];
  const out: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (!['resources', 'bases', 'components'].includes(key.toLowerCase()) || !Array.isArray(v)) continue;
    for (const item of v) if (typeof item === 'string' && !isRemoteReference(item)) out.push(item);
  }
  return out;
}

async function kustomizationIn(dir: string): Promise<string | undefined> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const name = KUSTOMIZATION_FILES.find((n) => names.includes(n));
  return name === undefined ? undefined : resolve(dir, name);
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

function commonAncestor(dirs: string[]): string {
  let acc = dirs[0] as string;
  for (const d of dirs.slice(1)) {
    while (!(d === acc || d.startsWith(acc.endsWith(sep) ? acc : acc + sep))) acc = dirname(acc);
  }
  return acc;
}

/**
 * The tree `kustomize build dir` sees with its default load restrictions: bases and components anywhere, each
 * kustomization's files only inside its own directory (the renderer enforces that part). Symlinks stay links.
 */
export async function readTreeForKustomizeBuild(dir: string, limits: Partial<DirectoryLimits> = {}): Promise<RepositorySnapshot> {
  const start = await realpath(resolve(dir));
  const seen = new Set<string>();
  const pending = [start];
  while (pending.length > 0) {
    const d = pending.pop() as string;
    if (seen.has(d)) continue;
    seen.add(d);
    if (seen.size > (limits.maxFiles ?? defaultLimits.maxFiles)) {
      throw new RenderError('ResourceExhausted', `more than ${limits.maxFiles ?? defaultLimits.maxFiles} kustomization directories (limit maxFiles)`, { file: d });
    }
    const kfile = await kustomizationIn(d);
    if (kfile === undefined) continue;
    const text = await readFile(kfile, 'utf8').catch(() => '');
    for (const ref of listedPaths(text, kfile)) {
      const target = resolve(d, ref);
      if (await isDirectory(target)) pending.push(await realpath(target));
    }
  }
  const dirs = [...seen].sort();
  const root = commonAncestor(dirs);
  // Only the outermost directories are read; one inside another comes with it.
  const outer = dirs.filter((d) => !dirs.some((o) => o !== d && d.startsWith(o.endsWith(sep) ? o : o + sep)));
  const files = new Map<string, Uint8Array>();
  const symlinks = new Map<string, string>();
  let budgetFiles = limits.maxFiles ?? defaultLimits.maxFiles;
  let budgetBytes = limits.maxTotalBytes ?? defaultLimits.maxTotalBytes;
  for (const d of outer) {
    const sub = await readTreeFromDirectory(d, { maxFiles: budgetFiles, maxTotalBytes: budgetBytes });
    const prefix = relative(root, d).split(sep).join('/');
    const key = (p: string): string => (prefix === '' ? p : `${prefix}/${p}`);
    for (const [p, data] of sub.files) {
      files.set(key(p), data);
      budgetBytes -= data.byteLength;
    }
    for (const [p, target] of sub.symlinks ?? []) symlinks.set(key(p), target);
    budgetFiles -= sub.files.size + (sub.symlinks?.size ?? 0);
  }
  const tree: FileTree = symlinks.size > 0 ? { files, symlinks } : { files };
  return { tree, root, appPath: relative(root, start).split(sep).join('/'), view: 'kustomize-build' };
}
