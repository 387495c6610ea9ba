// Discovery documents: /api, /apis, /api/v1, /apis/{group}/{version} and the aggregated APIGroupDiscoveryList in
// apidiscovery.k8s.io/v2beta1, the version a v1.29 server serves (v2 came in 1.30; kubectl 1.32 accepts either).

import type { ResourceType, TypeRegistry } from '../types/index.js';
import { groupVersion } from '../types/index.js';
import { byVersionPriority } from '../types/versions.js';

const SUB_VERBS = ['get', 'patch', 'update'];
export const AGGREGATED_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

/** Whether the Accept header asks for aggregated discovery v2beta1 (a v2-only client falls back to the legacy documents). */
export function wantsAggregated(accept: string | undefined): boolean {
  return !!accept && /g=apidiscovery\.k8s\.io;\s*v=v2beta1;\s*as=APIGroupDiscoveryList/.test(accept);
}

interface GroupVersions {
  name: string;
  versions: string[];
}

/** Non-core groups with their served versions, most preferred first; groups in first-seen order like the real list. */
export function groups(types: TypeRegistry): GroupVersions[] {
  const map = new Map<string, Set<string>>();
  for (const t of types.all()) {
    if (t.group === '') continue;
    const set = map.get(t.group) ?? new Set<string>();
    for (const v of t.versions) set.add(v);
    map.set(t.group, set);
  }
  return [...map.entries()].map(([name, versions]) => ({ name, versions: [...versions].sort(byVersionPriority) }));
}

export function apiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function apiGroupList(types: TypeRegistry): object {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups(types).map(apiGroup) };
}

export function apiGroup(g: GroupVersions): object {
  const versions = g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v }));
  return { name: g.name, versions, preferredVersion: versions[0] };
}

export function findGroup(types: TypeRegistry, name: string): GroupVersions | undefined {
  return groups(types).find((g) => g.name === name);
}

function typesIn(types: TypeRegistry, group: string, version: string): ResourceType[] {
  return [...types.all()].filter((t) => t.group === group && t.versions.includes(version)).sort((a, b) => (a.resource < b.resource ? -1 : 1));
}

export function apiResourceList(types: TypeRegistry, group: string, version: string): object | undefined {
  const list = typesIn(types, group, version);
  if (!list.length) return undefined;
  const resources: object[] = [];
  for (const t of list) {
    const r: Record<string, unknown> = { name: t.resource, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: t.verbs };
    if (t.shortNames.length) r.shortNames = t.shortNames;
    if (t.categories.length) r.categories = t.categories;
    resources.push(r);
    if (t.scale) resources.push({ name: `${t.resource}/scale`, singularName: '', namespaced: t.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: SUB_VERBS });
    if (t.status) resources.push({ name: `${t.resource}/status`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: SUB_VERBS });
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion(group, version), resources };
}

function discoveryResource(t: ResourceType, version: string): object {
  const r: Record<string, unknown> = {
    resource: t.resource,
    responseKind: { group: t.group, version, kind: t.kind },
    scope: t.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: t.singular,
    verbs: t.verbs,
  };
  if (t.shortNames.length) r.shortNames = t.shortNames;
  if (t.categories.length) r.categories = t.categories;
  const subs: object[] = [];
  if (t.scale) subs.push({ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: SUB_VERBS });
  if (t.status) subs.push({ subresource: 'status', responseKind: { group: t.group, version, kind: t.kind }, verbs: SUB_VERBS });
  if (subs.length) r.subresources = subs;
  return r;
}

function discoveryGroup(types: TypeRegistry, name: string, versions: string[]): object {
  return {
    metadata: { name, creationTimestamp: null },
    versions: versions.map((v) => ({ version: v, resources: typesIn(types, name, v).map((t) => discoveryResource(t, v)), freshness: 'Current' })),
  };
}

/** The aggregated document for /api (core only) or /apis (every other group). */
export function aggregated(types: TypeRegistry, core: boolean): object {
  const items = core ? [discoveryGroup(types, '', ['v1'])] : groups(types).map((g) => discoveryGroup(types, g.name, g.versions));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2beta1', metadata: {}, items };
}
