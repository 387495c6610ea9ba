// The built-in resource types a v1.29 kube-apiserver serves (the ones the fleet manages), as discovery reports them.

import type { KubeObject, ResourceType, ScaleSubresource } from '../types/index.js';
import { typeKey } from '../types/index.js';

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const NO_COLLECTION = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

function path(obj: KubeObject, dotted: string): string {
  let cur: unknown = obj;
  for (const part of dotted.split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[part] : undefined;
  return cur === undefined || cur === null ? '' : String(cur);
}

function fields(...names: string[]): Record<string, (obj: KubeObject) => string> {
  return Object.fromEntries(names.map((n) => [n, (o: KubeObject) => path(o, n)]));
}

const REPLICAS_SCALE: ScaleSubresource = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' };

interface Row {
  g: string;
  v: string[];
  kind: string;
  res: string;
  ns: boolean;
  short?: string[];
  all?: boolean;
  status?: boolean;
  scale?: boolean;
  gen?: boolean;
  verbs?: string[];
  fieldSelectors?: Record<string, (obj: KubeObject) => string>;
  categories?: string[];
}

const ROWS: Row[] = [
  { g: '', v: ['v1'], kind: 'ConfigMap', res: 'configmaps', ns: true, short: ['cm'] },
  { g: '', v: ['v1'], kind: 'Endpoints', res: 'endpoints', ns: true, short: ['ep'] },
  { g: '', v: ['v1'], kind: 'Event', res: 'events', ns: true, short: ['ev'], fieldSelectors: fields('involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type') },
  { g: '', v: ['v1'], kind: 'LimitRange', res: 'limitranges', ns: true, short: ['limits'] },
  { g: '', v: ['v1'], kind: 'Namespace', res: 'namespaces', ns: false, short: ['ns'], status: true, verbs: NO_COLLECTION, fieldSelectors: fields('status.phase') },
  { g: '', v: ['v1'], kind: 'Node', res: 'nodes', ns: false, short: ['no'], status: true, fieldSelectors: fields('spec.unschedulable') },
  { g: '', v: ['v1'], kind: 'PersistentVolumeClaim', res: 'persistentvolumeclaims', ns: true, short: ['pvc'], status: true },
  { g: '', v: ['v1'], kind: 'PersistentVolume', res: 'persistentvolumes', ns: false, short: ['pv'], status: true },
  { g: '', v: ['v1'], kind: 'Pod', res: 'pods', ns: true, short: ['po'], all: true, status: true, fieldSelectors: fields('status.phase', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.podIP', 'status.nominatedNodeName') },
  { g: '', v: ['v1'], kind: 'PodTemplate', res: 'podtemplates', ns: true },
  { g: '', v: ['v1'], kind: 'ReplicationController', res: 'replicationcontrollers', ns: true, short: ['rc'], all: true, status: true, scale: true, gen: true, fieldSelectors: fields('status.replicas') },
  { g: '', v: ['v1'], kind: 'ResourceQuota', res: 'resourcequotas', ns: true, short: ['quota'], status: true },
  { g: '', v: ['v1'], kind: 'Secret', res: 'secrets', ns: true, fieldSelectors: fields('type') },
  { g: '', v: ['v1'], kind: 'ServiceAccount', res: 'serviceaccounts', ns: true, short: ['sa'] },
  { g: '', v: ['v1'], kind: 'Service', res: 'services', ns: true, short: ['svc'], all: true, status: true, verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], fieldSelectors: fields('spec.clusterIP', 'spec.type') },
  { g: 'apps', v: ['v1'], kind: 'ControllerRevision', res: 'controllerrevisions', ns: true },
  { g: 'apps', v: ['v1'], kind: 'DaemonSet', res: 'daemonsets', ns: true, short: ['ds'], all: true, status: true, gen: true },
  { g: 'apps', v: ['v1'], kind: 'Deployment', res: 'deployments', ns: true, short: ['deploy'], all: true, status: true, scale: true, gen: true },
  { g: 'apps', v: ['v1'], kind: 'ReplicaSet', res: 'replicasets', ns: true, short: ['rs'], all: true, status: true, scale: true, gen: true, fieldSelectors: fields('status.replicas') },
  { g: 'apps', v: ['v1'], kind: 'StatefulSet', res: 'statefulsets', ns: true, short: ['sts'], all: true, status: true, scale: true, gen: true },
  { g: 'autoscaling', v: ['v2', 'v1'], kind: 'HorizontalPodAutoscaler', res: 'horizontalpodautoscalers', ns: true, short: ['hpa'], all: true, status: true, gen: true },
  { g: 'batch', v: ['v1'], kind: 'CronJob', res: 'cronjobs', ns: true, short: ['cj'], all: true, status: true, gen: true },
  { g: 'batch', v: ['v1'], kind: 'Job', res: 'jobs', ns: true, all: true, status: true, gen: true, fieldSelectors: fields('status.successful') },
  { g: 'coordination.k8s.io', v: ['v1'], kind: 'Lease', res: 'leases', ns: true },
  { g: 'discovery.k8s.io', v: ['v1'], kind: 'EndpointSlice', res: 'endpointslices', ns: true },
  { g: 'networking.k8s.io', v: ['v1'], kind: 'IngressClass', res: 'ingressclasses', ns: false },
  { g: 'networking.k8s.io', v: ['v1'], kind: 'Ingress', res: 'ingresses', ns: true, short: ['ing'], status: true, gen: true },
  { g: 'networking.k8s.io', v: ['v1'], kind: 'NetworkPolicy', res: 'networkpolicies', ns: true, short: ['netpol'], gen: true },
  { g: 'policy', v: ['v1'], kind: 'PodDisruptionBudget', res: 'poddisruptionbudgets', ns: true, short: ['pdb'], status: true, gen: true },
  { g: 'rbac.authorization.k8s.io', v: ['v1'], kind: 'ClusterRoleBinding', res: 'clusterrolebindings', ns: false },
  { g: 'rbac.authorization.k8s.io', v: ['v1'], kind: 'ClusterRole', res: 'clusterroles', ns: false },
  { g: 'rbac.authorization.k8s.io', v: ['v1'], kind: 'RoleBinding', res: 'rolebindings', ns: true },
  { g: 'rbac.authorization.k8s.io', v: ['v1'], kind: 'Role', res: 'roles', ns: true },
  { g: 'scheduling.k8s.io', v: ['v1'], kind: 'PriorityClass', res: 'priorityclasses', ns: false, short: ['pc'] },
  { g: 'storage.k8s.io', v: ['v1'], kind: 'StorageClass', res: 'storageclasses', ns: false, short: ['sc'] },
  { g: 'apiextensions.k8s.io', v: ['v1'], kind: 'CustomResourceDefinition', res: 'customresourcedefinitions', ns: false, short: ['crd', 'crds'], status: true, gen: true, categories: ['api-extensions'] },
  { g: 'authorization.k8s.io', v: ['v1'], kind: 'SelfSubjectAccessReview', res: 'selfsubjectaccessreviews', ns: false, verbs: ['create'] },
  { g: 'authorization.k8s.io', v: ['v1'], kind: 'SelfSubjectRulesReview', res: 'selfsubjectrulesreviews', ns: false, verbs: ['create'] },
];

function toType(r: Row): ResourceType {
  const t: ResourceType = {
    group: r.g,
    versions: r.v,
    kind: r.kind,
    listKind: `${r.kind}List`,
    resource: r.res,
    singular: r.kind.toLowerCase(),
    namespaced: r.ns,
    shortNames: r.short ?? [],
    categories: r.categories ?? (r.all ? ['all'] : []),
    verbs: r.verbs ?? ALL_VERBS,
    status: r.status ?? false,
    generation: r.gen ?? false,
    builtIn: true,
  };
  if (r.scale) t.scale = REPLICAS_SCALE;
  if (r.fieldSelectors) t.fieldSelectors = r.fieldSelectors;
  return t;
}

/** Shared by every simulated cluster; never mutated. */
export const BUILTIN_TYPES: ReadonlyMap<string, ResourceType> = new Map(ROWS.map((r) => [typeKey(r.g, r.res), toType(r)]));
