// kustomize's builtin transformers in its fixed order: patches, namespace, prefix/suffix, labels, annotations,
// JSON 6902 patches, replicas, images.
import { isObject, setOwn } from '../objects.js';
import type { Resource } from '../resource.js';
import { describe, nsOf, setName, setNamespace } from '../resource.js';
import { RenderError, atLine } from '../errors.js';
import { lineOf } from '../yaml/positions.js';
import type { JsonObject } from '../types.js';
import type { BuildContext } from './build.js';
import { applySpecs, spec } from './fieldspec.js';
import type { FieldSpec } from './fieldspec.js';
import { propagate } from '../links.js';
import type { Location } from '../links.js';
import type { Kustomization } from './kustomization.js';
import { isClusterScoped, COMMON_ANNOTATION_SPECS, COMMON_LABEL_SPECS, REPLICA_SPECS, TEMPLATE_LABEL_SPECS } from './tables.js';
import { applyJson6902Patches, applyPatches, applyStrategicMergePatches } from './patches.js';
import { applyImages } from './images.js';
import { applyReplacements, loadReplacements } from './replacements.js';

export function runTransformers(ctx: BuildContext, k: Kustomization, dir: string, resources: Resource[]): void {
  applyStrategicMergePatches(ctx, k, dir, resources);
  applyPatches(ctx, k, dir, resources);
  if (k.namespace !== undefined) {
    applyNamespace(resources, k.namespace);
    atLine(k.file, lineOf(k, 'namespace'), () => checkUniqueIds(resources, 'namespace transformation', k.file));
  }
  if (k.namePrefix !== undefined || k.nameSuffix !== undefined) applyPrefixSuffix(resources, k.namePrefix ?? '', k.nameSuffix ?? '');
  for (const entry of k.labels) {
    let specs: FieldSpec[] = (entry.fields ?? []).map((f) => spec(f.path, f.kind, { ...optional(f) }));
    if (entry.includeSelectors) specs = [...specs, ...COMMON_LABEL_SPECS, ...ctx.config.commonLabels];
    else {
      specs = [...specs, spec('metadata/labels', undefined, { create: true })];
      if (entry.includeTemplates) specs = [...specs, ...TEMPLATE_LABEL_SPECS];
    }
    applyMapEntries(resources, entry.pairs, specs);
  }
  if (Object.keys(k.commonLabels).length > 0) applyMapEntries(resources, k.commonLabels, [...COMMON_LABEL_SPECS, ...ctx.config.commonLabels]);
  if (Object.keys(k.commonAnnotations).length > 0) applyMapEntries(resources, k.commonAnnotations, [...COMMON_ANNOTATION_SPECS, ...ctx.config.commonAnnotations]);
  applyJson6902Patches(ctx, k, dir, resources);
  k.replicas.forEach((r, i) => atLine(k.file, lineOf(k.replicas, i), () => applyReplicas(resources, r.name, r.count, k.file, ctx.config.replicas)));
  if (k.images.length > 0) applyImages(resources, k.images, ctx.config.images);
  if (k.replacements.length > 0) applyReplacements(resources, loadReplacements(ctx, k.replacements, dir, k.file), k.file);
}

function checkUniqueIds(resources: Resource[], what: string, file: string): void {
  const seen = new Map<string, Resource>();
  for (const r of resources) {
    const id = `${r.obj.apiVersion}|${r.obj.kind}|${nsOf(r.obj)}|${r.obj.metadata.name}`;
    const other = seen.get(id);
    if (other !== undefined) {
      throw new RenderError('InvalidArgument', `${what} produces ID conflict: ${describe(r)} from ${other.origin.file} and ${r.origin.file}`, { file });
    }
    seen.set(id, r);
  }
}

function optional(f: { group?: string; version?: string; create?: boolean }): { group?: string; version?: string; create?: boolean } {
  const o: { group?: string; version?: string; create?: boolean } = {};
  if (f.group !== undefined) o.group = f.group;
  if (f.version !== undefined) o.version = f.version;
  if (f.create !== undefined) o.create = f.create;
  return o;
}

