// Engine choice per application: the built-in (pure, default) or an external kustomize binary (helm, KRM plugins).
import type { KustomizeBinaryOptions } from './io/kustomize-binary.js';
import { renderWithKustomizeBinary } from './io/kustomize-binary.js';
import { render } from './render.js';
import type { FileTree, RenderLimits, RenderParams, RenderResult } from './types.js';

export type RenderEngine = { engine: 'builtin' } | ({ engine: 'kustomize-binary' } & KustomizeBinaryOptions);

export async function renderWithEngine(
  engine: RenderEngine,
  tree: FileTree,
  appPath: string,
  params: RenderParams = {},
  limits: Partial<RenderLimits> = {},
): Promise<RenderResult> {
  if (engine.engine === 'builtin') return render(tree, appPath, params, limits);
  return renderWithKustomizeBinary(tree, appPath, params, engine, limits);
}
