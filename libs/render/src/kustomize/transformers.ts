// kustomize's builtin transformers in its fixed order: patches, namespace, prefix/suffix, labels, annotations,
// JSON 6902 patches, replicas, images.
import { isObject } from '../objects.js';
import type { Resource } from '../resource.js';
import { setName, setNamespace } from '../resource.js';
import type { JsonObject } from '../types.js';
import type { BuildContext } from './build.js';
import { applySpecs, spec } from './fieldspec.js';
import type { FieldSpec } from './fieldspec.js';
import type { Kustomization } from './kustomization.js';
import { CLUSTER_SCOPED_KINDS, COMMON_ANNOTATION_SPECS, COMMON_LABEL_SPECS, REPLICA_SPECS, TEMPLATE_LABEL_SPECS } from './tables.js';
import { applyJson6902Patches, applyPatches, applyStrategicMergePatches } from './patches.js';
import { applyImages } from './images.js';

export function runTransformers(ctx: BuildContext, k: Kustomization, dir: string, resources: Resource[]): void {
  applyStrategicMergePatches(ctx, k, dir, resources);
  applyPatches(ctx, k, dir, resources);
  if (k.namespace !== undefined) applyNamespace(resources, k.namespace);
  if (k.namePrefix !== undefined || k.nameSuffix !== undefined) applyPrefixSuffix(resources, k.namePrefix ?? '', k.nameSuffix ?? '');
  for (const entry of k.labels) {
    let specs: FieldSpec[] = (entry.fields ?? []).map((f) => spec(f.path, f.kind, { ...optional(f) }));
    if (entry.includeSelectors) specs = [...specs, ...COMMON_LABEL_SPECS];
    else {
      specs = [...specs, spec('metadata/labels', undefined, { create: true })];
      if (entry.includeTemplates) specs = [...specs, ...TEMPLATE_LABEL_SPECS];
    }
    applyMapEntries(resources, entry.pairs, specs);
  }
  if (Object.keys(k.commonLabels).length > 0) applyMapEntries(resources, k.commonLabels, COMMON_LABEL_SPECS);
  if (Object.keys(k.commonAnnotations).length > 0) applyMapEntries(resources, k.commonAnnotations, COMMON_ANNOTATION_SPECS);
  applyJson6902Patches(ctx, k, dir, resources);
  for (const r of k.replicas) applyReplicas(resources, r.name, r.count);
  if (k.images.length > 0) applyImages(resources, k.images);
}

function optional(f: { group?: string; version?: string; create?: boolean }): { group?: string; version?: string; create?: boolean } {
  const o: { group?: string; version?: string; create?: boolean } = {};
  if (f.group !== undefined) o.group = f.group;
  if (f.version !== undefined) o.version = f.version;
  if (f.create !== undefined) o.create = f.create;
  return o;
}

function isClusterScoped(r: Resource): boolean {
  return CLUSTER_SCOPED_KINDS.has(r.obj.kind);
}

function applyNamespace(resources: Resource[], namespace: string): void {
  for (const r of resources) {
    if (isClusterScoped(r)) {
      if (r.obj.kind === 'ClusterRoleBinding' || r.obj.kind === 'RoleBinding') fixSubjects(r, namespace);
      if (r.obj.kind === 'ValidatingWebhookConfiguration' || r.obj.kind === 'MutatingWebhookConfiguration') fixWebhooks(r, namespace);
      if (r.obj.kind === 'APIService') fixNested(r.obj, ['spec', 'service'], namespace);
      if (r.obj.kind === 'CustomResourceDefinition') fixNested(r.obj, ['spec', 'conversion', 'webhook', 'clientConfig', 'service'], namespace);
      continue;
    }
    setNamespace(r, namespace);
    if (r.obj.kind === 'RoleBinding') fixSubjects(r, namespace);
  }
}

/** Subjects that are ServiceAccounts in the "default" namespace (or none) move with the namespace, as kustomize's defaultOnly mode. */
function fixSubjects(r: Resource, namespace: string): void {
  const subjects = r.obj.subjects;
  if (!Array.isArray(subjects)) return;
  for (const s of subjects) {
    if (!isObject(s) || s.kind !== 'ServiceAccount') continue;
    if (s.namespace === undefined || s.namespace === null || s.namespace === '' || s.namespace === 'default') s.namespace = namespace;
  }
}

function fixWebhooks(r: Resource, namespace: string): void {
  const hooks = r.obj.webhooks;
  if (!Array.isArray(hooks)) return;
  for (const h of hooks) if (isObject(h)) fixNested(h, ['clientConfig', 'service'], namespace);
}

function fixNested(o: JsonObject, path: string[], namespace: string): void {
  let cur: JsonObject = o;
  for (const p of path) {
    const next = cur[p];
    if (!isObject(next)) return;
    cur = next;
  }
  cur.namespace = namespace;
}

/** Kinds whose names kustomize never prefixes: they are API definitions, not instances. */
const NO_RENAME = new Set(['CustomResourceDefinition', 'APIService', 'Namespace']);

function applyPrefixSuffix(resources: Resource[], prefix: string, suffix: string): void {
  for (const r of resources) {
    if (NO_RENAME.has(r.obj.kind)) continue;
    setName(r, `${prefix}${r.obj.metadata.name}${suffix}`);
    if (prefix !== '') r.prefixes.unshift(prefix);
    if (suffix !== '') r.suffixes.push(suffix);
  }
}

function applyMapEntries(resources: Resource[], pairs: Record<string, string>, specs: readonly FieldSpec[]): void {
  for (const r of resources) {
    applySpecs(r.obj, specs, (parent, key) => {
      let m = parent[key];
      if (m === undefined || m === null) {
        m = {};
        parent[key] = m;
      }
      if (!isObject(m)) return;
      for (const [k, v] of Object.entries(pairs)) m[k] = v;
    });
  }
}

function applyReplicas(resources: Resource[], name: string, count: number): void {
  for (const r of resources) {
    if (!r.names.includes(name)) continue;
    applySpecs(r.obj, REPLICA_SPECS, (parent, key) => {
      parent[key] = count;
    });
  }
}

