// Random overlay chains for differential testing against kubectl: a base of objects that name each other, then up to
// three overlays with prefix, suffix and namespace at several levels, patches aimed at a resource's original,
// intermediate or current name, components, generator merge/replace across levels, `$patch: delete` and JSON 6902
// patches selected by label.
import fc from 'fast-check';

/** The base catalog: every object names others through the fields kustomize fixes (nameReference). */
const CATALOG: Record<string, { kind: string; apiVersion: string; text: string }> = {
  api: {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    text: `spec:
  replicas: 1
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      serviceAccountName: sa
      priorityClassName: high
      containers:
      - name: main
        image: nginx:1
        envFrom:
        - configMapRef: {name: cfg}
        env:
        - name: S
          valueFrom: {secretKeyRef: {name: sec, key: k}}
        - name: G
          valueFrom: {configMapKeyRef: {name: gen, key: K0}}
      volumes:
      - name: data
        persistentVolumeClaim: {claimName: data}
      - name: conf
        configMap: {name: gen}
`,
  },
  svc: { kind: 'Service', apiVersion: 'v1', text: 'spec:\n  selector: {app: api}\n  ports:\n  - port: 80\n' },
  cfg: { kind: 'ConfigMap', apiVersion: 'v1', text: 'data:\n  k: v\n' },
  sec: { kind: 'Secret', apiVersion: 'v1', text: 'stringData:\n  k: s\n' },
  sa: { kind: 'ServiceAccount', apiVersion: 'v1', text: '' },
  data: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', text: 'spec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests: {storage: 1Gi}\n' },
  hpa: { kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v2', text: 'spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n  maxReplicas: 3\n' },
  web: {
    kind: 'Ingress',
    apiVersion: 'networking.k8s.io/v1',
    text: 'spec:\n  tls:\n  - secretName: sec\n  rules:\n  - http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service: {name: svc, port: {number: 80}}\n',
  },
  role: { kind: 'Role', apiVersion: 'rbac.authorization.k8s.io/v1', text: 'rules:\n- apiGroups: [""]\n  resources: [configmaps]\n  resourceNames: [cfg]\n  verbs: [get]\n' },
  rb: {
    kind: 'RoleBinding',
    apiVersion: 'rbac.authorization.k8s.io/v1',
    text: 'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: role}\nsubjects:\n- {kind: ServiceAccount, name: sa}\n- {kind: ServiceAccount, name: default}\n',
  },
  crb: {
    kind: 'ClusterRoleBinding',
    apiVersion: 'rbac.authorization.k8s.io/v1',
    text: 'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects:\n- {kind: ServiceAccount, name: sa, namespace: default}\n',
  },
  view: { kind: 'ClusterRole', apiVersion: 'rbac.authorization.k8s.io/v1', text: 'rules: []\n' },
  hook: {
    kind: 'ValidatingWebhookConfiguration',
    apiVersion: 'admissionregistration.k8s.io/v1',
    text: 'webhooks:\n- name: check.example.com\n  clientConfig:\n    service: {name: svc, namespace: default, path: /v}\n  sideEffects: None\n  admissionReviewVersions: [v1]\n',
  },
  high: { kind: 'PriorityClass', apiVersion: 'scheduling.k8s.io/v1', text: 'value: 1000\n' },
  job: {
    kind: 'CronJob',
    apiVersion: 'batch/v1',
    text: 'spec:\n  schedule: "@daily"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          serviceAccountName: sa\n          containers:\n          - name: j\n            image: busybox\n            envFrom:\n            - secretRef: {name: sec}\n',
  },
};
const NAMES = Object.keys(CATALOG);
/** Kinds a patch may aim at, with the bodies that make sense for them. */
const PATCHABLE = ['api', 'svc', 'cfg', 'web', 'job'];

const SMP_BODIES: Record<string, string[]> = {
  api: [
    'spec:\n  replicas: 3\n',
    'spec:\n  template:\n    spec:\n      containers:\n      - name: main\n        env:\n        - name: S\n          $patch: delete\n',
    'spec:\n  template:\n    spec:\n      containers:\n      - name: side\n        image: busybox\n        envFrom:\n        - configMapRef: {name: cfg}\n',
    'metadata:\n  labels: {tier: patched}\n',
  ],
  svc: ['spec:\n  type: NodePort\n', 'spec:\n  ports:\n  - port: 80\n    targetPort: 8080\n'],
  cfg: ['data:\n  patched: "yes"\n', 'data:\n  k: null\n'],
  web: ['metadata:\n  annotations: {a: b}\n', '$patch: delete\n'],
  job: ['spec:\n  schedule: "@hourly"\n'],
};

const patch = fc.record({
  name: fc.constantFrom(...PATCHABLE),
  /** Which name of the resource's history the patch uses: 0 = original, larger = later (clamped to the current). */
  history: fc.nat({ max: 3 }),
  style: fc.constantFrom('smp', 'smp-target', 'json-name', 'json-label', 'smp-file'),
  body: fc.nat({ max: 3 }),
});

const layer = fc.record({
  namespace: fc.option(fc.constantFrom('prod', 'team-a'), { nil: undefined }),
  prefix: fc.option(fc.constantFrom('x-', 'prod-'), { nil: undefined }),
  suffix: fc.option(fc.constantFrom('-s', '-v2'), { nil: undefined }),
  labels: fc.option(fc.constantFrom('commonLabels: {env: e}\n', 'labels:\n- pairs: {team: t}\n  includeSelectors: true\n', 'labels:\n- pairs: {env: e}\n  includeTemplates: true\n'), { nil: undefined }),
  generator: fc.option(fc.oneof({ arbitrary: fc.constantFrom('merge', 'replace'), weight: 9 }, { arbitrary: fc.constant('create'), weight: 1 }), { nil: undefined }),
  patches: fc.array(patch, { maxLength: 2 }),
  component: fc.option(fc.record({ patch, generator: fc.boolean(), prefix: fc.boolean() }), { nil: undefined }),
  /** replicas by the Deployment's original, intermediate or current name. */
  replicas: fc.option(fc.nat({ max: 3 }), { nil: undefined }),
});

export const chain = fc.record({
  // Every patchable object is always there (a patch of a missing one only tests the error); the rest vary.
  resources: fc.subarray(NAMES.filter((n) => !PATCHABLE.includes(n))).map((rest) => [...PATCHABLE, ...rest]),
  baseNamespace: fc.option(fc.constantFrom('base'), { nil: undefined }),
  layers: fc.array(layer, { minLength: 1, maxLength: 3 }),
});
export type Chain = typeof chain extends fc.Arbitrary<infer T> ? T : never;
type Patch = typeof patch extends fc.Arbitrary<infer T> ? T : never;

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? '' : by + l))
    .join('\n')
    .trimEnd();
}

