// Public data types of the renderer: the tree it reads, the parameters, the limits and what it returns.

/** A read-only file tree: POSIX paths relative to the repository root, no leading "./" or "/". */
export interface FileTree {
  files: ReadonlyMap<string, Uint8Array>;
  /** Symbolic links: path of the link -> its target as stored by git (relative to the link's directory). */
  symlinks?: ReadonlyMap<string, string>;
}

export interface RenderParams {
  cluster?: { name: string; labels: Readonly<Record<string, string>> };
  stage?: string;
  app?: string;
}

/** A JSON value as kustomize holds it; integers too large for a double are kept as bigint. */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export interface KubeObject extends JsonObject {
  apiVersion: string;
  kind: string;
  metadata: JsonObject & { name: string; namespace?: string };
}

export interface RenderResult {
  objects: KubeObject[];
  /** The byte-stable stream, exactly as `kustomize build` prints it. */
  yaml: string;
}

export interface RenderLimits {
  /** Files read (kustomizations, resources, patches, generator sources). */
  maxFiles: number;
  /** Bytes read across all files. */
  maxTotalBytes: number;
  /** Objects in the result (and in any intermediate base). */
  maxObjects: number;
  /** Alias nodes expanded per YAML document (billion-laughs guard). */
  maxAliasExpansions: number;
  /** Depth of nested kustomizations (bases of bases ...). */
  maxDepth: number;
}

export const defaultLimits: RenderLimits = {
  maxFiles: 10_000,
  maxTotalBytes: 64 * 1024 * 1024,
  maxObjects: 20_000,
  maxAliasExpansions: 10_000,
  maxDepth: 64,
};
