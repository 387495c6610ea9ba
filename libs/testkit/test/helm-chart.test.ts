// Proves what can be proven of deploy/helm/flotilla-agent without a helm binary: the checked-in renderings
// (tests/expected-*.yaml, what `helm template` prints) are valid, least-privilege and restrictive, agree with the chart's
// values, and real kubectl accepts them; where Go and sprig are installed, the templates themselves are rendered with
// Go's text/template and sprig (tests/render/main.go) and must reproduce the checked-in renderings byte for byte.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinResources } from '@flotilla/kube-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { tempDir } from '../src/index.js';
import type { TempDir } from '../src/index.js';
import { startFakeDiscovery } from './support/fake-discovery.js';
import type { FakeDiscovery } from './support/fake-discovery.js';
import { checkManifest } from './support/openapi-check.js';

const CHART = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../deploy/helm/flotilla-agent');
const read = (rel: string): string => readFileSync(path.join(CHART, rel), 'utf8');
const APPLY_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const ENV_CONTRACT = [
  'FLOTILLA_HUB_ADDRESS',
  'FLOTILLA_CLUSTER_NAME',
  'FLOTILLA_CLUSTER_LABELS',
  'FLOTILLA_BOOTSTRAP_TOKEN',
  'FLOTILLA_HUB_CA_FILE',
  'FLOTILLA_STATE_NAMESPACE',
  'FLOTILLA_ALLOWED_NAMESPACES',
  'FLOTILLA_ALLOWED_KINDS',
  'FLOTILLA_HEALTH_PORT',
  'FLOTILLA_HEALTH_HOST',
  'FLOTILLA_GIT_MAX_FETCH_BYTES',
  'FLOTILLA_GIT_FETCH_TIMEOUT_SECONDS',
  'FLOTILLA_GIT_MAX_OBJECTS',
  'FLOTILLA_GIT_MAX_OBJECT_BYTES',
  'FLOTILLA_RENDER_MAX_FILE_BYTES',
  'FLOTILLA_RENDER_MAX_APP_BYTES',
  'FLOTILLA_RENDER_TIMEOUT_SECONDS',
  'FLOTILLA_RENDER_MEMORY_MB',
  'FLOTILLA_KUSTOMIZE_COMMAND',
  'FLOTILLA_KUSTOMIZE_ENABLE_HELM',
  'FLOTILLA_COMMIT_SIGNATURES_FILE',
  'FLOTILLA_KUSTOMIZE_ALLOW_REMOTE',
];

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- manifests are free-form YAML

interface Rendering {
  file: string;
  docs: Obj[];
  sources: string[];
  values: Obj;
}

