// Generates src/gen/kubernetes.json, the schema knowledge this package serves, from a published Kubernetes OpenAPI v2
// document, trimmed to the kinds we serve and the definitions they reach.
//
// Source: the npm package @kubev2v/types@0.0.24 (a devDependency, so `npm ci` brings it), which ships the upstream
// kubernetes/kubernetes `api/openapi-spec/swagger.json` unchanged as src/generated/kubernetes/swagger.json. That copy is a
// Kubernetes v1.29 development snapshot (it has flowcontrol v1 and PVC volumeAttributesClassName, both new in 1.29, and
// no SecurityContext.appArmorProfile, new in 1.30). Everything the swagger document states (kinds, plurals, scope, verbs,
// subresources, field schemas with their x-kubernetes-* extensions) is read from it; what it cannot state (shortNames,
// categories, the scale subresource's paths, the discovery order of groups) comes from the commented tables below.
//
// Regenerate: `npm run generate -w @flotilla/kube-schema` (then run the package's tests). CI never runs this: the output is
// committed and is never edited by hand.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE_PACKAGE = '@kubev2v/types';
const SOURCE_FILE = 'src/generated/kubernetes/swagger.json';
const KUBERNETES_VERSION = 'v1.29 (upstream api/openapi-spec/swagger.json, development snapshot)';

interface Served {
  group: string;
  version: string;
  plural: string;
  /** kubectl's short names; discovery serves them, swagger does not carry them. */
  shortNames?: string[];
  /** Discovery categories ("all" is what `kubectl get all` lists); not in swagger. */
  categories?: string[];
}

