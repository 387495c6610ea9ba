// Read access to a FileTree that follows symlinks only inside the root and counts what it reads against the limits.
import { RenderError } from '../errors.js';
import type { FileTree, RenderLimits } from '../types.js';
import { joinInside, dirname } from './paths.js';

const MAX_LINK_HOPS = 40;

export class TreeReader {
  private readonly dirs = new Map<string, Set<string>>();
  private filesRead = 0;
  private bytesRead = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(
    private readonly tree: FileTree,
    private readonly limits: RenderLimits,
  ) {
    this.dirs.set('', new Set());
    const add = (p: string): void => {
      let child = p;
      let parent = dirname(p);
      for (;;) {
        let entries = this.dirs.get(parent);
        if (entries === undefined) {
          entries = new Set();
          this.dirs.set(parent, entries);
        }
        if (entries.has(child)) return;
        entries.add(child);
        if (parent === '') return;
        child = parent;
        parent = dirname(parent);
      }
    };
    for (const p of tree.files.keys()) add(p);
    for (const p of tree.symlinks?.keys() ?? []) add(p);
  }

  /** Resolves symlinks in every component of `path`; throws if a link points outside the root or loops. */
  resolve(path: string, from: string | undefined): string {
    const links = this.tree.symlinks;
    if (links === undefined || links.size === 0 || path === '') return path;
    let hops = 0;
    let pending = path.split('/');
    let done: string[] = [];
    while (pending.length > 0) {
      const seg = pending.shift() as string;
      const candidate = [...done, seg].join('/');
      const target = links.get(candidate);
      if (target === undefined) {
        done.push(seg);
        continue;
      }
      if (++hops > MAX_LINK_HOPS) throw new RenderError('InvalidArgument', `too many levels of symbolic links at "${candidate}"`, { file: from });
      if (target.startsWith('/')) {
        throw new RenderError('PermissionDenied', `symbolic link "${candidate}" points outside the repository (${target})`, { file: from });
      }
      let resolved: string;
      try {
        resolved = joinInside(done.join('/'), target, from);
      } catch (_e) {
        throw new RenderError('PermissionDenied', `symbolic link "${candidate}" points outside the repository (${target})`, { file: from });
      }
      pending = [...(resolved === '' ? [] : resolved.split('/')), ...pending];
      done = [];
    }
    return done.join('/');
  }

  /**
   * kustomize's default load restriction: a file a kustomization reads (a resource, patch or generator source) must be
   * in or below that kustomization's directory once symlinks are resolved; only bases and components may be elsewhere.
   */
  checkFileWithin(dir: string, path: string, from: string | undefined): void {
    const realDir = this.resolve(dir, from);
    const real = this.resolve(path, from);
    if (realDir === '' || real === realDir || real.startsWith(`${realDir}/`)) return;
    throw new RenderError('PermissionDenied', `security; file "${path}" is not in or below "${dir}" (kustomize reads a kustomization's files only from its own directory)`, { file: from });
  }

  isFile(path: string, from?: string): boolean {
    return this.tree.files.has(this.resolve(path, from));
  }

  isDir(path: string, from?: string): boolean {
    const real = this.resolve(path, from);
    return real === '' || (this.dirs.has(real) && !this.tree.files.has(real));
  }

  /** Entry names of a directory, sorted bytewise so the result never depends on the tree's insertion order. */
  list(path: string, from?: string): string[] {
    const real = this.resolve(path, from);
    const entries = this.dirs.get(real);
    if (entries === undefined) throw new RenderError('NotFound', `directory "${path}" does not exist`, { file: from });
    const names = [...entries].map((p) => (real === '' ? p : p.slice(real.length + 1)));
    return names.sort(compareBytes);
  }

  readBytes(path: string, from?: string): Uint8Array {
    const real = this.resolve(path, from);
    const data = this.tree.files.get(real);
    if (data === undefined) {
      const what = this.dirs.has(real) ? 'is a directory, not a file' : 'does not exist';
      throw new RenderError('NotFound', `"${path}" ${what}`, { file: from });
    }
    this.filesRead += 1;
    this.bytesRead += data.byteLength;
    if (this.filesRead > this.limits.maxFiles) {
      throw new RenderError('ResourceExhausted', `more than ${this.limits.maxFiles} files read (limit maxFiles)`, { file: path });
    }
    if (this.bytesRead > this.limits.maxTotalBytes) {
      throw new RenderError('ResourceExhausted', `more than ${this.limits.maxTotalBytes} bytes read (limit maxTotalBytes)`, { file: path });
    }
    return data;
  }

  readText(path: string, from?: string): string {
    const data = this.readBytes(path, from);
    try {
      return this.decoder.decode(data);
    } catch (_e) {
      throw new RenderError('InvalidArgument', 'file is not valid UTF-8', { file: path });
    }
  }
}

export function compareBytes(a: string, b: string): number {
  // UTF-16 order equals UTF-8 byte order except around surrogates, which file names in git practically never hold.
  return a < b ? -1 : a > b ? 1 : 0;
}
