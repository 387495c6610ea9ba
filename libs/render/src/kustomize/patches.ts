// patches, patchesStrategicMerge and patchesJson6902: load each patch, pick its targets, apply in declaration order.
import { RenderError } from '../errors.js';
import { isObject } from '../objects.js';
import type { Resource } from '../resource.js';
import { describe, setName } from '../resource.js';
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
  /** line is undefined for inline patches: their lines count from the patch text, not the kustomization. */
  docs: { value: JsonValue; line: number | undefined }[];
  file: string;
}

function loadPatch(ctx: BuildContext, entry: { path?: string; patch?: string }, dir: string, kfile: string, yaml11 = false): LoadedPatch {
  const path = entry.path === undefined ? kfile : joinInside(dir, entry.path, kfile);
  const text = entry.path === undefined ? (entry.patch ?? '') : ctx.reader.readText(path, kfile);
  const docs = decodeDocuments(text, path, ctx.limits.maxAliasExpansions);
  // kustomize reads JSON 6902 patches with sigs.k8s.io/yaml (go-yaml v2, YAML 1.1: "y" and "on" are booleans).
  const isJson = docs.length === 1 && Array.isArray(docs[0]?.value);
  const decoded = yaml11 || isJson ? decodeDocuments(text, path, ctx.limits.maxAliasExpansions, { yaml11: true }) : docs;
  return { docs: decoded.map((d) => ({ value: d.value, line: entry.path === undefined ? undefined : d.line })), file: path };
}

function isJsonPatch(p: LoadedPatch): boolean {
  return p.docs.length === 1 && Array.isArray(p.docs[0]?.value);
}

function toOperations(v: JsonValue, file: string): Operation[] {
  if (!Array.isArray(v)) throw new RenderError('InvalidArgument', 'a JSON 6902 patch must be a list of operations', { file });
  return v.map((o, i) => {
    if (!isObject(o) || typeof o.op !== 'string' || typeof o.path !== 'string') {
      throw new RenderError('InvalidArgument', `JSON patch operation ${i} needs "op" and "path"`, { file });
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

function applySmp(resources: Resource[], r: Resource, patch: JsonObject, file: string, keepName: boolean): void {
  const ctx = mergeContextFor(r.obj.apiVersion, r.obj.kind);
  const p: JsonObject = { ...patch };
  if (keepName && isObject(p.metadata)) {
    p.metadata = { ...p.metadata };
    delete p.metadata.name;
  }
  const merged = strategicMerge(r.obj, p, ctx);
  if (merged === null) {
    replaceAt(resources, r, null);
    return;
  }
  const md = merged.metadata;
  if (!isObject(md) || typeof md.name !== 'string' || typeof merged.kind !== 'string' || typeof merged.apiVersion !== 'string') {
    throw new RenderError('InvalidArgument', `patch leaves ${describe(r)} without apiVersion, kind or metadata.name`, { file });
  }
  const oldName = r.obj.metadata.name;
  const newName = md.name;
  r.links = settleAfterMerge(r.obj, merged, r.links);
  replaceAt(resources, r, merged as KubeObject);
  if (newName !== oldName) {
    r.obj.metadata.name = oldName;
    setName(r, newName);
  }
}

function targetFromPatch(doc: JsonObject, file: string, line: number | undefined): Target {
  const md = doc.metadata;
  const name = isObject(md) && typeof md.name === 'string' ? md.name : undefined;
  if (typeof doc.kind !== 'string' || name === undefined) {
    throw new RenderError('InvalidArgument', 'a strategic merge patch without a target needs kind and metadata.name', { file, line });
  }
  const t: Target = { kind: escapeRegex(doc.kind), name: escapeRegex(name) };
  if (typeof doc.apiVersion === 'string') {
    const i = doc.apiVersion.lastIndexOf('/');
    t.version = escapeRegex(i < 0 ? doc.apiVersion : doc.apiVersion.slice(i + 1));
    if (i >= 0) t.group = escapeRegex(doc.apiVersion.slice(0, i));
  }
  // A patch without a namespace targets the default namespace only (kustomize compares effective namespaces).
  t.namespace = isObject(md) && typeof md.namespace === 'string' && md.namespace !== '' ? escapeRegex(md.namespace) : 'default';
  return t;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function applyEntry(ctx: BuildContext, resources: Resource[], entry: PatchEntry, dir: string, kfile: string, legacyJson: boolean): void {
  const patch = loadPatch(ctx, entry, dir, kfile, legacyJson);
  if (legacyJson || isJsonPatch(patch)) {
    if (entry.target === undefined) throw new RenderError('InvalidArgument', 'a JSON 6902 patch needs a target', { file: patch.file });
    const ops = toOperations(patch.docs[0]?.value ?? [], patch.file);
    const targets = selectResources(resources, entry.target, kfile);
    if (legacyJson && targets.length === 0) {
      throw new RenderError('NotFound', `no resource matches the target of JSON patch ${entry.path ?? '(inline)'}`, { file: kfile });
    }
    for (const r of targets) {
      const oldName = r.obj.metadata.name;
      const next = applyJsonPatch(r.obj, ops, patch.file) as KubeObject;
      const newName = isObject(next.metadata) ? next.metadata.name : undefined;
      if (typeof newName !== 'string' || typeof next.kind !== 'string' || typeof next.apiVersion !== 'string') {
        throw new RenderError('InvalidArgument', `JSON patch leaves ${describe(r)} without apiVersion, kind or metadata.name`, { file: patch.file });
      }
      r.links = []; // the object is rebuilt from JSON: no node is shared any more
      replaceAt(resources, r, next);
      if (newName !== oldName) {
        r.obj.metadata.name = oldName;
        setName(r, newName);
      }
    }
    return;
  }
  for (const doc of patch.docs) {
    if (!isObject(doc.value)) throw new RenderError('InvalidArgument', 'a strategic merge patch must be a mapping', { file: patch.file, line: doc.line });
    const explicit = entry.target !== undefined;
    const target = entry.target ?? targetFromPatch(doc.value, patch.file, doc.line);
    const targets = selectResources(resources, target, kfile);
    if (!explicit && targets.length === 0) {
      throw new RenderError('NotFound', `no resource matches strategic merge patch ${String(doc.value.kind)} ${target.name ?? ''}`.trimEnd(), { file: patch.file, line: doc.line });
    }
    for (const r of targets) applySmp(resources, r, doc.value, patch.file, explicit && entry.options?.allowNameChange !== true);
  }
}

export function applyStrategicMergePatches(ctx: BuildContext, k: Kustomization, dir: string, resources: Resource[]): void {
  for (const p of k.patchesStrategicMerge) {
    // An entry is a file path, or an inline patch when it holds a newline or a mapping.
    const inline = p.includes('\n') || /^\s*[\w.-]+\s*:/.test(p);
    applyEntry(ctx, resources, inline ? { patch: p } : { path: p }, dir, k.file, false);
  }
}

export function applyPatches(ctx: BuildContext, k: Kustomization, dir: string, resources: Resource[]): void {
  for (const p of k.patches) applyEntry(ctx, resources, p, dir, k.file, false);
}

export function applyJson6902Patches(ctx: BuildContext, k: Kustomization, dir: string, resources: Resource[]): void {
  for (const p of k.patchesJson6902) applyEntry(ctx, resources, p, dir, k.file, true);
}
