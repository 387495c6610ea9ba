// The built-in resource types every simulated cluster serves. What discovery says about them (names, scope, verbs,
// categories, versions, status and scale subresources) is @flotilla/kube-schema's catalog; only how the store treats
// each kind (generation tracking, extra field selectors) is the simulator's own and is stated here.

import { builtinGroups, builtinResources } from '@flotilla/kube-schema';
import type { ResourceInfo } from '@flotilla/kube-schema';
import type { KubeObject, ResourceType } from '../types/index.js';
import { typeKey } from '../types/index.js';

// Kinds whose metadata.generation the store keeps and bumps on spec changes (group/plural). kube-apiserver's strategies
// decide this per kind, and the catalog (read from swagger) cannot say it.
const GENERATION = new Set([
  '/replicationcontrollers',
  'apps/daemonsets',
  'apps/deployments',
  'apps/replicasets',
  'apps/statefulsets',
  'autoscaling/horizontalpodautoscalers',
  'batch/cronjobs',
  'batch/jobs',
  'networking.k8s.io/ingresses',
  'networking.k8s.io/networkpolicies',
  'policy/poddisruptionbudgets',
  'apiextensions.k8s.io/customresourcedefinitions',
]);

// Field selectors beyond metadata.name / metadata.namespace, as each kind's registry registers them (group/plural).
const FIELD_SELECTORS: Readonly<Record<string, readonly string[]>> = {
  '/events': ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  '/namespaces': ['status.phase'],
  '/nodes': ['spec.unschedulable'],
  '/pods': ['status.phase', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.podIP', 'status.nominatedNodeName'],
  '/replicationcontrollers': ['status.replicas'],
  '/secrets': ['type'],
  '/services': ['spec.clusterIP', 'spec.type'],
  'apps/replicasets': ['status.replicas'],
  'batch/jobs': ['status.successful'],
};

function path(obj: KubeObject, dotted: string): string {
  let cur: unknown = obj;
  for (const part of dotted.split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[part] : undefined;
  return cur === undefined || cur === null ? '' : String(cur);
}

function fieldReaders(names: readonly string[]): Record<string, (obj: KubeObject) => string> {
  return Object.fromEntries(names.map((n) => [n, (o: KubeObject) => path(o, n)]));
}

/** One type from the catalog entries serving a group/plural, `versions` ordered preferred first. */
function toType(info: ResourceInfo, versions: string[]): ResourceType {
  const key = typeKey(info.group, info.plural);
  const t: ResourceType = {
    group: info.group,
    versions,
    kind: info.kind,
    listKind: `${info.kind}List`,
    resource: info.plural,
    singular: info.singular,
    namespaced: info.namespaced,
    shortNames: [...info.shortNames],
    categories: [...info.categories],
    verbs: [...info.verbs],
    status: info.subresources.some((s) => s.name === 'status'),
    generation: GENERATION.has(key),
    builtIn: true,
  };
  const scale = info.subresources.find((s) => s.name === 'scale')?.scale;
  if (scale) t.scale = { ...scale };
  const selectors = FIELD_SELECTORS[key];
  if (selectors) t.fieldSelectors = fieldReaders(selectors);
  return t;
}

/** Keyed by group/plural, in the catalog's group order, so discovery lists groups as kube-apiserver does. */
function builtinTypes(): Map<string, ResourceType> {
  const types = new Map<string, ResourceType>();
  for (const group of builtinGroups()) {
    const inGroup = builtinResources().filter((r) => r.group === group.group);
    for (const info of inGroup) {
      const key = typeKey(info.group, info.plural);
      if (types.has(key)) continue;
      const served = new Set(inGroup.filter((r) => r.plural === info.plural).map((r) => r.version));
      // The preferred version's entry describes the type; every version serves the same resource.
      const preferred = inGroup.find((r) => r.plural === info.plural && r.version === group.preferredVersion) ?? info;
      types.set(key, toType(preferred, group.versions.filter((v) => served.has(v))));
    }
  }
  return types;
}

/** Shared by every simulated cluster; never mutated. */
export const BUILTIN_TYPES: ReadonlyMap<string, ResourceType> = builtinTypes();
