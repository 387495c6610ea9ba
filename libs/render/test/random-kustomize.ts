// Random kustomize trees (layers of overlays over generated workloads) for differential testing against kubectl.
import fc from 'fast-check';

const ident = fc.constantFrom('web', 'api', 'db', 'cache', 'worker');
const word = fc.constantFrom('a', 'b', 'team', 'x-y', 'v1');
const labels = fc.dictionary(fc.constantFrom('app', 'tier', 'team', 'app.kubernetes.io/name'), word, { maxKeys: 2 });
// Label keys overlap on purpose: a key set in selectors by a base and rewritten by a metadata-only `labels` entry in an
// overlay is where kustomize's shared YAML nodes show (see src/links.ts).
const commonLabels = fc.dictionary(fc.constantFrom('app', 'tier', 'team'), word, { maxKeys: 2 });
const plainLabels = fc.dictionary(fc.constantFrom('team', 'app.kubernetes.io/name', 'tier'), word, { maxKeys: 2 });

const resource = fc.record({ kind: fc.constantFrom('Deployment', 'Service', 'ConfigMap', 'ServiceAccount', 'StatefulSet', 'CronJob', 'RoleBinding', 'Ingress'), name: ident, ns: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }) });

function manifest(r: { kind: string; name: string; ns: string | undefined }): string {
  const md = `metadata:\n  name: ${r.name}\n${r.ns ? `  namespace: ${r.ns}\n` : ''}`;
  const pod = `      serviceAccountName: ${r.name}\n      containers:\n      - name: main\n        image: nginx:1\n        envFrom:\n        - configMapRef: {name: cfg}\n        env:\n        - name: S\n          valueFrom: {secretKeyRef: {name: sec, key: k}}\n      volumes:\n      - name: v\n        configMap: {name: cfg}\n`;
  switch (r.kind) {
    case 'Deployment':
      return `apiVersion: apps/v1\nkind: Deployment\n${md}spec:\n  selector:\n    matchLabels: {app: ${r.name}}\n  template:\n    metadata:\n      labels: {app: ${r.name}}\n    spec:\n${pod}`;
    case 'StatefulSet':
      return `apiVersion: apps/v1\nkind: StatefulSet\n${md}spec:\n  serviceName: ${r.name}\n  template:\n    spec:\n${pod}`;
    case 'CronJob':
      return `apiVersion: batch/v1\nkind: CronJob\n${md}spec:\n  schedule: "@daily"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n${pod.replaceAll('\n      ', '\n          ').replace(/^ {6}/, '          ')}`;
    case 'Service':
      return `apiVersion: v1\nkind: Service\n${md}spec:\n  selector: {app: ${r.name}}\n  ports:\n  - port: 80\n`;
    case 'ConfigMap':
      return `apiVersion: v1\nkind: ConfigMap\n${md}data:\n  k: v\n`;
    case 'ServiceAccount':
      return `apiVersion: v1\nkind: ServiceAccount\n${md}`;
    case 'RoleBinding':
      return `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\n${md}roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: ${r.name}}\nsubjects:\n- {kind: ServiceAccount, name: ${r.name}}\n`;
    default:
      return `apiVersion: networking.k8s.io/v1\nkind: Ingress\n${md}spec:\n  defaultBackend:\n    service: {name: ${r.name}, port: {number: 80}}\n  tls:\n  - secretName: sec\n`;
  }
}

