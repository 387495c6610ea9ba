// Plain directories (no kustomization file): every manifest below the directory, as Flux's generated kustomization lists them.
import { RenderError } from './errors.js';
import type { TreeReader } from './tree/reader.js';
import { joinInside } from './tree/paths.js';

export const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export function findKustomization(reader: TreeReader, dir: string, from?: string): string | undefined {
  const names = new Set(reader.list(dir, from));
  const found = KUSTOMIZATION_FILES.filter((n) => names.has(n) && reader.isFile(joinInside(dir, n, from), from));
  if (found.length > 1) {
    throw new RenderError('InvalidArgument', `found multiple kustomization files (${found.join(', ')}) in directory '${dir || '.'}'`, { file: from ?? joinInside(dir, found[0] as string, undefined) });
  }
  return found[0] === undefined ? undefined : joinInside(dir, found[0], from);
}

export type PlainEntry = { type: 'file'; path: string } | { type: 'kustomization'; path: string };

/**
 * Manifest files under `dir`, depth first in bytewise name order; a subdirectory holding a kustomization is one entry
 * and is not descended into. Names starting with "." are skipped (editor and CI folders are not manifests).
 */
export function plainEntries(reader: TreeReader, dir: string, from?: string, visiting: Set<string> = new Set()): PlainEntry[] {
  const real = reader.resolve(dir, from);
  if (visiting.has(real)) {
    throw new RenderError('InvalidArgument', `directory "${dir}" loops back to "${real || '.'}" through a symbolic link`, { file: dir });
  }
  visiting.add(real);
  const out: PlainEntry[] = [];
  for (const name of reader.list(dir, from)) {
    if (name.startsWith('.')) continue;
    const path = joinInside(dir, name, from);
    if (reader.isDir(path, from)) {
      if (findKustomization(reader, path, from) !== undefined) out.push({ type: 'kustomization', path });
      else out.push(...plainEntries(reader, path, from, visiting));
    } else if (MANIFEST_EXTENSIONS.some((ext) => name.endsWith(ext))) {
      out.push({ type: 'file', path });
    }
  }
  visiting.delete(real);
  return out;
}
