// Rebuilds an application's inventory from the cluster when its record is lost: every object that carries the
// application's (and this hub's) ownership label, across every kind the API server lists and the guard allows.
import type { Guard } from '../config/index.js';
import { errorMessage } from '../errors.js';
import type { KubeClient, KubeObject, ObjectRef } from './client.js';
import { appLabel, guardRefusal, ownedBy } from './objects.js';

interface DiscoveredKind {
  apiVersion: string;
  kind: string;
  resource: string;
  namespaced: boolean;
}

async function listableKinds(client: KubeClient): Promise<DiscoveredKind[]> {
  const groups = (await client.request('GET', '/apis')) as { groups?: Array<{ preferredVersion?: { groupVersion?: string } }> };
  const versions = ['v1', ...(groups.groups ?? []).flatMap((g) => (g.preferredVersion?.groupVersion ? [g.preferredVersion.groupVersion] : []))];
  const kinds: DiscoveredKind[] = [];
  for (const apiVersion of versions) {
    const list = (await client.request('GET', apiVersion === 'v1' ? '/api/v1' : `/apis/${apiVersion}`)) as { resources?: Array<{ name: string; kind: string; namespaced: boolean; verbs?: string[] }> };
    for (const r of list.resources ?? []) {
      if (r.name.includes('/') || !(r.verbs ?? []).includes('list')) continue;
      kinds.push({ apiVersion, kind: r.kind, resource: r.name, namespaced: r.namespaced });
    }
  }
  return kinds;
}

/** Objects of `app` (and this hub, when given) in the cluster; kinds the agent may not list are skipped and named in `skipped`. */
export async function rebuildInventory(client: KubeClient, app: string, guard: Guard, hub?: string): Promise<{ refs: ObjectRef[]; skipped: string[] }> {
  const refs: ObjectRef[] = [];
  const skipped: string[] = [];
  // By application only: objects applied before the hub label existed are this hub's too (ownedBy filters the rest).
  const selector = `${appLabel}=${app}`;
  for (const kind of await listableKinds(client)) {
    if (guardRefusal(guard, { apiVersion: kind.apiVersion, kind: kind.kind, name: '' }) !== undefined && guard.kinds !== '*') continue;
    const base = kind.apiVersion === 'v1' ? '/api/v1' : `/apis/${kind.apiVersion}`;
    const paths = kind.namespaced && guard.namespaces !== '*' ? [...guard.namespaces].map((ns) => `${base}/namespaces/${encodeURIComponent(ns)}/${kind.resource}`) : [`${base}/${kind.resource}`];
    for (const path of paths) {
      try {
        const list = (await client.request('GET', path, { query: { labelSelector: selector } })) as { items?: KubeObject[] };
        for (const item of list.items ?? []) {
          if (!ownedBy(item.metadata.labels, app, hub)) continue;
          const ref: ObjectRef = { apiVersion: kind.apiVersion, kind: kind.kind, name: item.metadata.name };
          if (kind.namespaced) ref.namespace = item.metadata.namespace;
          refs.push(ref);
        }
      } catch (error) {
        skipped.push(`${kind.kind} (${path}): ${errorMessage(error)}`);
      }
    }
  }
  return { refs, skipped };
}
