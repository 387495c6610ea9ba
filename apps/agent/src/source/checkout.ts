// One commit as the renderer sees it: the listing of every path (tree objects only) and blobs read on demand, each
// read counted against the file and application byte budgets, so only what the render touches is ever inflated.
import fs from 'node:fs';
import git from 'isomorphic-git';
import { AgentError } from '../errors.js';
import { normalizeAppPath, resolveLinkTarget } from './app-path.js';
import type { SourceLimits } from './limits.js';
import { SourceLimitError } from './limits.js';

const maxLinkHops = 40;
const maxLinkBytes = 4096;

export interface Checkout {
  commit: string;
  /** The application's path as given, normalized (symlinks not resolved: the renderer resolves them again). */
  appPath: string;
  /** Every regular file of the commit: path -> blob id. */
  files: ReadonlyMap<string, string>;
  /** Every symlink of the commit: path -> target. */
  symlinks: ReadonlyMap<string, string>;
  /** A reader with fresh byte budgets (one per render). */
  reader(): BlobReader;
}

export interface BlobReader {
  /** Bytes read so far. */
  readonly bytes: number;
  read(path: string): Promise<Uint8Array>;
}

interface GitContext {
  gitdir: string;
  cache: object;
}

async function listCommit(ctx: GitContext, commit: string, limits: Pick<SourceLimits, 'maxObjects'>) {
  const files = new Map<string, string>();
  const symlinks = new Map<string, string>();
  const dirs = new Set<string>(['']);
  let entries = 0;
  const walk = async (oid: string, prefix: string): Promise<void> => {
    const { tree } = await git.readTree({ fs, ...ctx, oid });
    for (const entry of tree) {
      if (++entries > limits.maxObjects) {
        throw new SourceLimitError('maxObjects', `commit ${commit} holds more than ${limits.maxObjects} tree entries`);
      }
      const path = prefix === '' ? entry.path : `${prefix}/${entry.path}`;
      if (entry.type === 'tree') {
        dirs.add(path);
        await walk(entry.oid, path);
      } else if (entry.type === 'blob' && entry.mode === '120000') {
        const { blob } = await git.readBlob({ fs, ...ctx, oid: entry.oid });
        if (blob.byteLength > maxLinkBytes) throw new AgentError('InvalidArgument', `symbolic link "${path}" has a target longer than ${maxLinkBytes} bytes`);
        symlinks.set(path, Buffer.from(blob).toString('utf8'));
      } else if (entry.type === 'blob') files.set(path, entry.oid);
      // Submodules (type commit) are not part of the repository's content here.
    }
  };
  const { commit: parsed } = await git.readCommit({ fs, ...ctx, oid: commit });
  await walk(parsed.tree, '');
  return { files, symlinks, dirs };
}

/** Follows symlinks along `appPath`; throws PermissionDenied when one points outside, NotFound when it is no directory. */
function resolveAppPath(appPath: string, given: string, dirs: ReadonlySet<string>, symlinks: ReadonlyMap<string, string>): string {
  let pending = appPath === '' ? [] : appPath.split('/');
  let done: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const candidate = [...done, pending.shift()!].join('/');
    const target = symlinks.get(candidate);
    if (target === undefined) {
      done = candidate.split('/');
      continue;
    }
    if (++hops > maxLinkHops) throw new AgentError('InvalidArgument', `app path "${given}": too many levels of symbolic links at "${candidate}"`);
    const resolved = resolveLinkTarget(candidate, target);
    if (resolved === undefined) {
      throw new AgentError('PermissionDenied', `app path "${given}": symbolic link "${candidate}" points outside the repository (${target})`);
    }
    pending = [...(resolved === '' ? [] : resolved.split('/')), ...pending];
    done = [];
  }
  const real = done.join('/');
  if (!dirs.has(real)) throw new AgentError('NotFound', `app path "${given}" is not a directory in the repository`);
  return real;
}

export async function openCheckout(ctx: GitContext, commit: string, appPath: string, limits: SourceLimits): Promise<Checkout> {
  const normalized = normalizeAppPath(appPath);
  const { files, symlinks, dirs } = await listCommit(ctx, commit, limits);
  resolveAppPath(normalized, appPath, dirs, symlinks);
  return {
    commit,
    appPath: normalized,
    files,
    symlinks,
    reader(): BlobReader {
      let bytes = 0;
      return {
        get bytes() {
          return bytes;
        },
        async read(path: string): Promise<Uint8Array> {
          const oid = files.get(path);
          if (oid === undefined) throw new AgentError('NotFound', `"${path}" is not a file of commit ${commit}`);
          const { blob } = await git.readBlob({ fs, ...ctx, oid });
          if (blob.byteLength > limits.maxFileBytes) {
            throw new SourceLimitError('maxFileBytes', `"${path}" is ${blob.byteLength} bytes, more than ${limits.maxFileBytes}`);
          }
          bytes += blob.byteLength;
          if (bytes > limits.maxAppBytes) {
            throw new SourceLimitError('maxAppBytes', `the application's files read so far add up to more than ${limits.maxAppBytes} bytes (at "${path}")`);
          }
          return blob;
        },
      };
    },
  };
}