type History = Record<string, { name: string; ns: string | undefined }[]>;

/** One patch entry (and maybe a patch file) aimed at `name` as it was called (with its namespace) after `history` changes. */
function patchEntry(p: Patch, ids: History, files: Record<string, string>, dir: string, n: number): string {
  const hist = ids[p.name] ?? [{ name: p.name, ns: undefined }];
  const id = hist[Math.min(p.history, hist.length - 1)] as { name: string; ns: string | undefined };
  const target = id.name;
  const res = CATALOG[p.name] as { kind: string; apiVersion: string };
  const bodies = SMP_BODIES[p.name] as string[];
  const body = bodies[p.body % bodies.length] as string;
  const doc = `apiVersion: ${res.apiVersion}\nkind: ${res.kind}\nmetadata:\n  name: ${target}\n${id.ns === undefined ? '' : `  namespace: ${id.ns}\n`}${body.startsWith('metadata:\n') ? body.slice('metadata:\n'.length) : body}`;
  switch (p.style) {
    case 'smp':
      return `- patch: |-\n${indent(doc, '    ')}\n`;
    case 'smp-file':
      files[`${dir}/patch-${n}.yaml`] = doc;
      return `- path: patch-${n}.yaml\n`;
    case 'smp-target':
      return `- target: {kind: ${res.kind}, name: ${target}}\n  patch: |-\n${indent(doc, '    ')}\n`;
    case 'json-name':
      return `- target: {kind: ${res.kind}, name: ${target}}\n  patch: |-\n    - op: add\n      path: /metadata/annotations\n      value: {json: "${n}"}\n`;
    default:
      return `- target: {labelSelector: "app=api"}\n  patch: |-\n    - op: add\n      path: /metadata/annotations\n      value: {selected: "${n}"}\n`;
  }
}

