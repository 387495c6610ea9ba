// patches, patchesStrategicMerge and patchesJson6902: load each patch, pick its targets, apply in declaration order.
import { RenderError, atLine } from '../errors.js';
import { lineOf } from '../yaml/positions.js';
import { isObject } from '../objects.js';
import type { Resource } from '../resource.js';
import { describe, hadId, recordId, setName } from '../resource.js';
import { gvkOf } from '../order.js';
import { joinInside } from '../tree/paths.js';
import type { JsonObject, JsonValue, KubeObject } from '../types.js';
import { decodeDocuments } from '../yaml/decode.js';
import type { BuildContext } from './build.js';
import { applyJsonPatch } from './json6902.js';
import type { Operation } from './json6902.js';
import type { Kustomization, PatchEntry, Target } from './kustomization.js';
import { selectResources } from './selector.js';
import { mergeContextFor, strategicMerge } from './smp.js';
import { settleAfterMerge } from '../links.js';

interface LoadedPatch {
  /** Inline patches count as written on the line of their `patch` value: the text's own lines are not the file's. */
  docs: { value: JsonValue; line: number | undefined }[];
  file: string;
  inline: boolean;
}

function decodePatch(text: string, path: string, ctx: BuildContext, inlineLine: number | undefined, yaml11: boolean): ReturnType<typeof decodeDocuments> {
  try {
    return decodeDocuments(text, path, ctx.limits.maxAliasExpansions, { yaml11 });
  } catch (e) {
    if (inlineLine !== undefined && e instanceof RenderError && e.file === path) throw new RenderError(e.code, e.detail, { file: path, line: inlineLine });
    throw e;
  }
}

function loadPatch(ctx: BuildContext, entry: PatchEntry, dir: string, kfile: string, entryLine: number | undefined, yaml11 = false): LoadedPatch {
  const inline = entry.path === undefined;
  const path = inline
    ? kfile
    : atLine(kfile, lineOf(entry, 'path') ?? entryLine, () => {
        const p = joinInside(dir, entry.path ?? '', kfile);
        ctx.reader.checkFileWithin(dir, p, kfile);
        return p;
      });
  const text = inline ? (entry.patch ?? '') : atLine(kfile, lineOf(entry, 'path') ?? entryLine, () => ctx.reader.readText(path, kfile));
  const inlineLine = inline ? (lineOf(entry, 'patch') ?? entryLine) : undefined;
  const docs = decodePatch(text, path, ctx, inlineLine, false);
  // kustomize reads JSON 6902 patches with sigs.k8s.io/yaml (go-yaml v2, YAML 1.1: "y" and "on" are booleans).
  const isJson = docs.length === 1 && Array.isArray(docs[0]?.value);
  const decoded = yaml11 || isJson ? decodePatch(text, path, ctx, inlineLine, true) : docs;
  return { docs: decoded.map((d) => ({ value: d.value, line: inline ? inlineLine : d.line })), file: path, inline };
}

function isJsonPatch(p: LoadedPatch): boolean {
  return p.docs.length === 1 && Array.isArray(p.docs[0]?.value);
}

/** The line of each operation: its own in a patch file, the `patch` value's for an inline patch. */
function operationLines(p: LoadedPatch): (number | undefined)[] {
  const doc = p.docs[0];
  if (doc === undefined || !Array.isArray(doc.value)) return [];
  const list = doc.value;
  return list.map((_, i) => (p.inline ? doc.line : (lineOf(list, i) ?? doc.line)));
}

function toOperations(v: JsonValue, file: string, line: number | undefined, lines: readonly (number | undefined)[]): Operation[] {
  if (!Array.isArray(v)) throw new RenderError('InvalidArgument', 'a JSON 6902 patch must be a list of operations', { file, line });
  return v.map((o, i) => {
    if (!isObject(o) || typeof o.op !== 'string' || typeof o.path !== 'string') {
      throw new RenderError('InvalidArgument', `JSON patch operation ${i} needs "op" and "path"`, { file, line: lines[i] ?? line });
    }
    const op: Operation = { op: o.op, path: o.path };
    if (typeof o.from === 'string') op.from = o.from;
    if (o.value !== undefined) op.value = o.value;
    return op;
  });
}

function replaceAt(resources: Resource[], r: Resource, next: KubeObject | null): void {
  const i = resources.indexOf(r);
  if (next === null) resources.splice(i, 1);
  else r.obj = next;
}

/**
 * kustomize's Resource.ApplySmPatch: the patch never moves the object to another namespace, and renames it (or changes
 * its kind) only with allowNameChange (allowKindChange); a patch found by an old name still patches the current object.
 */
function applySmp(resources: Resource[], r: Resource, patch: JsonObject, file: string, line: number | undefined, options: PatchEntry['options']): void {
  const ctx = mergeContextFor(r.obj.apiVersion, r.obj.kind);
  const p: JsonObject = { ...patch };
  if (isObject(p.metadata)) {
    p.metadata = { ...p.metadata };
    if (options?.allowNameChange !== true) delete p.metadata.name;
    delete p.metadata.namespace;
  }
  delete p.apiVersion; // kustomize gives the patch its target's apiVersion
  if (options?.allowKindChange !== true) delete p.kind;
  const merged = strategicMerge(r.obj, p, ctx);
  if (merged === null) {
    replaceAt(resources, r, null);
    return;
  }
  const md = merged.metadata;
  if (!isObject(md) || typeof md.name !== 'string' || typeof merged.kind !== 'string' || typeof merged.apiVersion !== 'string') {
    throw new RenderError('InvalidArgument', `patch leaves ${describe(r)} without apiVersion, kind or metadata.name`, { file, line });
  }
  const oldName = r.obj.metadata.name;
  const newName = md.name;
  r.links = settleAfterMerge(r.obj, merged, r.links);
  replaceAt(resources, r, merged as KubeObject);
  if (newName !== oldName) {
    r.obj.metadata.name = oldName;
    setName(r, newName);
  }
  recordId(r);
}

