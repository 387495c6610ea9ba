// The pure entry point: a file tree, an app path and per-cluster parameters in; ordered objects and kustomize's bytes out.
import { RenderError } from './errors.js';
import { legacySort } from './order.js';
import { emitStream } from './yaml/emit.js';
import { TreeReader } from './tree/reader.js';
import { normalizeRelative } from './tree/paths.js';
import { defaultLimits } from './types.js';
import type { FileTree, KubeObject, RenderLimits, RenderParams, RenderResult } from './types.js';
import { buildDirectory } from './kustomize/build.js';
import { substituteParams } from './params/substitute.js';

export function render(tree: FileTree, appPath: string, params: RenderParams = {}, limits: Partial<RenderLimits> = {}): RenderResult {
  try {
    return renderUnchecked(tree, appPath, params, limits);
  } catch (e) {
    if (e instanceof RenderError) throw e;
    // A hostile input must never escape as a raw exception (a stack overflow on absurd nesting, for one).
    const reason = e instanceof RangeError ? 'input nested too deeply' : e instanceof Error ? e.message : String(e);
    throw new RenderError('InvalidArgument', `cannot render: ${reason}`, { file: appPath || '.' });
  }
}

function renderUnchecked(tree: FileTree, appPath: string, params: RenderParams, limits: Partial<RenderLimits>): RenderResult {
  const lim: RenderLimits = { ...defaultLimits, ...limits };
  const reader = new TreeReader(tree, lim);
  const root = normalizeRelative(appPath, 'appPath');
  if (!reader.isDir(root)) {
    throw new RenderError('NotFound', `app path "${appPath}" is not a directory in the repository`, { file: appPath });
  }
  const built = buildDirectory(reader, root, lim);
  const sorted = built.sortOrder === 'legacy' ? legacySort(built.resources, (r) => r.obj, built.legacyOrder) : built.resources;
  const objects: KubeObject[] = sorted.map((r) => substituteParams(r.obj, params, r.origin));
  if (objects.length > lim.maxObjects) {
    throw new RenderError('ResourceExhausted', `the build produced ${objects.length} objects (limit maxObjects ${lim.maxObjects})`, { file: root || '.' });
  }
  return { objects, yaml: emitStream(objects) };
}