function loadRendering(name: 'default' | 'cluster'): Rendering {
  const text = read(`tests/expected-${name}.yaml`);
  const parsed = parseAllDocuments(text);
  const errors = parsed.flatMap((d) => d.errors.map((e) => e.message));
  if (errors.length > 0) throw new Error(`tests/expected-${name}.yaml does not parse: ${errors.join('; ')}`);
  return {
    file: path.join(CHART, `tests/expected-${name}.yaml`),
    docs: parsed.map((d) => d.toJS() as Obj),
    sources: [...text.matchAll(/^# Source: (.+)$/gm)].map((m) => m[1] ?? ''),
    values: parse(read(`tests/values-${name}.yaml`)) as Obj,
  };
}

const renderings = { default: loadRendering('default'), cluster: loadRendering('cluster') };
const chartValues = parse(read('values.yaml')) as Obj;
const chartMeta = parse(read('Chart.yaml')) as Obj;
const byKind = (r: Rendering, kind: string): Obj[] => r.docs.filter((d) => d['kind'] === kind);
const deploymentOf = (r: Rendering): Obj => {
  const [deployment] = byKind(r, 'Deployment');
  if (!deployment) throw new Error('no Deployment');
  return deployment;
};
const HEALTH_READS = ['/pods', 'apps/replicasets'];
const READ_VERBS = ['get', 'list', 'watch'];
/** The verbs the given rules grant on group/resource (rules naming resourceNames included). */
const verbsOn = (rules: Obj[], groupResource: string): string[] =>
  [...new Set(rules.filter((rule) => (rule['resources'] as string[]).some((res) => (rule['apiGroups'] as string[]).some((g) => `${g}/${res}` === groupResource))).flatMap((rule) => rule['verbs'] as string[]))].sort();
const rulesOf = (r: Rendering): Obj[] => r.docs.filter((d) => d['kind'] === 'Role' || d['kind'] === 'ClusterRole').flatMap((d) => d['rules'] as Obj[]);

/** The chart's table of built-in kinds, which is plain YAML inside a named template of _helpers.tpl. */
function kindTable(): Record<string, { group: string; resource: string; namespaced: boolean }> {
  const m = /\{\{- define "flotilla-agent\.builtinKinds" -\}\}\n([\s\S]*?)\{\{- end \}\}/.exec(read('templates/_helpers.tpl'));
  if (!m?.[1]) throw new Error('flotilla-agent.builtinKinds not found in _helpers.tpl');
  return parse(m[1]) as ReturnType<typeof kindTable>;
}

describe.each(['default', 'cluster'] as const)('flotilla-agent chart, rendering %s', (name) => {
  const r = renderings[name];

  it('has only documents that are built-in kinds at served apiVersions, from templates that exist', () => {
    expect(r.docs.length).toBeGreaterThan(0);
    expect(r.sources).toHaveLength(r.docs.length);
    for (const source of r.sources) expect(existsSync(path.join(CHART, source.replace(/^flotilla-agent\//, '')))).toBe(true);
    for (const doc of r.docs) {
      const resource = builtinResources().find((x) => x.kind === doc['kind'] && (x.group ? `${x.group}/${x.version}` : x.version) === doc['apiVersion']);
      expect(resource, `${doc['kind']} ${doc['apiVersion']}`).toBeDefined();
      // Namespaced objects name their namespace; cluster-scoped ones must not.
      expect(typeof doc['metadata']?.namespace === 'string', `${doc['kind']}/${doc['metadata']?.name} namespace`).toBe(resource?.namespaced);
    }
  });

  it('matches the Kubernetes OpenAPI schema strictly (no unknown fields, right types)', () => {
    for (const doc of r.docs) expect(checkManifest(doc), `${doc['kind']}/${doc['metadata']?.name}`).toEqual([]);
  });

  it('grants RBAC without wildcards, escalation or non-resource URLs, and only the apply verbs', () => {
    const rules = rulesOf(r);
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      for (const field of ['apiGroups', 'resources', 'verbs', 'resourceNames']) {
        for (const v of (rule[field] as string[] | undefined) ?? []) expect(v, field).not.toContain('*');
      }
      expect(rule['nonResourceURLs']).toBeUndefined();
      for (const verb of rule['verbs'] as string[]) expect(APPLY_VERBS).toContain(verb);
    }
  });

  // The health watch judges a Deployment by its current pods: it lists and watches pods and ReplicaSets in every
  // namespace it manages, which the admin's allowedKinds do not name.
  it('lets the agent read, never write, pods and ReplicaSets wherever it applies workloads', () => {
    const allowed = r.values['allowedNamespaces'] as string[];
    const grants =
      r.values['rbac']?.scope === 'cluster'
        ? allowed.map((ns) => ({ ns, rules: byKind(r, 'ClusterRole').flatMap((cr) => cr['rules'] as Obj[]) }))
        : allowed.map((ns) => ({ ns, rules: byKind(r, 'Role').filter((x) => x['metadata'].namespace === ns).flatMap((x) => x['rules'] as Obj[]) }));
    expect(grants.length).toBeGreaterThan(0);
    for (const { ns, rules } of grants) for (const gr of HEALTH_READS) expect(verbsOn(rules, gr), `${gr} in ${ns}`).toEqual([...READ_VERBS].sort());
  });

  it('binds every Role and ClusterRole to the agent service account only', () => {
    const [sa] = byKind(r, 'ServiceAccount');
    for (const binding of [...byKind(r, 'RoleBinding'), ...byKind(r, 'ClusterRoleBinding')]) {
      expect(binding['subjects']).toEqual([{ kind: 'ServiceAccount', name: sa?.['metadata'].name, namespace: sa?.['metadata'].namespace }]);
      const roleKind = binding['roleRef'].kind as string;
      const role = byKind(r, roleKind).find((x) => x['metadata'].name === binding['roleRef'].name && x['metadata'].namespace === binding['metadata'].namespace);
      expect(role, `${roleKind} ${binding['roleRef'].name}`).toBeDefined();
    }
  });

  it('runs one non-root replica with a read-only root, no privilege escalation, no capabilities and /healthz probes', () => {
    const d = deploymentOf(r);
    expect(d['spec'].replicas).toBe(1);
    expect(d['spec'].strategy).toEqual({ type: 'Recreate' });
    const pod = d['spec'].template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(pod.hostNetwork ?? false).toBe(false);
    expect(pod.containers).toHaveLength(1);
    const c = pod.containers[0];
    expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    const port = c.ports.find((p: Obj) => p['name'] === 'health');
    expect(port.containerPort).toBe(8081);
    for (const probe of [c.livenessProbe, c.readinessProbe]) expect(probe.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(d['spec'].selector.matchLabels).toEqual(Object.fromEntries(Object.entries(d['spec'].template.metadata.labels).filter(([k]) => k in d['spec'].selector.matchLabels)));
  });

  it('gives the agent exactly the env contract, the token only by reference to its Secret', () => {
    const d = deploymentOf(r);
    const env = d['spec'].template.spec.containers[0].env as Obj[];
    const names = env.map((e) => e['name'] as string);
    const hasCa = Boolean(r.values['hub']?.caBundle || r.values['hub']?.caConfigMap);
    // The external kustomize is the cluster admin's opt-in: its variables appear only when set.
    const kustomizeCommand = r.values['render']?.kustomizeCommand as string | undefined;
    const enableHelm = r.values['render']?.enableHelm === true;
    const allowRemote = (r.values['render']?.allowRemote ?? []) as string[];
    const optional: Record<string, boolean> = {
      FLOTILLA_HUB_CA_FILE: hasCa,
      FLOTILLA_KUSTOMIZE_COMMAND: Boolean(kustomizeCommand),
      FLOTILLA_KUSTOMIZE_ENABLE_HELM: enableHelm,
      FLOTILLA_KUSTOMIZE_ALLOW_REMOTE: allowRemote.length > 0,
      FLOTILLA_COMMIT_SIGNATURES_FILE: Object.keys(r.values['commitSignatures']?.apps ?? {}).length > 0,
    };
    expect(names).toEqual(ENV_CONTRACT.filter((n) => optional[n] ?? true));
    const get = (n: string): Obj => env.find((e) => e['name'] === n) ?? {};
    expect(get('FLOTILLA_HUB_ADDRESS')['value']).toBe(r.values['hub'].address);
    expect(get('FLOTILLA_CLUSTER_NAME')['value']).toBe(r.values['cluster'].name);
    const labels = (r.values['cluster'].labels ?? {}) as Record<string, string>;
    expect(get('FLOTILLA_CLUSTER_LABELS')['value']).toBe(Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(','));
    expect(get('FLOTILLA_STATE_NAMESPACE')['valueFrom']).toEqual({ fieldRef: { fieldPath: 'metadata.namespace' } });
    expect(get('FLOTILLA_ALLOWED_NAMESPACES')['value']).toBe((r.values['allowedNamespaces'] as string[]).join(','));
    expect(get('FLOTILLA_HEALTH_PORT')['value']).toBe('8081');
    expect(get('FLOTILLA_KUSTOMIZE_COMMAND')['value']).toBe(kustomizeCommand || undefined);
    expect(get('FLOTILLA_KUSTOMIZE_ENABLE_HELM')['value']).toBe(enableHelm ? 'true' : undefined);
    const ref = get('FLOTILLA_BOOTSTRAP_TOKEN')['valueFrom'].secretKeyRef;
    expect(get('FLOTILLA_BOOTSTRAP_TOKEN')['value']).toBeUndefined();
    if (r.values['bootstrap'].existingSecret) {
      expect(ref).toEqual({ name: r.values['bootstrap'].existingSecret, key: 'token' });
      expect(byKind(r, 'Secret')).toEqual([]);
    } else {
      const secret = byKind(r, 'Secret').find((s) => s['metadata'].name === ref.name);
      expect(Buffer.from(secret?.['data'][ref.key] as string, 'base64').toString('utf8')).toBe(r.values['bootstrap'].token);
    }
    if (hasCa) {
      const mount = d['spec'].template.spec.containers[0].volumeMounts.find((m: Obj) => m['name'] === 'hub-ca');
      expect(get('FLOTILLA_HUB_CA_FILE')['value']).toBe(`${mount.mountPath}/ca.crt`);
      const volume = d['spec'].template.spec.volumes.find((v: Obj) => v['name'] === 'hub-ca');
      const cm = byKind(r, 'ConfigMap').find((c) => c['metadata'].name === volume.configMap.name);
      expect(cm?.['data']['ca.crt']).toBe(r.values['hub'].caBundle);
    }
  });

  describe('with real kubectl', () => {
    let api: FakeDiscovery;
    let home: TempDir;
    beforeAll(async () => {
      api = await startFakeDiscovery();
      home = await tempDir();
      writeFileSync(
        path.join(home.path, 'kubeconfig'),
        `apiVersion: v1\nkind: Config\nclusters: [{name: fake, cluster: {server: "${api.url}"}}]\ncontexts: [{name: fake, context: {cluster: fake, user: fake}}]\nusers: [{name: fake, user: {}}]\ncurrent-context: fake\n`,
      );
    });
    afterAll(async () => {
      await api.close();
      await home.cleanup();
    });

    // No OpenAPI v2 protobuf document can be served here, so kubectl's own schema validation is off (--validate=false);
    // the strict schema check above covers it. kubectl still decodes every document and maps it through discovery.
    it('kubectl apply --dry-run=client takes every document as a create', async () => {
      const out = await new Promise<string>((resolve, reject) => {
        execFile(
          'kubectl',
          ['--kubeconfig', path.join(home.path, 'kubeconfig'), 'apply', '--dry-run=client', '--validate=false', '-f', r.file],
          { env: { PATH: process.env['PATH'] ?? '/usr/bin', HOME: home.path } },
          (err, stdout, stderr) => (err ? reject(new Error(`kubectl failed: ${stderr}`)) : resolve(stdout)),
        );
      });
      const lines = out.trim().split('\n');
      expect(lines).toHaveLength(r.docs.length);
      for (const line of lines) expect(line).toMatch(/ created \(dry run\)$/);
      expect(api.requests.some((req) => req.startsWith('GET /apis/rbac.authorization.k8s.io/v1'))).toBe(true);
    });
  });
});

describe('flotilla-agent chart, values and templates', () => {
  it('renders the defaults of values.yaml into expected-default.yaml', () => {
    const r = renderings.default;
    const c = deploymentOf(r)['spec'].template.spec.containers[0];
    expect(c.image).toBe(`${chartValues['image'].repository}:${chartMeta['appVersion']}`);
    expect(c.resources).toEqual(chartValues['resources']);
    expect(c.ports[0].containerPort).toBe(chartValues['healthPort']);
    const env = c.env as Obj[];
    expect(env.find((e) => e['name'] === 'FLOTILLA_ALLOWED_KINDS')?.['value']).toBe((chartValues['allowedKinds'] as string[]).join(','));
    // The Role in each allowed namespace grants exactly the default kinds' resources.
    const table = kindTable();
    const granted = (chartValues['allowedKinds'] as string[]).map((k) => `${table[k]?.group}/${table[k]?.resource}`).sort();
    for (const ns of r.values['allowedNamespaces'] as string[]) {
      const role = byKind(r, 'Role').find((x) => x['metadata'].namespace === ns);
      const rules = (role?.['rules'] ?? []) as Obj[];
      expect(rules.flatMap((rule) => (rule['resources'] as string[]).map((res) => `${rule['apiGroups'][0]}/${res}`)).sort()).toEqual([...granted, ...HEALTH_READS].sort());
    }
    // Namespaced kinds only, namespaced scope: no cluster-wide grant at all.
    expect(byKind(r, 'ClusterRole')).toEqual([]);
    expect(byKind(r, 'ClusterRoleBinding')).toEqual([]);
    // The agent's own namespace: its state Secret and ConfigMap.
    const state = byKind(r, 'Role').find((x) => x['metadata'].namespace === 'flotilla-system');
    expect(state?.['rules']).toEqual([{ apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: APPLY_VERBS }]);
  });

  it('limits the Namespace kind to the allowed namespaces, except for create', () => {
    const [cr] = byKind(renderings.cluster, 'ClusterRole');
    const nsRules = (cr?.['rules'] as Obj[]).filter((rule) => (rule['resources'] as string[]).includes('namespaces'));
    expect(nsRules).toEqual([
      { apiGroups: [''], resources: ['namespaces'], verbs: ['create', 'list', 'watch'] },
      { apiGroups: [''], resources: ['namespaces'], resourceNames: ['demo', 'shop'], verbs: ['get', 'update', 'patch', 'delete'] },
    ]);
    expect(byKind(renderings.cluster, 'Namespace').map((n) => n['metadata'].annotations['helm.sh/resource-policy'])).toEqual(['keep', 'keep']);
  });

  it('knows each built-in kind by the group, resource and scope Kubernetes discovery reports', () => {
    for (const [kind, row] of Object.entries(kindTable())) {
      const served = builtinResources().filter((r) => r.kind === kind && r.group === row.group);
      expect(served.length, kind).toBeGreaterThan(0);
      for (const s of served) expect({ kind, resource: s.plural, namespaced: s.namespaced }).toEqual({ kind, resource: row.resource, namespaced: row.namespaced });
    }
  });

  it('uses in its test values only keys that values.yaml declares', () => {
    const leaves = (o: Obj, prefix = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' && !Array.isArray(v) && k !== 'labels' ? leaves(v as Obj, `${prefix}${k}.`) : [`${prefix}${k}`]));
    const declared = new Set(leaves(chartValues));
    for (const r of Object.values(renderings)) for (const key of leaves(r.values)) expect(declared.has(key), key).toBe(true);
  });

  it('never prints the bootstrap token: only secret.yaml reads it, and NOTES.txt does not', () => {
    const readers = readdirSync(path.join(CHART, 'templates')).filter((f) => /\.Values\.bootstrap\.token\b/.test(read(`templates/${f}`)));
    expect(readers).toEqual(['secret.yaml']);
    expect(read('templates/NOTES.txt')).not.toMatch(/bootstrap\.token\b|FLOTILLA_BOOTSTRAP_TOKEN/);
  });

  it('the schema check is not vacuous: it refuses a misspelled field and a wrong type', () => {
    const d = structuredClone(deploymentOf(renderings.default));
    const c = d['spec'].template.spec.containers[0];
    c.securityContext.readOnlyRootFileSystem = true;
    c.ports[0].containerPort = '8081';
    expect(checkManifest(d)).toEqual([
      'Deployment.spec.template.spec.containers[0].ports[0].containerPort: expected an integer, got "8081"',
      'Deployment.spec.template.spec.containers[0].securityContext: unknown field "readOnlyRootFileSystem"',
    ]);
    expect(checkManifest({ apiVersion: 'rbac.authorization.k8s.io/v1beta1', kind: 'Role' })).toEqual([
      'Role: no built-in resource serves kind Role at rbac.authorization.k8s.io/v1beta1',
    ]);
  });
});

// Debian's golang-go, golang-github-masterminds-sprig-dev and golang-k8s-sigs-yaml-dev, built in GOPATH mode.
const GOPATH = '/usr/share/gocode';
const goRenderer = ['github.com/Masterminds/sprig', 'sigs.k8s.io/yaml'].every((p) => existsSync(path.join(GOPATH, 'src', p)));
if (!goRenderer) {
  process.stderr.write(`[testkit] skipping the Go text/template rendering of the Helm chart: needs go and ${GOPATH}/src/{github.com/Masterminds/sprig,sigs.k8s.io/yaml} (apt-get install golang-go golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev)\n`);
}

function run(cmd: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env }, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${cmd} failed: ${stderr.trim() || err.message}`)) : resolve(stdout),
    );
  });
}

describe.skipIf(!goRenderer)('flotilla-agent chart, rendered by Go text/template and sprig', () => {
  let work: TempDir;
  let renderer: string;
  const render = async (release: string, namespace: string, values: string, ...extra: string[]): Promise<string> => {
    const file = path.join(work.path, `values-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, values);
    return run(renderer, [CHART, release, namespace, file, ...extra], {});
  };

  beforeAll(async () => {
    work = await tempDir();
    renderer = path.join(work.path, 'helm-render');
    await run('go', ['build', '-o', renderer, path.join(CHART, 'tests/render/main.go')], { GO111MODULE: 'off', GOPATH, GOCACHE: path.join(work.path, 'gocache'), HOME: work.path }).catch(
      (err: Error) => {
        throw new Error(`building tests/render/main.go: ${err.message}`);
      },
    );
  }, 120_000);
  afterAll(async () => {
    await work.cleanup();
  });

  it.each([
    ['default', 'flotilla-agent', 'flotilla-system'],
    ['cluster', 'agent', 'flotilla'],
    ['namespaced', 'edge', 'flotilla-edge'],
  ])('reproduces tests/expected-%s.yaml byte for byte', async (name, release, namespace) => {
    const out = await render(release, namespace, read(`tests/values-${name}.yaml`));
    expect(out).toBe(read(`tests/expected-${name}.yaml`));
  });

  it('prints NOTES without the bootstrap token', async () => {
    const notes = await render('flotilla-agent', 'flotilla-system', read('tests/values-default.yaml'), '--notes');
    expect(notes).toContain('The Flotilla agent for cluster "east"');
    expect(notes).not.toContain(renderings.default.values['bootstrap'].token);
  });

  const base = 'hub: {address: "h:443"}\ncluster: {name: c}\nbootstrap: {token: t}\n';
  it.each([
    ['hub.address is missing', 'cluster: {name: c}\nbootstrap: {token: t}\n', /hub\.address is required/],
    ['cluster.name is missing', 'hub: {address: "h:443"}\nbootstrap: {token: t}\n', /cluster\.name is required/],
    ['no bootstrap token or Secret is given', 'hub: {address: "h:443"}\ncluster: {name: c}\n', /bootstrap\.token \(or bootstrap\.existingSecret\) is required/],
    ['rbac.scope is unknown', `${base}rbac: {scope: global}\n`, /rbac\.scope: "global" is not one of namespaced, cluster/],
    ['"*" namespaces come with namespaced RBAC', `${base}allowedNamespaces: ["*"]\n`, /needs rbac\.scope=cluster/],
    ['a kind is unknown', `${base}allowedKinds: [Gizmo]\n`, /allowedKinds\[0\]: "Gizmo" is not a built-in kind/],
    ['a custom kind lacks its resource', `${base}allowedKinds: [{kind: X, group: x.io}]\n`, /allowedKinds\[0\]: a custom kind needs kind, group, resource and namespaced/],
    ['helm is enabled without an external kustomize', `${base}render: {enableHelm: true}\n`, /render\.enableHelm: needs render\.kustomizeCommand/],
  ])('refuses to render when %s', async (_what, values, message) => {
    await expect(render('flotilla-agent', 'flotilla-system', values)).rejects.toThrow(message);
  });

  it('grants every namespace through one ClusterRole for allowedNamespaces ["*"] with rbac.scope=cluster', async () => {
    const out = await render('flotilla-agent', 'flotilla-system', `${base}allowedNamespaces: ["*"]\nrbac: {scope: cluster}\nallowedKinds: [ConfigMap]\n`);
    const docs = parseAllDocuments(out).map((d) => d.toJS() as Obj);
    expect(docs.filter((d) => d['kind'] === 'Role').map((d) => d['metadata'].name)).toEqual(['flotilla-agent-state']);
    const [cr] = docs.filter((d) => d['kind'] === 'ClusterRole');
    expect(cr?.['rules']).toEqual([
      { apiGroups: [''], resources: ['configmaps'], verbs: APPLY_VERBS },
      { apiGroups: [''], resources: ['pods'], verbs: READ_VERBS },
      { apiGroups: ['apps'], resources: ['replicasets'], verbs: READ_VERBS },
    ]);
    for (const doc of docs) expect(checkManifest(doc)).toEqual([]);
  });
});
