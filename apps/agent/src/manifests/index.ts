// `flotilla-agent manifests`: the install manifests of deploy/helm/flotilla-agent for given values, without helm.
// Each function mirrors one named template or template file of the chart; a test proves both print the same objects.
import { stringify } from 'yaml';
import { AgentError } from '../errors.js';
import { builtinKinds, chart, defaultValues } from './defaults.js';

type Obj = Record<string, unknown>;
export type Values = Obj;

export interface Release {
  name: string;
  namespace: string;
}

const applyVerbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const installOrder = ['Namespace', 'ServiceAccount', 'Secret', 'ConfigMap', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Deployment'];

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Helm's values coalescing: maps merge deeply, anything else replaces, null deletes the key. */
export function coalesce(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else if (isObj(v) && isObj(out[k])) out[k] = coalesce(out[k] as Obj, v);
    else out[k] = v;
  }
  return out;
}

class View {
  constructor(private readonly v: Obj) {}
  get(path: string): unknown {
    let cur: unknown = this.v;
    for (const key of path.split('.')) cur = isObj(cur) ? cur[key] : undefined;
    return cur;
  }
  str(path: string): string {
    const x = this.get(path);
    return x === undefined || x === null ? '' : String(x);
  }
  /** Go template truthiness: false, 0, "", nil and empty collections are false. */
  truthy(path: string): boolean {
    const x = this.get(path);
    if (Array.isArray(x)) return x.length > 0;
    if (isObj(x)) return Object.keys(x).length > 0;
    return x !== undefined && x !== null && x !== false && x !== 0 && x !== '';
  }
  list(path: string): unknown[] {
    const x = this.get(path);
    return Array.isArray(x) ? x : [];
  }
  strings(path: string): string[] {
    return this.list(path).map(String);
  }
}

const fail = (message: string) => new AgentError('InvalidArgument', `values: ${message}`);
const trunc63 = (s: string) => s.slice(0, 63).replace(/-+$/, '');

function name(v: View): string {
  return trunc63(v.str('nameOverride') || chart.name);
}

function fullname(v: View, release: Release): string {
  if (v.str('fullnameOverride')) return trunc63(v.str('fullnameOverride'));
  const n = v.str('nameOverride') || chart.name;
  return release.name.includes(n) ? trunc63(release.name) : trunc63(`${release.name}-${n}`);
}

function selectorLabels(v: View, release: Release): Obj {
  return { 'app.kubernetes.io/name': name(v), 'app.kubernetes.io/instance': release.name };
}

function labels(v: View, release: Release): Obj {
  return {
    'helm.sh/chart': trunc63(`${chart.name}-${chart.version}`.replace(/\+/g, '_')),
    ...selectorLabels(v, release),
    'app.kubernetes.io/version': chart.appVersion,
    'app.kubernetes.io/managed-by': 'Helm',
  };
}

const serviceAccountName = (v: View, release: Release) => v.str('serviceAccount.name') || fullname(v, release);
const bootstrapSecretName = (v: View, release: Release) => v.str('bootstrap.existingSecret') || `${fullname(v, release)}-bootstrap`;
const hubCaConfigMap = (v: View, release: Release) => v.str('hub.caConfigMap') || (v.str('hub.caBundle') ? `${fullname(v, release)}-hub-ca` : '');

function validate(v: View): void {
  const scope = v.str('rbac.scope');
  if (scope !== 'namespaced' && scope !== 'cluster') throw fail(`rbac.scope: "${scope}" is not one of namespaced, cluster`);
  const everyNamespace = v.strings('allowedNamespaces').includes('*');
  if (everyNamespace && scope !== 'cluster') throw fail('allowedNamespaces: "*" (every namespace) needs rbac.scope=cluster');
  if (v.truthy('createNamespaces') && everyNamespace) throw fail('createNamespaces: cannot create "*"; list the namespaces instead');
  if (v.truthy('render.enableHelm') && !v.truthy('render.kustomizeCommand')) throw fail('render.enableHelm: needs render.kustomizeCommand (helm runs only inside the external kustomize)');
}

interface Kind {
  id: string;
  group: string;
  resource: string;
  namespaced: boolean;
}

function resolvedKinds(v: View): Kind[] {
  return v.list('allowedKinds').map((k, i) => {
    if (typeof k === 'string') {
      const row = builtinKinds[k];
      if (!row) throw fail(`allowedKinds[${i}]: "${k}" is not a built-in kind the chart knows (${Object.keys(builtinKinds).sort().join(', ')}); give a custom kind as {kind, group, resource, namespaced}`);
      return { id: k, ...row };
    }
    if (!isObj(k) || !k['kind'] || !k['group'] || !k['resource'] || !('namespaced' in k)) throw fail(`allowedKinds[${i}]: a custom kind needs kind, group, resource and namespaced`);
    return { id: `${String(k['kind'])}.${String(k['group'])}`, group: String(k['group']), resource: String(k['resource']), namespaced: Boolean(k['namespaced']) };
  });
}

