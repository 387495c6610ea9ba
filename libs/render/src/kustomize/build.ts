// kustomize's accumulation: resources and bases depth first, components, generators, then the builtin transformers in
// kustomize's order; hash suffixes and reference fixing run once at the top, as `kustomize build` does.
import { RenderError, atLine } from '../errors.js';
import { lineOf } from '../yaml/positions.js';
import { isObject, objectsFromText, setOwn } from '../objects.js';
import { formatNumber } from '../yaml/scalars.js';
import { findKustomization, plainEntries } from '../plain.js';
import { newResource, describe } from '../resource.js';
import type { Resource } from '../resource.js';
import { joinInside } from '../tree/paths.js';
import type { TreeReader } from '../tree/reader.js';
import type { RenderLimits } from '../types.js';
import { isRemoteReference, parseKustomization } from './kustomization.js';
import type { Kustomization } from './kustomization.js';
import { runGenerators } from './generators.js';
import { runTransformers } from './transformers.js';
import { runPluginGenerators, runPluginTransformers } from './plugins.js';
import { appendHashes } from './hash.js';
import { fixNameReferences } from './nameref.js';
import { addVars, resolveVars } from './vars.js';
import type { VarDef } from './vars.js';
import { emptyConfig, loadConfigurations } from './configurations.js';
import type { CustomConfig } from './configurations.js';

export interface BuildContext {
  reader: TreeReader;
  limits: RenderLimits;
  /** Directories currently being built, to refuse cycles. */
  stack: string[];
  /** vars of every kustomization built so far (kustomize merges them upwards and resolves them once, at the end). */
  vars: VarDef[];
  /** Custom field specs from `configurations`, gathered from every kustomization built so far. */
  config: CustomConfig;
}

export interface BuildOutput {
  resources: Resource[];
  sortOrder: 'legacy' | 'fifo';
  legacyOrder?: { first: string[]; last: string[] };
}

/** Builds the app directory: a kustomization if it has one, otherwise every manifest below it. */
export function buildDirectory(reader: TreeReader, dir: string, limits: RenderLimits): BuildOutput {
  const ctx: BuildContext = { reader, limits, stack: [], vars: [], config: emptyConfig() };
  const kfile = findKustomization(reader, dir);
  if (kfile === undefined) {
    const resources: Resource[] = [];
    for (const entry of plainEntries(reader, dir)) {
      if (entry.type === 'file') addAll(ctx, resources, loadFile(ctx, entry.path, undefined), entry.path);
      else addAll(ctx, resources, accumulate(ctx, entry.path, undefined).resources, entry.path);
    }
    finish(resources, ctx);
    return { resources, sortOrder: 'legacy' };
  }
  const acc = accumulate(ctx, dir, undefined);
  finish(acc.resources, ctx);
  if (acc.kustomization !== undefined) addBuildMetadata(acc.resources, acc.kustomization, dir);
  const out: BuildOutput = { resources: acc.resources, sortOrder: acc.kustomization?.sortOrder ?? 'legacy' };
  if (acc.kustomization?.legacyOrder !== undefined) out.legacyOrder = acc.kustomization.legacyOrder;
  return out;
}

function finish(resources: Resource[], ctx: BuildContext): void {
  appendHashes(resources);
  fixNameReferences(resources, ctx.config.nameReference);
  resolveVars(resources, ctx.vars, ctx.config.varReference);
  for (const r of resources) stringifyAnnotations(r);
}

