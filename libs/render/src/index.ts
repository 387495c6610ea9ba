// @flotilla/render: a repository file tree plus per-cluster parameters in, Kubernetes objects and kustomize's bytes out.
export { render } from './render.js';
export { RenderError, isRenderError } from './errors.js';
export type { RenderErrorCode } from './errors.js';
export { defaultLimits } from './types.js';
export type { FileTree, RenderParams, RenderResult, RenderLimits, KubeObject, JsonValue, JsonObject } from './types.js';
export { emitStream as toKustomizeYaml } from './yaml/emit.js';
export { readTreeFromDirectory } from './io/read-directory.js';
export type { DirectoryLimits } from './io/read-directory.js';
export { readTreeFromRepository } from './io/read-repository.js';
export type { RepositorySnapshot } from './io/read-repository.js';
export { readTreeForKustomizeBuild } from './io/read-build-tree.js';
export { renderWithKustomizeBinary } from './io/kustomize-binary.js';
export type { KustomizeBinaryOptions } from './io/kustomize-binary.js';
export { renderWithEngine } from './engine.js';
export type { RenderEngine } from './engine.js';