function applyRules(kinds: Kind[]): Obj[] {
  const byGroup = new Map<string, string[]>();
  for (const k of kinds) byGroup.set(k.group, [...(byGroup.get(k.group) ?? []), k.resource]);
  return [...byGroup.keys()].sort().map((group) => ({ apiGroups: [group], resources: [...new Set(byGroup.get(group))].sort(), verbs: applyVerbs }));
}

/** flotilla-agent.healthReadRules: the pods and ReplicaSets the health watch reads beside what the agent applies. */
const healthReadRules = (): Obj[] => [
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'list', 'watch'] },
];

function kindSets(v: View) {
  const sets = { namespaced: [] as Kind[], clusterScoped: [] as Kind[], namespaceKind: false };
  for (const k of resolvedKinds(v)) {
    if (k.id === 'Namespace') sets.namespaceKind = true;
    else if (k.namespaced) sets.namespaced.push(k);
    else sets.clusterScoped.push(k);
  }
  return sets;
}

function namespaceRules(v: View): Obj[] {
  const allowed = v.strings('allowedNamespaces');
  if (allowed.includes('*')) return [{ apiGroups: [''], resources: ['namespaces'], verbs: applyVerbs }];
  const rules: Obj[] = [{ apiGroups: [''], resources: ['namespaces'], verbs: ['create', 'list', 'watch'] }];
  if (allowed.length > 0) rules.push({ apiGroups: [''], resourceNames: allowed, resources: ['namespaces'], verbs: ['get', 'update', 'patch', 'delete'] });
  return rules;
}

interface Doc {
  source: string;
  object: Obj;
}

function namespaces(v: View, r: Release): Doc[] {
  if (!v.truthy('createNamespaces')) return [];
  return v.strings('allowedNamespaces').map((ns) => ({
    source: 'namespaces.yaml',
    object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: labels(v, r), annotations: { 'helm.sh/resource-policy': 'keep' } } },
  }));
}

function serviceAccount(v: View, r: Release): Doc[] {
  const metadata: Obj = { name: serviceAccountName(v, r), namespace: r.namespace, labels: labels(v, r) };
  if (v.truthy('serviceAccount.annotations')) metadata['annotations'] = v.get('serviceAccount.annotations');
  return [{ source: 'serviceaccount.yaml', object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata } }];
}

function secret(v: View, r: Release): Doc[] {
  if (v.truthy('bootstrap.existingSecret')) return [];
  const token = v.str('bootstrap.token');
  if (token === '') throw fail('bootstrap.token (or bootstrap.existingSecret) is required: a registration token created by a hub admin');
  return [
    {
      source: 'secret.yaml',
      object: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: bootstrapSecretName(v, r), namespace: r.namespace, labels: labels(v, r) },
        type: 'Opaque',
        data: { [v.str('bootstrap.tokenKey')]: Buffer.from(token).toString('base64') },
      },
    },
  ];
}

function hubCa(v: View, r: Release): Doc[] {
  if (!v.truthy('hub.caBundle') || v.truthy('hub.caConfigMap')) return [];
  return [
    {
      source: 'configmap-hub-ca.yaml',
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: hubCaConfigMap(v, r), namespace: r.namespace, labels: labels(v, r) }, data: { 'ca.crt': `${v.str('hub.caBundle').trim()}\n` } },
    },
  ];
}

/** Go's json.Marshal, as sprig's toJson prints: map keys sorted, <, > and & escaped. */
function goJson(value: unknown): string {
  const sorted = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(sorted) : isObj(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sorted(x[k])])) : x;
  return JSON.stringify(sorted(value)).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function commitSignatures(v: View, r: Release): Doc[] {
  if (!v.truthy('commitSignatures.apps')) return [];
  return [
    {
      source: 'configmap-commit-signatures.yaml',
      object: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `${fullname(v, r)}-commit-signatures`, namespace: r.namespace, labels: labels(v, r) },
        data: { 'commit-signatures.yaml': goJson(v.get('commitSignatures')) },
      },
    },
  ];
}

const subject = (v: View, r: Release) => [{ kind: 'ServiceAccount', name: serviceAccountName(v, r), namespace: r.namespace }];

