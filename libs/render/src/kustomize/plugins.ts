// The `generators:` and `transformers:` fields with kustomize's builtin plugins (apiVersion: builtin), each run through
// the same code as the kustomization field it configures. Exec and KRM function plugins are refused by name.
import { RenderError, atLine } from '../errors.js';
import { isObject } from '../objects.js';
import type { Resource } from '../resource.js';
import { joinInside } from '../tree/paths.js';
import type { JsonObject, JsonValue } from '../types.js';
import { decodeDocuments } from '../yaml/decode.js';
import { lineOf } from '../yaml/positions.js';
import type { BuildContext } from './build.js';
import { spec } from './fieldspec.js';
import type { FieldSpec } from './fieldspec.js';
import { runGenerators } from './generators.js';
import { applyImages } from './images.js';
import { kustomizationFromValue } from './kustomization.js';
import type { Kustomization } from './kustomization.js';
import { applyMapEntries, applyNamespace, applyPrefixSuffix, applyReplicas, runTransformers } from './transformers.js';

interface PluginConfig {
  kind: string;
  doc: JsonObject;
  file: string;
  line: number;
}

const GENERATORS = new Set(['ConfigMapGenerator', 'SecretGenerator']);
const TRANSFORMERS = new Set([
  'PrefixSuffixTransformer', 'LabelTransformer', 'AnnotationsTransformer', 'NamespaceTransformer', 'ImageTagTransformer',
  'ReplicaCountTransformer', 'PatchTransformer', 'PatchStrategicMergeTransformer', 'PatchJson6902Transformer', 'ReplacementTransformer',
]);

function loadConfigs(ctx: BuildContext, entries: string[], field: 'generators' | 'transformers', dir: string, kfile: string): PluginConfig[] {
  const out: PluginConfig[] = [];
  entries.forEach((entry, i) => {
    const entryLine = lineOf(entries, i);
    const inline = entry.includes('\n');
    let file = kfile;
    let text = entry;
    if (!inline) {
      file = atLine(kfile, entryLine, () => joinInside(dir, entry, kfile));
      if (ctx.reader.isDir(file, kfile)) {
        throw new RenderError('Unimplemented', `field "${field}": plugin configurations built by a kustomization (${entry}) need the external engine (engine: kustomize-binary)`, { file: kfile, line: entryLine });
      }
      atLine(kfile, entryLine, () => ctx.reader.checkFileWithin(dir, file, kfile));
      text = atLine(kfile, entryLine, () => ctx.reader.readText(file, kfile));
    }
    for (const d of decodeDocuments(text, file, ctx.limits.maxAliasExpansions, { yaml11: true })) {
      const line = inline ? (entryLine ?? 1) : d.line;
      const doc = d.value;
      if (!isObject(doc) || typeof doc.kind !== 'string') throw new RenderError('InvalidArgument', `a ${field} entry must be a plugin configuration with a kind`, { file, line });
      const known = field === 'generators' ? GENERATORS : TRANSFORMERS;
      const md = isObject(doc.metadata) ? doc.metadata : {};
      const annotations = isObject(md.annotations) ? md.annotations : {};
      if (doc.apiVersion !== 'builtin' || !known.has(doc.kind) || annotations['config.kubernetes.io/function'] !== undefined) {
        throw new RenderError('Unimplemented', `field "${field}": ${String(doc.apiVersion)} ${doc.kind} is an exec or KRM function plugin (or no builtin ${field === 'generators' ? 'generator' : 'transformer'}); it needs the external engine (engine: kustomize-binary)`, { file, line });
      }
      out.push({ kind: doc.kind, doc, file, line });
    }
  });
  return out;
}

function fieldSpecs(v: JsonValue | undefined): FieldSpec[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isObject).flatMap((o) => {
    if (typeof o.path !== 'string') return [];
    const opts: { group?: string; version?: string; create?: boolean } = {};
    if (typeof o.group === 'string') opts.group = o.group;
    if (typeof o.version === 'string') opts.version = o.version;
    if (o.create === true) opts.create = true;
    return [spec(o.path, typeof o.kind === 'string' ? o.kind : undefined, opts)];
  });
}

