// kustomize's default field-spec tables (api/internal/konfig/builtinpluginconsts), as data.
import { spec } from './fieldspec.js';
import type { FieldSpec } from './fieldspec.js';

const WORKLOADS_WITH_TEMPLATE: [string, string | undefined][] = [
  ['Deployment', undefined], ['ReplicaSet', undefined], ['DaemonSet', undefined], ['StatefulSet', 'apps'], ['Job', 'batch'],
];

function metadataSpecs(field: 'labels' | 'annotations'): FieldSpec[] {
  return [
    spec(`metadata/${field}`, undefined, { create: true }),
    spec(`spec/template/metadata/${field}`, 'ReplicationController', { create: true, version: 'v1' }),
    ...WORKLOADS_WITH_TEMPLATE.map(([kind, group]) =>
      spec(`spec/template/metadata/${field}`, kind, group === undefined ? { create: true } : { create: true, group }),
    ),
    spec(`spec/jobTemplate/metadata/${field}`, 'CronJob', { create: true, group: 'batch' }),
    spec(`spec/jobTemplate/spec/template/metadata/${field}`, 'CronJob', { create: true, group: 'batch' }),
  ];
}

export const TEMPLATE_LABEL_SPECS: FieldSpec[] = metadataSpecs('labels');
export const COMMON_ANNOTATION_SPECS: FieldSpec[] = metadataSpecs('annotations');

const AFFINITY = [
  'podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
  'podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
  'podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
  'podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
];

export const COMMON_LABEL_SPECS: FieldSpec[] = [
  spec('spec/selector', 'Service', { create: true, version: 'v1' }),
  spec('spec/selector', 'ReplicationController', { create: true, version: 'v1' }),
  spec('spec/selector/matchLabels', 'Deployment', { create: true }),
  ...AFFINITY.map((p) => spec(`spec/template/spec/affinity/${p}`, 'Deployment', { create: false, group: 'apps' })),
  spec('spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels', 'Deployment', { create: false, group: 'apps' }),
  spec('spec/selector/matchLabels', 'ReplicaSet', { create: true }),
  spec('spec/selector/matchLabels', 'DaemonSet', { create: true }),
  spec('spec/selector/matchLabels', 'StatefulSet', { create: true, group: 'apps' }),
  spec('spec/volumeClaimTemplates[]/metadata/labels', 'StatefulSet', { create: true, group: 'apps' }),
  ...AFFINITY.map((p) => spec(`spec/template/spec/affinity/${p}`, 'StatefulSet', { create: false, group: 'apps' })),
  spec('spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels', 'StatefulSet', { create: false, group: 'apps' }),
  spec('spec/selector/matchLabels', 'Job', { create: false, group: 'batch' }),
  spec('spec/jobTemplate/spec/selector/matchLabels', 'CronJob', { create: false, group: 'batch' }),
  spec('spec/selector/matchLabels', 'PodDisruptionBudget', { create: false, group: 'policy' }),
  spec('spec/podSelector/matchLabels', 'NetworkPolicy', { create: false, group: 'networking.k8s.io' }),
  spec('spec/ingress/from/podSelector/matchLabels', 'NetworkPolicy', { create: false, group: 'networking.k8s.io' }),
  spec('spec/egress/to/podSelector/matchLabels', 'NetworkPolicy', { create: false, group: 'networking.k8s.io' }),
  ...TEMPLATE_LABEL_SPECS,
];

export const REPLICA_SPECS: FieldSpec[] = [
  spec('spec/replicas', 'Deployment', { create: true }),
  spec('spec/replicas', 'ReplicationController', { create: true }),
  spec('spec/replicas', 'ReplicaSet', { create: true }),
  spec('spec/replicas', 'StatefulSet', { create: true }),
];

export interface NameReference {
  kind: string;
  group?: string;
  version?: string;
  referrers: FieldSpec[];
}

function podSpecPaths(prefixByKind: [string, string][], suffixes: string[]): FieldSpec[] {
  const out: FieldSpec[] = [];
  for (const [kind, prefix] of prefixByKind) for (const s of suffixes) out.push(spec(`${prefix}${s}`, kind, kind === 'Pod' ? { version: 'v1' } : {}));
  return out;
}

const POD_PREFIXES: [string, string][] = [
  ['Pod', 'spec/'], ['PodTemplate', 'template/spec/'], ['Deployment', 'spec/template/spec/'], ['ReplicaSet', 'spec/template/spec/'],
  ['DaemonSet', 'spec/template/spec/'], ['StatefulSet', 'spec/template/spec/'], ['Job', 'spec/template/spec/'],
  ['CronJob', 'spec/jobTemplate/spec/template/spec/'],
];