function rbacCluster(v: View, r: Release): Doc[] {
  const sets = kindSets(v);
  const granted = v.str('rbac.scope') === 'cluster' ? [...sets.clusterScoped, ...sets.namespaced] : sets.clusterScoped;
  if (!v.truthy('rbac.create') || (granted.length === 0 && !sets.namespaceKind)) return [];
  const healthReads = v.str('rbac.scope') === 'cluster' && sets.namespaced.length > 0 ? healthReadRules() : [];
  const rules = [...(sets.namespaceKind ? namespaceRules(v) : []), ...(granted.length > 0 ? applyRules(granted) : []), ...healthReads];
  const name = fullname(v, r);
  return [
    { source: 'rbac-cluster.yaml', object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels: labels(v, r) }, rules } },
    {
      source: 'rbac-cluster.yaml',
      object: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name, labels: labels(v, r) },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
        subjects: subject(v, r),
      },
    },
  ];
}

function rbacNamespaces(v: View, r: Release): Doc[] {
  const sets = kindSets(v);
  if (!v.truthy('rbac.create') || v.str('rbac.scope') !== 'namespaced' || sets.namespaced.length === 0) return [];
  const name = `${fullname(v, r)}-apply`;
  return v.strings('allowedNamespaces').flatMap((namespace) => [
    { source: 'rbac-namespaces.yaml', object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace, labels: labels(v, r) }, rules: [...applyRules(sets.namespaced), ...healthReadRules()] } },
    {
      source: 'rbac-namespaces.yaml',
      object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name, namespace, labels: labels(v, r) }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name }, subjects: subject(v, r) },
    },
  ]);
}

function rbacState(v: View, r: Release): Doc[] {
  if (!v.truthy('rbac.create')) return [];
  const name = `${fullname(v, r)}-state`;
  const metadata = { name, namespace: r.namespace, labels: labels(v, r) };
  return [
    { source: 'rbac-state.yaml', object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata, rules: [{ apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: applyVerbs }] } },
    { source: 'rbac-state.yaml', object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name }, subjects: subject(v, r) } },
  ];
}

