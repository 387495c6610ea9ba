// The catalog of built-in resources: what discovery serves about each kind, read from the generated schema data.
import data from './gen/kubernetes.json' with { type: 'json' };
import type { GroupInfo, GroupVersionKind, ResourceInfo, SchemaObject } from './types.js';

interface GeneratedSchema {
  readonly kubernetesVersion: string;
  readonly groups: readonly { group: string; preferredVersion: string }[];
  readonly resources: readonly ResourceInfo[];
  readonly parameters: Readonly<Record<string, SchemaObject>>;
  readonly definitions: Readonly<Record<string, SchemaObject>>;
}

const generated = data as unknown as GeneratedSchema;

const byKind = new Map<string, ResourceInfo>();
const byResource = new Map<string, ResourceInfo>();
for (const r of generated.resources) {
  byKind.set(`${apiVersionOf(r)}|${r.kind}`, r);
  byResource.set(`${r.group}/${r.version}/${r.plural}`, r);
}

/** The Kubernetes version the built-in schema was taken from. */
export const KUBERNETES_SCHEMA_VERSION: string = generated.kubernetesVersion;

/** Every built-in resource we serve, in a stable order (core v1 first). */
export function builtinResources(): readonly ResourceInfo[] {
  return generated.resources;
}

/** The built-in API groups with their versions (preferred first), in the order /apis lists them; "" is the core group. */
export function builtinGroups(): readonly GroupInfo[] {
  return generated.groups.map(({ group, preferredVersion }) => {
    const others = new Set(generated.resources.filter((r) => r.group === group).map((r) => r.version));
    others.delete(preferredVersion);
    return { group, preferredVersion, versions: [preferredVersion, ...others] };
  });
}

/** The resource serving `kind` at `apiVersion` ("v1", "apps/v1"), or undefined when no built-in serves it. */
export function findByKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  return byKind.get(`${apiVersion}|${kind}`);
}

/** The resource served at `/apis/<group>/<version>/<plural>` (group "" for `/api/v1`), or undefined. */
export function findByResource(group: string, version: string, plural: string): ResourceInfo | undefined {
  return byResource.get(`${group}/${version}/${plural}`);
}

/** "apps/v1" for group apps, "v1" for the core group. */
export function apiVersionOf(gv: Pick<GroupVersionKind, 'group' | 'version'>): string {
  return gv.group === '' ? gv.version : `${gv.group}/${gv.version}`;
}

/** Splits "apps/v1" into its group and version; "v1" is the core group. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The built-in OpenAPI v2 definitions (trimmed to what the served kinds reach), keyed by definition name. */
export function builtinDefinitions(): Readonly<Record<string, SchemaObject>> {
  return generated.definitions;
}

/** Upstream descriptions of the query and path parameters, by name (without `name`, whose text names the kind). */
export function builtinParameters(): Readonly<Record<string, SchemaObject>> {
  return generated.parameters;
}