const CONFIGMAP_SUFFIXES = [
  'volumes/configMap/name', 'containers/env/valueFrom/configMapKeyRef/name', 'initContainers/env/valueFrom/configMapKeyRef/name',
  'containers/envFrom/configMapRef/name', 'initContainers/envFrom/configMapRef/name', 'volumes/projected/sources/configMap/name',
];
const SECRET_SUFFIXES = [
  'volumes/secret/secretName', 'containers/env/valueFrom/secretKeyRef/name', 'initContainers/env/valueFrom/secretKeyRef/name',
  'containers/envFrom/secretRef/name', 'initContainers/envFrom/secretRef/name', 'imagePullSecrets/name',
  'volumes/projected/sources/secret/name',
];

const WORKLOAD_TEMPLATE_PREFIXES: [string, string][] = [
  ['Pod', 'spec/'], ['StatefulSet', 'spec/template/spec/'], ['Deployment', 'spec/template/spec/'],
  ['ReplicationController', 'spec/template/spec/'], ['CronJob', 'spec/jobTemplate/spec/template/spec/'],
  ['Job', 'spec/template/spec/'], ['DaemonSet', 'spec/template/spec/'],
];

export const NAME_REFERENCES: NameReference[] = [
  ...['Deployment', 'ReplicationController', 'ReplicaSet', 'StatefulSet'].map((kind) => ({
    kind,
    referrers: [spec('spec/scaleTargetRef/name', 'HorizontalPodAutoscaler')],
  })),
  {
    kind: 'ConfigMap',
    version: 'v1',
    referrers: [
      ...podSpecPaths(POD_PREFIXES, CONFIGMAP_SUFFIXES),
      spec('spec/configSource/configMap', 'Node'),
      spec('rules/resourceNames', 'Role'),
      spec('rules/resourceNames', 'ClusterRole'),
      spec('metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap', 'Ingress'),
    ],
  },
  {
    kind: 'Secret',
    version: 'v1',
    referrers: [
      ...podSpecPaths(POD_PREFIXES, SECRET_SUFFIXES),
      spec('spec/tls/secretName', 'Ingress'),
      spec('metadata/annotations/ingress.kubernetes.io\\/auth-secret', 'Ingress'),
      spec('metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret', 'Ingress'),
      spec('metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret', 'Ingress'),
      spec('imagePullSecrets/name', 'ServiceAccount'),
      spec('parameters/secretName', 'StorageClass'),
      spec('parameters/adminSecretName', 'StorageClass'),
      spec('parameters/userSecretName', 'StorageClass'),
      spec('parameters/secretRef', 'StorageClass'),
      spec('rules/resourceNames', 'Role'),
      spec('rules/resourceNames', 'ClusterRole'),
      spec('spec/template/spec/containers/env/valueFrom/secretKeyRef/name', 'Service', { group: 'serving.knative.dev', version: 'v1' }),
      spec('spec/azureFile/secretName', 'PersistentVolume'),
    ],
  },
  {
    kind: 'Service',
    version: 'v1',
    referrers: [
      spec('spec/serviceName', 'StatefulSet', { group: 'apps' }),
      spec('spec/rules/http/paths/backend/serviceName', 'Ingress'),
      spec('spec/backend/serviceName', 'Ingress'),
      spec('spec/rules/http/paths/backend/service/name', 'Ingress'),
      spec('spec/defaultBackend/service/name', 'Ingress'),
      spec('spec/service/name', 'APIService', { group: 'apiregistration.k8s.io' }),
      spec('webhooks/clientConfig/service', 'ValidatingWebhookConfiguration', { group: 'admissionregistration.k8s.io' }),
      spec('webhooks/clientConfig/service', 'MutatingWebhookConfiguration', { group: 'admissionregistration.k8s.io' }),
      spec('spec/rules/backendRefs/name', 'HTTPRoute'),
    ],
  },
  { kind: 'Role', group: 'rbac.authorization.k8s.io', referrers: [spec('roleRef/name', 'RoleBinding', { group: 'rbac.authorization.k8s.io' })] },
  {
    kind: 'ClusterRole',
    group: 'rbac.authorization.k8s.io',
    referrers: [
      spec('roleRef/name', 'RoleBinding', { group: 'rbac.authorization.k8s.io' }),
      spec('roleRef/name', 'ClusterRoleBinding', { group: 'rbac.authorization.k8s.io' }),
    ],
  },
  {
    kind: 'ServiceAccount',
    version: 'v1',
    referrers: [
      spec('subjects', 'RoleBinding', { group: 'rbac.authorization.k8s.io' }),
      spec('subjects', 'ClusterRoleBinding', { group: 'rbac.authorization.k8s.io' }),
      ...WORKLOAD_TEMPLATE_PREFIXES.map(([kind, prefix]) => spec(`${prefix}serviceAccountName`, kind)),
    ],
  },
  {
    kind: 'PersistentVolumeClaim',
    version: 'v1',
    referrers: WORKLOAD_TEMPLATE_PREFIXES.map(([kind, prefix]) => spec(`${prefix}volumes/persistentVolumeClaim/claimName`, kind)),
  },
  {
    kind: 'PersistentVolume',
    version: 'v1',
    referrers: [spec('spec/volumeName', 'PersistentVolumeClaim'), spec('rules/resourceNames', 'ClusterRole')],
  },
  {
    kind: 'StorageClass',
    version: 'v1',
    group: 'storage.k8s.io',
    referrers: [
      spec('spec/storageClassName', 'PersistentVolume'),
      spec('spec/storageClassName', 'PersistentVolumeClaim'),
      spec('spec/volumeClaimTemplates/spec/storageClassName', 'StatefulSet'),
    ],
  },
  {
    kind: 'PriorityClass',
    version: 'v1',
    group: 'scheduling.k8s.io',
    referrers: WORKLOAD_TEMPLATE_PREFIXES.map(([kind, prefix]) => spec(`${prefix}priorityClassName`, kind)),
  },
  { kind: 'IngressClass', version: 'v1', group: 'networking.k8s.io', referrers: [spec('spec/ingressClassName', 'Ingress')] },
  {
    kind: 'ValidatingAdmissionPolicy',
    group: 'admissionregistration.k8s.io',
    referrers: [spec('spec/policyName', 'ValidatingAdmissionPolicyBinding', { group: 'admissionregistration.k8s.io' })],
  },
];