function deployment(v: View, r: Release): Doc[] {
  validate(v);
  const kindIds = resolvedKinds(v).map((k) => k.id);
  const clusterLabels = isObj(v.get('cluster.labels')) ? Object.entries(v.get('cluster.labels') as Obj).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => `${k}=${String(x)}`) : [];
  const caConfigMap = hubCaConfigMap(v, r);
  const hubAddress = v.str('hub.address');
  if (hubAddress === '') throw fail("hub.address is required: the hub's gRPC address, e.g. hub.example.com:8443");
  const clusterName = v.str('cluster.name');
  if (clusterName === '') throw fail("cluster.name is required: this cluster's unique name in the fleet");
  const env = (n: string, value: unknown) => ({ name: n, value: String(value) });
  const envs: Obj[] = [
    env('FLOTILLA_HUB_ADDRESS', hubAddress),
    env('FLOTILLA_CLUSTER_NAME', clusterName),
    env('FLOTILLA_CLUSTER_LABELS', clusterLabels.join(',')),
    { name: 'FLOTILLA_BOOTSTRAP_TOKEN', valueFrom: { secretKeyRef: { name: bootstrapSecretName(v, r), key: v.str('bootstrap.tokenKey') } } },
    ...(caConfigMap ? [env('FLOTILLA_HUB_CA_FILE', '/etc/flotilla/hub-ca/ca.crt')] : []),
    { name: 'FLOTILLA_STATE_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    env('FLOTILLA_ALLOWED_NAMESPACES', v.strings('allowedNamespaces').join(',')),
    env('FLOTILLA_ALLOWED_KINDS', kindIds.join(',')),
    env('FLOTILLA_HEALTH_PORT', v.str('healthPort')),
    env('FLOTILLA_HEALTH_HOST', v.str('healthHost')),
    env('FLOTILLA_GIT_MAX_FETCH_BYTES', v.str('git.maxFetchBytes')),
    env('FLOTILLA_GIT_FETCH_TIMEOUT_SECONDS', v.str('git.fetchTimeoutSeconds')),
    env('FLOTILLA_GIT_MAX_OBJECTS', v.str('git.maxObjects')),
    env('FLOTILLA_GIT_MAX_OBJECT_BYTES', v.str('git.maxObjectBytes')),
    env('FLOTILLA_RENDER_MAX_FILE_BYTES', v.str('render.maxFileBytes')),
    env('FLOTILLA_RENDER_MAX_APP_BYTES', v.str('render.maxAppBytes')),
    env('FLOTILLA_RENDER_TIMEOUT_SECONDS', v.str('render.timeoutSeconds')),
    env('FLOTILLA_RENDER_MEMORY_MB', v.str('render.memoryMb')),
    ...(v.truthy('render.kustomizeCommand') ? [env('FLOTILLA_KUSTOMIZE_COMMAND', v.str('render.kustomizeCommand'))] : []),
    ...(v.truthy('render.enableHelm') ? [env('FLOTILLA_KUSTOMIZE_ENABLE_HELM', 'true')] : []),
    ...(v.truthy('commitSignatures.apps') ? [env('FLOTILLA_COMMIT_SIGNATURES_FILE', '/etc/flotilla/commit-signatures/commit-signatures.yaml')] : []),
    ...(v.truthy('render.allowRemote') ? [env('FLOTILLA_KUSTOMIZE_ALLOW_REMOTE', v.strings('render.allowRemote').join(','))] : []),
  ];
  const probe = { httpGet: { path: '/healthz', port: 'health' }, timeoutSeconds: 3, failureThreshold: 3 };
  const container: Obj = {
    name: 'agent',
    image: `${v.str('image.repository')}:${v.str('image.tag') || chart.appVersion}`,
    imagePullPolicy: v.str('image.pullPolicy'),
    env: envs,
    ports: [{ name: 'health', containerPort: v.get('healthPort'), protocol: 'TCP' }],
    livenessProbe: { ...probe, initialDelaySeconds: 5, periodSeconds: 10 },
    readinessProbe: { ...probe, periodSeconds: 5 },
    ...(v.truthy('resources') ? { resources: v.get('resources') } : {}),
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
    volumeMounts: [
      { name: 'tmp', mountPath: '/tmp' },
      ...(caConfigMap ? [{ name: 'hub-ca', mountPath: '/etc/flotilla/hub-ca', readOnly: true }] : []),
      ...(v.truthy('commitSignatures.apps') ? [{ name: 'commit-signatures', mountPath: '/etc/flotilla/commit-signatures', readOnly: true }] : []),
    ],
  };
  const podSpec: Obj = {
    serviceAccountName: serviceAccountName(v, r),
    automountServiceAccountToken: true,
    ...(v.truthy('imagePullSecrets') ? { imagePullSecrets: v.get('imagePullSecrets') } : {}),
    securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [container],
    volumes: [
      { name: 'tmp', emptyDir: {} },
      ...(caConfigMap ? [{ name: 'hub-ca', configMap: { name: caConfigMap } }] : []),
      ...(v.truthy('commitSignatures.apps') ? [{ name: 'commit-signatures', configMap: { name: `${fullname(v, r)}-commit-signatures` } }] : []),
    ],
    ...(v.truthy('nodeSelector') ? { nodeSelector: v.get('nodeSelector') } : {}),
    ...(v.truthy('affinity') ? { affinity: v.get('affinity') } : {}),
    ...(v.truthy('tolerations') ? { tolerations: v.get('tolerations') } : {}),
  };
  const podMetadata: Obj = { labels: { ...selectorLabels(v, r), ...(v.truthy('podLabels') ? (v.get('podLabels') as Obj) : {}) } };
  if (v.truthy('podAnnotations')) podMetadata['annotations'] = v.get('podAnnotations');
  return [
    {
      source: 'deployment.yaml',
      object: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: fullname(v, r), namespace: r.namespace, labels: labels(v, r) },
        spec: { replicas: 1, strategy: { type: 'Recreate' }, selector: { matchLabels: selectorLabels(v, r) }, template: { metadata: podMetadata, spec: podSpec } },
      },
    },
  ];
}

/** The chart's documents for these values, in Helm's install order. Throws AgentError InvalidArgument as the chart fails. */
export function chartObjects(userValues: Values, release: Release): Doc[] {
  const v = new View(coalesce(defaultValues as Obj, userValues));
  // Template files in the order Helm reads them (sorted by path), then sorted stably by install order, as Helm does.
  const docs = [commitSignatures, hubCa, deployment, namespaces, rbacCluster, rbacNamespaces, rbacState, secret, serviceAccount].flatMap((t) => t(v, release));
  return docs
    .map((d, i) => ({ d, i, order: installOrder.indexOf(String(d.object['kind'])) }))
    .sort((a, b) => a.order - b.order || a.i - b.i)
    .map(({ d }) => d);
}

/** The manifests as `helm template` prints them: `---`, a `# Source:` line, the object. */
export function renderManifests(userValues: Values, release: Release): string {
  return chartObjects(userValues, release)
    .map((d) => `---\n# Source: ${chart.name}/templates/${d.source}\n${stringify(d.object, { lineWidth: 0 })}`)
    .join('');
}