function strings(v: JsonValue | undefined, what: string, c: PluginConfig): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw new RenderError('InvalidArgument', `${c.kind}.${what} must be a map of strings`, { file: c.file, line: c.line });
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === 'string' ? x : String(x)]));
}

/** The kustomization holding just what one builtin plugin configures, parsed (and checked) as a kustomization is. */
function asKustomization(c: PluginConfig, fields: JsonObject): Kustomization {
  return kustomizationFromValue(fields, c.file, c.line);
}

function withoutPluginFields(doc: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(doc)) if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata') out[k] = v;
  return out;
}

export function runPluginGenerators(ctx: BuildContext, k: Kustomization, dir: string, resources: Resource[]): void {
  for (const c of loadConfigs(ctx, k.generators, 'generators', dir, k.file)) {
    const md = isObject(c.doc.metadata) ? c.doc.metadata : {};
    const args: JsonObject = { ...withoutPluginFields(c.doc), name: md.name ?? null };
    if (typeof md.namespace === 'string') args.namespace = md.namespace;
    const field = c.kind === 'ConfigMapGenerator' ? 'configMapGenerator' : 'secretGenerator';
    runGenerators(ctx, asKustomization(c, { [field]: [args] }), dir, resources);
  }
}

export function runPluginTransformers(ctx: BuildContext, k: Kustomization, dir: string, resources: Resource[]): void {
  for (const c of loadConfigs(ctx, k.transformers, 'transformers', dir, k.file)) {
    const d = c.doc;
    const md = isObject(d.metadata) ? d.metadata : {};
    switch (c.kind) {
      case 'PrefixSuffixTransformer':
        if (d.fieldSpecs === undefined || d.fieldSpecs === null) throw new RenderError('InvalidArgument', 'PrefixSuffixTransformer: fieldSpecs is not expected to be nil', { file: c.file, line: c.line });
        applyPrefixSuffix(resources, typeof d.prefix === 'string' ? d.prefix : '', typeof d.suffix === 'string' ? d.suffix : '');
        break;
      case 'LabelTransformer':
        applyMapEntries(resources, strings(d.labels, 'labels', c), fieldSpecs(d.fieldSpecs));
        break;
      case 'AnnotationsTransformer':
        applyMapEntries(resources, strings(d.annotations, 'annotations', c), fieldSpecs(d.fieldSpecs));
        break;
      case 'NamespaceTransformer':
        if (typeof md.namespace === 'string' && md.namespace !== '') applyNamespace(resources, md.namespace);
        break;
      case 'ImageTagTransformer': {
        const img = asKustomization(c, { images: [isObject(d.imageTag) ? d.imageTag : {}] });
        applyImages(resources, img.images);
        break;
      }
      case 'ReplicaCountTransformer': {
        const rep = asKustomization(c, { replicas: [isObject(d.replica) ? d.replica : {}] });
        for (const r of rep.replicas) applyReplicas(resources, r.name, r.count, c.file);
        break;
      }
      case 'PatchTransformer':
        runTransformers(ctx, asKustomization(c, { patches: [withoutPluginFields(d)] }), dir, resources);
        break;
      case 'PatchStrategicMergeTransformer': {
        const list: JsonValue[] = [...(Array.isArray(d.paths) ? d.paths : []), ...(typeof d.patches === 'string' ? [d.patches] : [])];
        runTransformers(ctx, asKustomization(c, { patchesStrategicMerge: list }), dir, resources);
        break;
      }
      case 'PatchJson6902Transformer': {
        const entry: JsonObject = { target: d.target ?? null };
        if (typeof d.path === 'string') entry.path = d.path;
        if (typeof d.jsonOp === 'string') entry.patch = d.jsonOp;
        runTransformers(ctx, asKustomization(c, { patchesJson6902: [entry] }), dir, resources);
        break;
      }
      default:
        runTransformers(ctx, asKustomization(c, { replacements: Array.isArray(d.replacements) ? d.replacements : [] }), dir, resources);
    }
  }
}