// The resources we serve. shortNames and categories are those a v1.29 kube-apiserver reports in discovery
// (`kubectl api-resources -o wide`).
const SERVED: Served[] = [
  { group: '', version: 'v1', plural: 'namespaces', shortNames: ['ns'] },
  { group: '', version: 'v1', plural: 'configmaps', shortNames: ['cm'] },
  { group: '', version: 'v1', plural: 'secrets' },
  { group: '', version: 'v1', plural: 'services', shortNames: ['svc'], categories: ['all'] },
  { group: '', version: 'v1', plural: 'serviceaccounts', shortNames: ['sa'] },
  { group: '', version: 'v1', plural: 'pods', shortNames: ['po'], categories: ['all'] },
  { group: '', version: 'v1', plural: 'endpoints', shortNames: ['ep'] },
  { group: '', version: 'v1', plural: 'events', shortNames: ['ev'] },
  { group: '', version: 'v1', plural: 'persistentvolumes', shortNames: ['pv'] },
  { group: '', version: 'v1', plural: 'persistentvolumeclaims', shortNames: ['pvc'] },
  { group: '', version: 'v1', plural: 'nodes', shortNames: ['no'] },
  { group: '', version: 'v1', plural: 'replicationcontrollers', shortNames: ['rc'], categories: ['all'] },
  { group: '', version: 'v1', plural: 'limitranges', shortNames: ['limits'] },
  { group: '', version: 'v1', plural: 'resourcequotas', shortNames: ['quota'] },
  { group: '', version: 'v1', plural: 'podtemplates' },
  { group: 'apps', version: 'v1', plural: 'deployments', shortNames: ['deploy'], categories: ['all'] },
  { group: 'apps', version: 'v1', plural: 'replicasets', shortNames: ['rs'], categories: ['all'] },
  { group: 'apps', version: 'v1', plural: 'statefulsets', shortNames: ['sts'], categories: ['all'] },
  { group: 'apps', version: 'v1', plural: 'daemonsets', shortNames: ['ds'], categories: ['all'] },
  { group: 'apps', version: 'v1', plural: 'controllerrevisions' },
  { group: 'batch', version: 'v1', plural: 'jobs', categories: ['all'] },
  { group: 'batch', version: 'v1', plural: 'cronjobs', shortNames: ['cj'], categories: ['all'] },
  { group: 'networking.k8s.io', version: 'v1', plural: 'ingresses', shortNames: ['ing'] },
  { group: 'networking.k8s.io', version: 'v1', plural: 'ingressclasses' },
  { group: 'networking.k8s.io', version: 'v1', plural: 'networkpolicies', shortNames: ['netpol'] },
  { group: 'autoscaling', version: 'v2', plural: 'horizontalpodautoscalers', shortNames: ['hpa'], categories: ['all'] },
  { group: 'autoscaling', version: 'v1', plural: 'horizontalpodautoscalers', shortNames: ['hpa'], categories: ['all'] },
  { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'roles' },
  { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'rolebindings' },
  { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterroles' },
  { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterrolebindings' },
  { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', shortNames: ['crd', 'crds'], categories: ['api-extensions'] },
  { group: 'policy', version: 'v1', plural: 'poddisruptionbudgets', shortNames: ['pdb'] },
  { group: 'storage.k8s.io', version: 'v1', plural: 'storageclasses', shortNames: ['sc'] },
  { group: 'coordination.k8s.io', version: 'v1', plural: 'leases' },
  { group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices' },
  { group: 'scheduling.k8s.io', version: 'v1', plural: 'priorityclasses', shortNames: ['pc'] },
  // Create-only reviews: `kubectl auth can-i` posts them; they are never stored, so they have no List kind.
  { group: 'authorization.k8s.io', version: 'v1', plural: 'selfsubjectaccessreviews' },
  { group: 'authorization.k8s.io', version: 'v1', plural: 'selfsubjectrulesreviews' },
];

// Where the built-in scale subresource reads and writes replicas (the CRD `scale` subresource fields, stated for the
// built-in kinds that have one). For built-in kinds the selector is the object's own selector field (a LabelSelector, or
// a plain map for ReplicationController) that the server renders as a selector string in Scale.status.selector:
// kubernetes pkg/registry/apps/deployment/storage/storage.go scaleFromDeployment reads deployment.Spec.Selector (and the
// ReplicaSet, StatefulSet and ReplicationController registries do the same); no built-in kind has a .status.selector.
const SCALE_PATHS: Record<string, { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath: string }> = {
  'apps/v1/deployments': { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' },
  'apps/v1/replicasets': { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' },
  'apps/v1/statefulsets': { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' },
  '/v1/replicationcontrollers': { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' },
};

// Group order and preferred versions as kube-apiserver's group priority table reports them at /apis (the swagger
// document has no order). The legacy core group ("") comes first, served at /api.
const GROUP_ORDER: { group: string; preferredVersion: string }[] = [
  { group: '', preferredVersion: 'v1' },
  { group: 'apps', preferredVersion: 'v1' },
  { group: 'authorization.k8s.io', preferredVersion: 'v1' },
  { group: 'autoscaling', preferredVersion: 'v2' },
  { group: 'batch', preferredVersion: 'v1' },
  { group: 'networking.k8s.io', preferredVersion: 'v1' },
  { group: 'policy', preferredVersion: 'v1' },
  { group: 'rbac.authorization.k8s.io', preferredVersion: 'v1' },
  { group: 'storage.k8s.io', preferredVersion: 'v1' },
  { group: 'apiextensions.k8s.io', preferredVersion: 'v1' },
  { group: 'scheduling.k8s.io', preferredVersion: 'v1' },
  { group: 'coordination.k8s.io', preferredVersion: 'v1' },
  { group: 'discovery.k8s.io', preferredVersion: 'v1' },
];

// Definitions every served group-version needs beyond its kinds (request and response bodies of every API server).
const META_DEFINITIONS = [
  'io.k8s.apimachinery.pkg.apis.meta.v1.Status',
  'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions',
  'io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent',
  'io.k8s.apimachinery.pkg.apis.meta.v1.Patch',
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList',
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIGroupList',
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIGroup',
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIVersions',
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Gvk { group: string; version: string; kind: string }
interface Operation { 'x-kubernetes-action'?: string; 'x-kubernetes-group-version-kind'?: Gvk }
interface Parameter { name: string; in: string; $ref?: string; [key: string]: Json | undefined }
interface Swagger {
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation & { parameters?: Parameter[] }>>;
  parameters: Record<string, Parameter>;
  definitions: Record<string, { 'x-kubernetes-group-version-kind'?: Gvk[] } & Record<string, Json>>;
}

interface PathFacts {
  kind?: Gvk;
  namespaced: boolean;
  verbs: Set<string>;
  subresources: Map<string, { kind?: Gvk; verbs: Set<string> }>;
}

const ACTION_VERBS: Record<string, string> = {
  get: 'get', list: 'list', watch: 'watch', watchlist: 'watch', post: 'create', put: 'update', patch: 'patch',
  delete: 'delete', deletecollection: 'deletecollection',
};
const CONNECT_VERBS: Record<string, string> = { get: 'get', post: 'create', put: 'update', patch: 'patch', delete: 'delete' };

/** The generated file's path and content, from the installed source package. */
export function generate(): { target: string; text: string; summary: string } {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve(`${SOURCE_PACKAGE}/package.json`));
  const packageVersion = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
  const swagger = JSON.parse(readFileSync(join(packageDir, SOURCE_FILE), 'utf8')) as Swagger;
  const facts = collectPathFacts(swagger);
  const resources = SERVED.map((served) => resourceEntry(served, facts, swagger));
  const definitions = reachableDefinitions(swagger, rootDefinitions(resources, swagger));
  const parameters = queryAndPathParameters(swagger);
  const out = {
    $comment:
      `GENERATED by libs/kube-schema/scripts/generate.ts from ${SOURCE_PACKAGE}@${packageVersion} ${SOURCE_FILE} ` +
      `(Kubernetes ${KUBERNETES_VERSION}). Do not edit: run \`npm run generate -w @flotilla/kube-schema\`.`,
    kubernetesVersion: KUBERNETES_VERSION,
    groups: GROUP_ORDER,
    resources,
    parameters,
    definitions,
  };
  const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'gen', 'kubernetes.json');
  return { target, text: format(out), summary: `${resources.length} resources, ${Object.keys(definitions).length} definitions` };
}

function main(): void {
  const { target, text, summary } = generate();
  writeFileSync(target, text);
  console.log(`wrote ${target}: ${summary}`);
}

function collectPathFacts(swagger: Swagger): Map<string, PathFacts> {
  const facts = new Map<string, PathFacts>();
  for (const [path, item] of Object.entries(swagger.paths)) {
    const parsed = parsePath(path);
    if (!parsed) continue;
    const key = `${parsed.group}/${parsed.version}/${parsed.plural}`;
    let entry = facts.get(key);
    if (!entry) {
      entry = { namespaced: false, verbs: new Set(), subresources: new Map() };
      facts.set(key, entry);
    }
    if (parsed.namespaced) entry.namespaced = true;
    for (const [method, op] of Object.entries(item)) {
      const action = op['x-kubernetes-action'];
      if (!action) continue;
      const verb = action === 'connect' ? CONNECT_VERBS[method] : ACTION_VERBS[action];
      if (!verb) continue;
      const gvk = op['x-kubernetes-group-version-kind'];
      if (parsed.subresource) {
        let sub = entry.subresources.get(parsed.subresource);
        if (!sub) {
          sub = { verbs: new Set() };
          entry.subresources.set(parsed.subresource, sub);
        }
        sub.verbs.add(verb);
        if (gvk && !sub.kind) sub.kind = gvk;
      } else {
        entry.verbs.add(verb);
        if (gvk && !entry.kind) entry.kind = gvk;
      }
    }
  }
  return facts;
}

/** Splits `/api/v1/namespaces/{namespace}/pods/{name}/log` into its resource coordinates. */
function parsePath(path: string):
  | { group: string; version: string; plural: string; namespaced: boolean; subresource?: string }
  | undefined {
  const segments = path.split('/').filter((s) => s !== '');
  let group: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 3) {
    group = '';
    rest = segments.slice(1);
  } else if (segments[0] === 'apis' && segments.length >= 4) {
    group = segments[1] ?? '';
    rest = segments.slice(2);
  } else {
    return undefined;
  }
  const version = rest[0] ?? '';
  rest = rest.slice(1);
  if (rest[0] === 'watch') rest = rest.slice(1);
  let namespaced = false;
  if (rest[0] === 'namespaces' && rest[1] === '{namespace}' && rest.length >= 3) {
    namespaced = true;
    rest = rest.slice(2);
  }
  const plural = rest[0];
  if (!plural) return undefined;
  const subresource = rest[1] === '{name}' ? rest[2] : undefined;
  return subresource ? { group, version, plural, namespaced, subresource } : { group, version, plural, namespaced };
}

function resourceEntry(served: Served, facts: Map<string, PathFacts>, swagger: Swagger): Json {
  const key = `${served.group}/${served.version}/${served.plural}`;
  const entry = facts.get(key);
  if (!entry?.kind) throw new Error(`${key}: not found in the source swagger document`);
  const kind = entry.kind.kind;
  const definition = definitionFor(swagger, served.group, served.version, kind);
  const subresources = [...entry.subresources.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, sub]) => {
      const subKind = sub.kind ?? entry.kind!;
      const scale = name === 'scale' ? SCALE_PATHS[key] : undefined;
      if (name === 'scale' && !scale) throw new Error(`${key}: scale subresource without a SCALE_PATHS entry`);
      return {
        name,
        group: subKind.group,
        version: subKind.version,
        kind: subKind.kind,
        verbs: [...sub.verbs].sort(),
        ...(scale ? { scale } : {}),
      };
    });
  return {
    group: served.group,
    version: served.version,
    kind,
    plural: served.plural,
    // Built-in kinds report the lower-cased kind as singularName (kube-apiserver since v1.27).
    singular: kind.toLowerCase(),
    namespaced: entry.namespaced,
    shortNames: served.shortNames ?? [],
    verbs: [...entry.verbs].sort(),
    categories: served.categories ?? [],
    subresources,
    definition,
  };
}

/**
 * The query and path parameters of the served resources' operations, by name, with their upstream descriptions, so the
 * OpenAPI documents we build describe them as kube-apiserver does. Bodies and `name` (whose text names the kind) are
 * built per operation.
 */
function queryAndPathParameters(swagger: Swagger): Record<string, Json> {
  const served = new Set(SERVED.map((s) => `${s.group}/${s.version}/${s.plural}`));
  const out: Record<string, Json> = {};
  for (const [path, item] of Object.entries(swagger.paths)) {
    const parsed = parsePath(path);
    if (!parsed || !served.has(`${parsed.group}/${parsed.version}/${parsed.plural}`)) continue;
    const pathLevel = (item as unknown as { parameters?: Parameter[] }).parameters ?? [];
    const lists: Parameter[][] = [pathLevel, ...Object.values(item).map((op) => (Array.isArray(op) ? [] : (op.parameters ?? [])))];
    for (const list of lists) {
      for (const raw of list) {
        const param = raw.$ref ? swagger.parameters[raw.$ref.replace('#/parameters/', '')] : raw;
        if (!param || param.in === 'body' || param.name === 'name' || out[param.name]) continue;
        const { name: _name, ...rest } = param;
        out[param.name] = rest as Json;
      }
    }
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

function definitionFor(swagger: Swagger, group: string, version: string, kind: string): string {
  for (const [name, schema] of Object.entries(swagger.definitions)) {
    const gvks = schema['x-kubernetes-group-version-kind'] ?? [];
    if (gvks.some((g) => g.group === group && g.version === version && g.kind === kind)) return name;
  }
  throw new Error(`${group}/${version} ${kind}: no definition in the source swagger document`);
}

function hasDefinition(swagger: Swagger, gvk: Gvk): boolean {
  return Object.values(swagger.definitions).some((schema) =>
    (schema['x-kubernetes-group-version-kind'] ?? []).some(
      (g) => g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind,
    ),
  );
}

function rootDefinitions(resources: Json[], swagger: Swagger): string[] {
  const roots = new Set<string>(META_DEFINITIONS);
  for (const r of resources as unknown as { group: string; version: string; kind: string; definition: string; subresources: Gvk[] }[]) {
    roots.add(r.definition);
    // Create-only kinds (SelfSubjectAccessReview) are never listed, so they have no List definition.
    const list = { group: r.group, version: r.version, kind: `${r.kind}List` };
    if (hasDefinition(swagger, list)) roots.add(definitionFor(swagger, list.group, list.version, list.kind));
    // Connect subresources (exec, proxy, ...) name option kinds that have no definition; the rest do (Scale, Eviction).
    for (const sub of r.subresources) {
      if (sub.kind !== r.kind && hasDefinition(swagger, sub)) roots.add(definitionFor(swagger, sub.group, sub.version, sub.kind));
    }
  }
  return [...roots];
}

function reachableDefinitions(swagger: Swagger, roots: string[]): Record<string, Json> {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    const schema = swagger.definitions[name];
    if (!schema) throw new Error(`definition ${name} is referenced but missing from the source`);
    seen.add(name);
    for (const ref of refsIn(schema)) queue.push(ref);
  }
  const out: Record<string, Json> = {};
  for (const name of [...seen].sort()) out[name] = swagger.definitions[name] as Json;
  return out;
}

function refsIn(value: unknown, acc: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsIn(v, acc);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') acc.push(v.replace('#/definitions/', ''));
      else refsIn(v, acc);
    }
  }
  return acc;
}

/** One resource and one definition per line: compact, yet a regeneration diff shows what changed. */
function format(out: { resources: Json[]; definitions: Record<string, Json> } & Record<string, unknown>): string {
  const lines: string[] = ['{'];
  const keys = Object.keys(out);
  keys.forEach((key, i) => {
    const comma = i < keys.length - 1 ? ',' : '';
    if (key === 'resources' || key === 'groups' || key === 'parameters') {
      if (key === 'parameters') {
        const params = out[key] as Record<string, Json>;
        const names = Object.keys(params);
        lines.push(`  ${JSON.stringify(key)}: {`);
        names.forEach((n, j) => lines.push(`    ${JSON.stringify(n)}: ${JSON.stringify(params[n])}${j < names.length - 1 ? ',' : ''}`));
        lines.push(`  }${comma}`);
        return;
      }
      const items = out[key] as Json[];
      lines.push(`  ${JSON.stringify(key)}: [`);
      items.forEach((r, j) => lines.push(`    ${JSON.stringify(r)}${j < items.length - 1 ? ',' : ''}`));
      lines.push(`  ]${comma}`);
    } else if (key === 'definitions') {
      const names = Object.keys(out.definitions);
      lines.push('  "definitions": {');
      names.forEach((n, j) =>
        lines.push(`    ${JSON.stringify(n)}: ${JSON.stringify(out.definitions[n])}${j < names.length - 1 ? ',' : ''}`),
      );
      lines.push(`  }${comma}`);
    } else {
      lines.push(`  ${JSON.stringify(key)}: ${JSON.stringify(out[key])}${comma}`);
    }
  });
  lines.push('}');
  return lines.join('\n') + '\n';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
