// POSIX path arithmetic inside the repository root; every result is root-relative ("" is the root itself).
import { RenderError } from '../errors.js';

/** Joins `rel` onto directory `dir` and normalizes; refuses absolute paths and anything that climbs above the root. */
export function joinInside(dir: string, rel: string, from: string | undefined): string {
  if (rel.startsWith('/') || /^[A-Za-z]:[\\/]/.test(rel) || rel.includes('\\')) {
    throw new RenderError('PermissionDenied', `path "${rel}" is absolute or uses backslashes; only paths inside the repository are allowed`, { file: from });
  }
  if (rel.includes('\0')) throw new RenderError('InvalidArgument', `path "${rel}" contains a NUL byte`, { file: from });
  const parts = dir === '' ? [] : dir.split('/');
  for (const seg of rel.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) {
        throw new RenderError('PermissionDenied', `path "${rel}" leaves the repository root`, { file: from });
      }
      parts.pop();
    } else {
      parts.push(seg);
    }
  }
  return parts.join('/');
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function basename(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

/** Normalizes a caller-supplied root-relative path ("./apps/x/" -> "apps/x"). */
export function normalizeRelative(path: string, what: string): string {
  return joinInside('', path, what);
}