export function applyNamespace(resources: Resource[], namespace: string): void {
  for (const r of resources) {
    // kustomize's namespace field specs include metadata/name of Namespace objects.
    if (r.obj.kind === 'Namespace' && r.obj.apiVersion === 'v1') setName(r, namespace);
    // References carrying a namespace (RBAC subjects, webhook services) follow their target in nameref.ts; these two
    // service references are namespace field specs of their own.
    if (r.obj.kind === 'APIService' && r.obj.apiVersion.startsWith('apiregistration.k8s.io/')) setCreating(r.obj, ['spec', 'service', 'namespace'], namespace);
    if (r.obj.kind === 'CustomResourceDefinition') setExisting(r.obj, ['spec', 'conversion', 'webhook', 'clientConfig', 'service', 'namespace'], namespace);
    if (!isClusterScoped(r.obj)) setNamespace(r, namespace);
    if (r.obj.kind === 'RoleBinding' || r.obj.kind === 'ClusterRoleBinding') setDefaultSubjectsNamespace(r.obj, namespace);
  }
}

/** kustomize's namespace transformer (setRoleBindingSubjects: defaultOnly) moves every subject named "default". */
function setDefaultSubjectsNamespace(o: JsonObject, namespace: string): void {
  if (!Array.isArray(o.subjects)) return;
  for (const s of o.subjects) if (isObject(s) && s.name === 'default') setOwn(s, 'namespace', namespace);
}

/** Sets the field, creating the maps on the way (a field spec with create: true). */
function setCreating(o: JsonObject, path: string[], value: string): void {
  let cur: JsonObject = o;
  for (const p of path.slice(0, -1)) {
    let next = cur[p];
    if (next === undefined || next === null) {
      next = {};
      setOwn(cur, p, next);
    }
    if (!isObject(next)) return;
    cur = next;
  }
  setOwn(cur, path[path.length - 1] as string, value);
}

function setExisting(o: JsonObject, path: string[], value: string): void {
  let cur: JsonObject = o;
  for (const p of path.slice(0, -1)) {
    const next = cur[p];
    if (!isObject(next)) return;
    cur = next;
  }
  const last = path[path.length - 1] as string;
  if (last in cur) cur[last] = value;
}

/** Kinds whose names kustomize never prefixes: they are API definitions, not instances. */
const NO_RENAME = new Set(['CustomResourceDefinition', 'APIService', 'Namespace']);

export function applyPrefixSuffix(resources: Resource[], prefix: string, suffix: string): void {
  for (const r of resources) {
    if (NO_RENAME.has(r.obj.kind)) continue;
    setName(r, `${prefix}${r.obj.metadata.name}${suffix}`);
    if (prefix !== '') r.prefixes.unshift(prefix);
    if (suffix !== '') r.suffixes.push(suffix);
  }
}

export function applyMapEntries(resources: Resource[], pairs: Record<string, string>, specs: readonly FieldSpec[]): void {
  const keys = Object.keys(pairs).sort();
  for (const r of resources) {
    for (const k of keys) {
      const v = pairs[k] as string;
      const fresh: Location[] = [];
      applySpecs(r.obj, specs, (parent, field, _fs, at) => {
        let m = parent[field];
        if (m === undefined || m === null) {
          m = {};
          parent[field] = m;
        }
        if (!isObject(m)) return;
        const loc = [...at, k];
        if (Object.prototype.hasOwnProperty.call(m, k)) {
          setOwn(m, k, v);
          propagate(r.obj, r.links, loc, v);
        } else {
          setOwn(m, k, v);
          fresh.push(loc);
        }
      });
      if (fresh.length > 1) r.links.push({ members: fresh });
    }
  }
}

export function applyReplicas(resources: Resource[], name: string, count: number, file: string, custom: readonly FieldSpec[] = []): void {
  let found = false;
  for (const r of resources) {
    if (!r.names.includes(name)) continue;
    applySpecs(r.obj, [...REPLICA_SPECS, ...custom], (parent, key) => {
      parent[key] = count;
      found = true;
    });
  }
  if (!found) {
    throw new RenderError('NotFound', `replicas: no Deployment, StatefulSet, ReplicaSet or ReplicationController is named "${name}"`, { file });
  }
}