const layer = fc.record({
  namespace: fc.option(fc.constantFrom('a', 'prod'), { nil: undefined }),
  prefix: fc.option(fc.constantFrom('p-', 'eu-'), { nil: undefined }),
  suffix: fc.option(fc.constantFrom('-s', '-v2'), { nil: undefined }),
  commonLabels,
  commonAnnotations: labels,
  labels: fc.option(
    fc.oneof(
      fc.record({ pairs: plainLabels, includeSelectors: fc.constant(false), includeTemplates: fc.constant(false) }),
      fc.record({ pairs: fc.dictionary(fc.constantFrom('sel', 'app', 'app.kubernetes.io/name'), word, { maxKeys: 2 }), includeSelectors: fc.constant(true), includeTemplates: fc.boolean() }),
      fc.record({ pairs: fc.dictionary(fc.constantFrom('tpl', 'tier'), word, { maxKeys: 1 }), includeSelectors: fc.constant(false), includeTemplates: fc.constant(true) }),
    ),
    { nil: undefined },
  ),
  cfgBehavior: fc.option(fc.constantFrom('create', 'merge', 'replace'), { nil: undefined }),
  image: fc.option(fc.record({ newName: fc.option(fc.constantFrom('mirror/nginx'), { nil: undefined }), newTag: fc.option(fc.constantFrom('2', 'latest'), { nil: undefined }) }), { nil: undefined }),
  replicas: fc.constant(undefined as [string, number] | undefined),
  patch: fc.option(
    fc.record({
      kind: fc.constantFrom('Deployment', 'StatefulSet'),
      name: ident,
      body: fc.constantFrom(
        'spec:\n  template:\n    spec:\n      containers:\n      - name: main\n        env:\n        - name: ADDED\n          value: "1"\n',
        'spec:\n  template:\n    spec:\n      containers:\n      - name: main\n        env:\n        - name: S\n          $patch: delete\n',
        'spec:\n  template:\n    spec:\n      containers:\n      - name: sidecar\n        image: busybox\n      volumes:\n      - name: extra\n        emptyDir: {}\n',
        'metadata:\n  labels:\n    tier: patched\n  annotations:\n    team: patched\n',
        'spec:\n  replicas: 2\n  template:\n    metadata:\n      labels:\n        app: patched\n',
      ),
      targeted: fc.boolean(),
    }),
    { nil: undefined },
  ),
});

type Layer = typeof layer extends fc.Arbitrary<infer T> ? T : never;

function kustomization(l: Layer, resources: string[], first: boolean): string {
  const lines: string[] = [`resources:\n${resources.map((r) => `- ${r}`).join('\n')}`];
  if (l.namespace) lines.push(`namespace: ${l.namespace}`);
  if (l.prefix) lines.push(`namePrefix: ${l.prefix}`);
  if (l.suffix) lines.push(`nameSuffix: ${l.suffix}`);
  if (Object.keys(l.commonLabels).length) lines.push(`commonLabels: ${JSON.stringify(l.commonLabels)}`);
  if (Object.keys(l.commonAnnotations).length) lines.push(`commonAnnotations: ${JSON.stringify(l.commonAnnotations)}`);
  if (l.labels && Object.keys(l.labels.pairs).length) lines.push(`labels:\n- ${JSON.stringify(l.labels)}`);
  const behavior = first ? 'create' : (l.cfgBehavior ?? 'merge');
  if (first || l.cfgBehavior) lines.push(`configMapGenerator:\n- name: cfg\n  behavior: ${behavior}\n  literals: [K${first ? 1 : 2}=v]\nsecretGenerator:\n- name: sec\n  behavior: ${behavior}\n  literals: [k=s${first ? 1 : 2}]`);
  if (l.image) lines.push(`images:\n- name: nginx\n${l.image.newName ? `  newName: ${l.image.newName}\n` : ''}${l.image.newTag ? `  newTag: "${l.image.newTag}"\n` : ''}`.trimEnd());
  if (l.replicas) lines.push(`replicas:\n- name: ${l.replicas[0]}\n  count: ${l.replicas[1]}`);
  if (l.patch) {
    const doc = `apiVersion: apps/v1\nkind: ${l.patch.kind}\nmetadata:\n  name: ${l.patch.name}\n${l.patch.body.replace(/^metadata:\n/, '')}`;
    const body = doc.split('\n').map((line) => (line === '' ? '' : `    ${line}`)).join('\n');
    lines.push(`patches:\n- ${l.patch.targeted ? `target: {kind: ${l.patch.kind}}\n  ` : ''}patch: |-\n${body.trimEnd()}`);
  }
  return lines.join('\n') + '\n';
}

export const scenario = fc.record({ resources: fc.uniqueArray(resource, { minLength: 1, maxLength: 6, selector: (r) => `${r.kind}/${r.name}` }), layers: fc.array(layer, { minLength: 1, maxLength: 3 }) });


export type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** The files of a scenario (root-relative) and the app path to build. */
export function scenarioFiles(s: Scenario): { files: Record<string, string>; app: string } {
  const files: Record<string, string> = {};
  files['l0/res.yaml'] = s.resources.map(manifest).join('---\n');
  s.layers.forEach((l, j) => {
    files[`l${j}/kustomization.yaml`] = kustomization(l, j === 0 ? ['res.yaml'] : [`../l${j - 1}`], j === 0);
  });
  return { files, app: `l${s.layers.length - 1}` };
}
