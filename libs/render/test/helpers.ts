// Test helpers: in-memory file trees from plain strings.
import type { FileTree } from '../src/index.js';

export function tree(files: Record<string, string>, symlinks?: Record<string, string>): FileTree {
  const enc = new TextEncoder();
  const t: FileTree = { files: new Map(Object.entries(files).map(([k, v]) => [k, enc.encode(v)])) };
  return symlinks === undefined ? t : { ...t, symlinks: new Map(Object.entries(symlinks)) };
}

export const cm = (name: string, extra = ''): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}`;