/**
 * apiVersion+kind pairs kustomize v5.5 treats as cluster-scoped: those of the Kubernetes schema it embeds (about 1.21),
 * measured with `kubectl kustomize`. Anything else, ValidatingAdmissionPolicy and flowcontrol v1 included, gets a
 * namespace from the namespace transformer, as in kustomize.
 */
const CLUSTER_SCOPED: Record<string, string[]> = {
  v1: ['Namespace', 'Node', 'PersistentVolume', 'ComponentStatus'],
  'admissionregistration.k8s.io/v1': ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
  'admissionregistration.k8s.io/v1beta1': ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
  'apiextensions.k8s.io/v1': ['CustomResourceDefinition'],
  'apiextensions.k8s.io/v1beta1': ['CustomResourceDefinition'],
  'apiregistration.k8s.io/v1': ['APIService'],
  'apiregistration.k8s.io/v1beta1': ['APIService'],
  'certificates.k8s.io/v1': ['CertificateSigningRequest'],
  'certificates.k8s.io/v1beta1': ['CertificateSigningRequest'],
  'flowcontrol.apiserver.k8s.io/v1beta1': ['FlowSchema', 'PriorityLevelConfiguration'],
  'networking.k8s.io/v1': ['IngressClass'],
  'networking.k8s.io/v1beta1': ['IngressClass'],
  'node.k8s.io/v1': ['RuntimeClass'],
  'node.k8s.io/v1beta1': ['RuntimeClass'],
  'policy/v1beta1': ['PodSecurityPolicy'],
  'rbac.authorization.k8s.io/v1': ['ClusterRole', 'ClusterRoleBinding'],
  'rbac.authorization.k8s.io/v1beta1': ['ClusterRole', 'ClusterRoleBinding'],
  'scheduling.k8s.io/v1': ['PriorityClass'],
  'scheduling.k8s.io/v1beta1': ['PriorityClass'],
  'storage.k8s.io/v1': ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'],
  'storage.k8s.io/v1beta1': ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'],
};
const CLUSTER_SCOPED_IDS = new Set(Object.entries(CLUSTER_SCOPED).flatMap(([v, kinds]) => kinds.map((k) => `${v} ${k}`)));

export function isClusterScoped(obj: { apiVersion: string; kind: string }): boolean {
  return CLUSTER_SCOPED_IDS.has(`${obj.apiVersion} ${obj.kind}`);
}