/** Root-relative `path` as seen from directory `from` (kustomize writes origins relative to the app's directory). */
function relativeTo(from: string, path: string): string {
  const a = from === '' ? [] : from.split('/');
  const b = path.split('/');
  let i = 0;
  while (i < a.length && i < b.length - 1 && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
}

/** buildMetadata: the managed-by label kubectl's kustomize writes, and where each object came from. */
function addBuildMetadata(resources: Resource[], k: Kustomization, dir: string): void {
  for (const r of resources) {
    const md = r.obj.metadata;
    if (k.originAnnotations === true) {
      const g = r.generated;
      const origin =
        g?.configuredIn !== undefined
          ? `configuredIn: ${relativeTo(dir, g.configuredIn)}\nconfiguredBy:\n  apiVersion: builtin\n  kind: ${r.obj.kind === 'Secret' ? 'SecretGenerator' : 'ConfigMapGenerator'}\n`
          : `path: ${relativeTo(dir, r.origin.file)}\n`;
      const ann = isObject(md.annotations) ? md.annotations : {};
      setOwn(ann, 'config.kubernetes.io/origin', origin);
      md.annotations = ann;
    }
    if (k.managedByLabel === true) {
      const labels = isObject(md.labels) ? md.labels : {};
      setOwn(labels, 'app.kubernetes.io/managed-by', 'kustomize-(devel)');
      md.labels = labels;
    }
  }
}

/** kustomize holds annotations as map[string]string: a value a patch made a number or boolean leaves as text. */
function stringifyAnnotations(r: Resource): void {
  const ann = r.obj.metadata.annotations;
  if (!isObject(ann)) return;
  for (const [k, v] of Object.entries(ann)) {
    if (typeof v === 'boolean') setOwn(ann, k, v ? 'true' : 'false');
    else if (typeof v === 'number' || typeof v === 'bigint') setOwn(ann, k, formatNumber(v));
  }
}

function loadFile(ctx: BuildContext, path: string, from: string | undefined): Resource[] {
  const text = ctx.reader.readText(path, from);
  return objectsFromText(text, path, ctx.limits.maxAliasExpansions).map((l) => newResource(l.object, l.origin));
}

function sameId(a: Resource, b: Resource): boolean {
  return (
    a.obj.apiVersion === b.obj.apiVersion &&
    a.obj.kind === b.obj.kind &&
    a.obj.metadata.name === b.obj.metadata.name &&
    (a.obj.metadata.namespace ?? '') === (b.obj.metadata.namespace ?? '')
  );
}

function addAll(ctx: BuildContext, into: Resource[], items: Resource[], from: string): void {
  for (const r of items) {
    const dup = into.find((x) => sameId(x, r));
    if (dup !== undefined) {
      throw new RenderError('InvalidArgument', `may not add resource with an already registered id: ${describe(r)} (first from ${dup.origin.file})`, {
        file: r.origin.file,
        line: r.origin.line,
      });
    }
    into.push(r);
  }
  if (into.length > ctx.limits.maxObjects) {
    throw new RenderError('ResourceExhausted', `more than ${ctx.limits.maxObjects} objects (limit maxObjects)`, { file: from });
  }
}

interface Accumulated {
  resources: Resource[];
  kustomization: Kustomization | undefined;
}

function accumulate(ctx: BuildContext, dir: string, from: string | undefined, resourcesIn?: Resource[]): Accumulated {
  const real = ctx.reader.resolve(dir, from);
  if (ctx.stack.includes(real)) {
    throw new RenderError('InvalidArgument', `cycle detected: ${[...ctx.stack, real].map((d) => d || '.').join(' -> ')}`, { file: from });
  }
  if (ctx.stack.length >= ctx.limits.maxDepth) {
    throw new RenderError('ResourceExhausted', `kustomizations nested more than ${ctx.limits.maxDepth} deep (limit maxDepth)`, { file: from });
  }
  const kfile = findKustomization(ctx.reader, dir, from);
  if (kfile === undefined) {
    throw new RenderError('NotFound', `unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '${dir || '.'}'`, { file: from });
  }
  ctx.stack.push(real);
  try {
    const k = parseKustomization(ctx.reader.readText(kfile, from), kfile, ctx.limits.maxAliasExpansions);
    if (k.isComponent && resourcesIn === undefined) {
      throw new RenderError('InvalidArgument', `${kfile} is a Component; list it under components, not resources`, { file: from });
    }
    if (!k.isComponent && resourcesIn !== undefined) {
      throw new RenderError('InvalidArgument', `${kfile} is a Kustomization; components must have kind Component`, { file: from });
    }
    const resources: Resource[] = resourcesIn ?? [];
    k.resources.forEach((ref, i) => {
      const line = lineOf(k.resources, i);
      if (isRemoteReference(ref)) {
        throw new RenderError('PermissionDenied', `remote resource "${ref}" is refused: only paths inside the repository can be rendered`, { file: kfile, line });
      }
      // Errors about the entry itself (missing, escaping, a cycle, not a kustomization) name its line.
      const loaded = atLine(kfile, line, () => {
        const path = joinInside(dir, ref, kfile);
        if (ctx.reader.isDir(path, kfile)) return accumulate(ctx, path, kfile).resources;
        if (ctx.reader.isFile(path, kfile)) {
          ctx.reader.checkFileWithin(dir, path, kfile);
          return loadFile(ctx, path, kfile);
        }
        throw new RenderError('NotFound', `resource "${ref}" does not exist (looked for ${path || '.'})`, { file: kfile });
      });
      addAll(ctx, resources, loaded, kfile);
    });
    loadConfigurations(ctx, k.configurations, dir, kfile, ctx.config);
    // kustomize runs a kustomization's generators before its components (accumulateTarget).
    runGenerators(ctx, k, dir, resources);
    runPluginGenerators(ctx, k, dir, resources);
    k.components.forEach((ref, i) => {
      const line = lineOf(k.components, i);
      if (isRemoteReference(ref)) {
        throw new RenderError('PermissionDenied', `remote component "${ref}" is refused: only paths inside the repository can be rendered`, { file: kfile, line });
      }
      atLine(kfile, line, () => {
        const path = joinInside(dir, ref, kfile);
        if (!ctx.reader.isDir(path, kfile)) throw new RenderError('NotFound', `component "${ref}" is not a directory`, { file: kfile });
        accumulate(ctx, path, kfile, resources);
      });
    });
    runTransformers(ctx, k, dir, resources);
    runPluginTransformers(ctx, k, dir, resources);
    addVars(ctx.vars, k.vars);
    if (resources.length > ctx.limits.maxObjects) {
      throw new RenderError('ResourceExhausted', `more than ${ctx.limits.maxObjects} objects (limit maxObjects)`, { file: kfile });
    }
    return { resources, kustomization: k };
  } finally {
    ctx.stack.pop();
  }
}