const CLUSTER_SCOPED = new Set(['ClusterRole', 'ClusterRoleBinding', 'PriorityClass', 'ValidatingWebhookConfiguration']);

/** Records a rename or namespace change of every object in the history (what kustomize keeps as previous ids). */
function change(ids: History, rename: (n: string) => string, ns: string | undefined): void {
  for (const [key, hist] of Object.entries(ids)) {
    const cur = hist[hist.length - 1] as { name: string; ns: string | undefined };
    const clusterScoped = CLUSTER_SCOPED.has(CATALOG[key]?.kind ?? '');
    hist.push({ name: rename(cur.name), ns: ns === undefined || clusterScoped ? cur.ns : ns });
  }
}

/** The files of a chain (root-relative) and the app path to build. */
export function chainFiles(c: Chain): { files: Record<string, string>; app: string } {
  const files: Record<string, string> = {};
  const docs = c.resources.map((n) => {
    const r = CATALOG[n] as { kind: string; apiVersion: string; text: string };
    const labels = n === 'api' || n === 'svc' ? '  labels: {app: api}\n' : '';
    const ns = c.baseNamespace !== undefined && r.kind !== 'ClusterRole' && r.kind !== 'PriorityClass' ? `  namespace: ${c.baseNamespace}\n` : '';
    return `apiVersion: ${r.apiVersion}\nkind: ${r.kind}\nmetadata:\n  name: ${n}\n${ns}${labels}${r.text}`;
  });
  files['l0/res.yaml'] = docs.join('---\n');
  files['l0/kustomization.yaml'] = 'resources:\n- res.yaml\nconfigMapGenerator:\n- name: gen\n  literals: [K0=v0]\n';
  // Id history of every base object: kustomize keeps each earlier (name, namespace) and patches may name any of them.
  const base = (key: string): string | undefined => (c.baseNamespace !== undefined && !CLUSTER_SCOPED.has(CATALOG[key]?.kind ?? '') ? c.baseNamespace : undefined);
  const ids: History = Object.fromEntries([...c.resources, 'gen'].map((n) => [n, [{ name: n, ns: base(n) }]]));
  c.layers.forEach((l, i) => {
    const dir = `l${i + 1}`;
    const lines: string[] = [`resources:\n- ../l${i}`];
    if (l.namespace) lines.push(`namespace: ${l.namespace}`);
    if (l.prefix) lines.push(`namePrefix: ${l.prefix}`);
    if (l.suffix) lines.push(`nameSuffix: ${l.suffix}`);
    if (l.labels) lines.push(l.labels.trimEnd());
    if (l.generator) lines.push(`configMapGenerator:\n- name: gen\n  behavior: ${l.generator}\n  literals: [K${i + 1}=v${i + 1}]`);
    // A layer's order: its components (their own patches, then their prefix), its patches, namespace, prefix/suffix.
    if (l.component) {
      const comp = [`apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component`];
      if (l.component.prefix) comp.push('namePrefix: c-');
      if (l.component.generator) comp.push(`configMapGenerator:\n- name: gen\n  behavior: merge\n  literals: [C${i + 1}=c]`);
      comp.push(`patches:\n${patchEntry(l.component.patch, ids, files, `c${i + 1}`, 9).trimEnd()}`);
      files[`c${i + 1}/kustomization.yaml`] = comp.join('\n') + '\n';
      lines.push(`components:\n- ../c${i + 1}`);
      if (l.component.prefix) change(ids, (n) => `c-${n}`, undefined);
    }
    if (l.replicas !== undefined) {
      const hist = ids.api ?? [];
      lines.push(`replicas:\n- name: ${hist[Math.min(l.replicas, hist.length - 1)]?.name ?? 'api'}\n  count: ${l.replicas + 2}`);
    }
    if (l.patches.length > 0) lines.push(`patches:\n${l.patches.map((p, j) => patchEntry(p, ids, files, dir, j)).join('').trimEnd()}`);
    files[`${dir}/kustomization.yaml`] = lines.join('\n') + '\n';
    if (l.namespace) change(ids, (n) => n, l.namespace);
    if (l.prefix || l.suffix) change(ids, (n) => `${l.prefix ?? ''}${n}${l.suffix ?? ''}`, undefined);
  });
  return { files, app: `l${c.layers.length}` };
}