/**
 * The objects a strategic merge patch without a target names: kustomize's GetById on the patch's id, matched against
 * every id (kind, name and namespace together) each object has had, so an original or intermediate name still finds it.
 */
function findByAnyId(resources: Resource[], doc: JsonObject, file: string, line: number | undefined): Resource[] {
  const md = doc.metadata;
  const name = isObject(md) && typeof md.name === 'string' ? md.name : undefined;
  if (typeof doc.kind !== 'string' || name === undefined) {
    throw new RenderError('InvalidArgument', 'a strategic merge patch without a target needs kind and metadata.name', { file, line });
  }
  const kind = doc.kind;
  const ns = isObject(md) && typeof md.namespace === 'string' ? md.namespace : '';
  const apiVersion = typeof doc.apiVersion === 'string' ? doc.apiVersion : undefined;
  const slash = apiVersion?.lastIndexOf('/') ?? -1;
  const group = apiVersion === undefined ? undefined : slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = apiVersion === undefined ? undefined : apiVersion.slice(slash + 1);
  return resources.filter((r) => {
    const g = gvkOf(r.obj);
    if (group !== undefined && g.group !== group) return false;
    if (version !== undefined && g.version !== version) return false;
    return hadId(r, kind, name, ns);
  });
}

function applyEntry(ctx: BuildContext, resources: Resource[], entry: PatchEntry, dir: string, kfile: string, entryLine: number | undefined, legacyJson: boolean): void {
  const patch = loadPatch(ctx, entry, dir, kfile, entryLine, legacyJson);
  // An invalid target selector is reported at its own field (positions kept by the parser), else at the entry.
  const select = (t: Target): Resource[] => atLine(kfile, lineOf(entry, 'target') ?? entryLine, () => selectResources(resources, t, kfile));
  if (legacyJson || isJsonPatch(patch)) {
    const docLine = patch.docs[0]?.line;
    if (entry.target === undefined) throw new RenderError('InvalidArgument', 'a JSON 6902 patch needs a target', { file: patch.file, line: docLine });
    const lines = operationLines(patch);
    const ops = toOperations(patch.docs[0]?.value ?? [], patch.file, docLine, lines);
    const targets = select(entry.target);
    if (legacyJson && targets.length === 0) {
      throw new RenderError('NotFound', `no resource matches the target of JSON patch ${entry.path ?? '(inline)'}`, { file: kfile, line: lineOf(entry, 'target') ?? entryLine });
    }
    for (const r of targets) {
      const oldName = r.obj.metadata.name;
      const next = applyJsonPatch(r.obj, ops, patch.file, lines) as KubeObject;
      const newName = isObject(next.metadata) ? next.metadata.name : undefined;
      if (typeof newName !== 'string' || typeof next.kind !== 'string' || typeof next.apiVersion !== 'string') {
        throw new RenderError('InvalidArgument', `JSON patch leaves ${describe(r)} without apiVersion, kind or metadata.name`, { file: patch.file, line: docLine });
      }
      r.links = []; // the object is rebuilt from JSON: no node is shared any more
      replaceAt(resources, r, next);
      if (newName !== oldName) {
        r.obj.metadata.name = oldName;
        setName(r, newName);
      }
      recordId(r);
    }
    return;
  }
  for (const doc of patch.docs) {
    if (!isObject(doc.value)) throw new RenderError('InvalidArgument', 'a strategic merge patch must be a mapping', { file: patch.file, line: doc.line });
    const explicit = entry.target !== undefined;
    const targets = entry.target !== undefined ? select(entry.target) : findByAnyId(resources, doc.value, patch.file, doc.line);
    if (!explicit && targets.length === 0) {
      const md = doc.value.metadata;
      const name = isObject(md) && typeof md.name === 'string' ? md.name : '';
      throw new RenderError('NotFound', `no resource matches strategic merge patch ${String(doc.value.kind)} ${name}`.trimEnd(), { file: patch.file, line: doc.line });
    }
    for (const r of targets) applySmp(resources, r, doc.value, patch.file, doc.line, entry.options);
  }
}

export function applyStrategicMergePatches(ctx: BuildContext, k: Kustomization, dir: string, resources: Resource[]): void {
  k.patchesStrategicMerge.forEach((p, i) => {
    // An entry is a file path, or an inline patch when it holds a newline or a mapping.
    const inline = p.includes('\n') || /^\s*[\w.-]+\s*:/.test(p);
    applyEntry(ctx, resources, inline ? { patch: p } : { path: p }, dir, k.file, lineOf(k.patchesStrategicMerge, i), false);
  });
}

export function applyPatches(ctx: BuildContext, k: Kustomization, dir: string, resources: Resource[]): void {
  k.patches.forEach((p, i) => applyEntry(ctx, resources, p, dir, k.file, lineOf(k.patches, i), false));
}

export function applyJson6902Patches(ctx: BuildContext, k: Kustomization, dir: string, resources: Resource[]): void {
  k.patchesJson6902.forEach((p, i) => applyEntry(ctx, resources, p, dir, k.file, lineOf(k.patchesJson6902, i), true));
}
