// Per-cluster desired state: which applications a cluster runs (selector match) at which commit (its latest promotion),
// and the generation that grows whenever that content changes and never on a no-op.
import { createHash } from 'node:crypto';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { AppTargetSchema, DesiredStateSchema, RenderParametersSchema, create } from '@flotilla/proto';
import type { DesiredState } from '@flotilla/proto';
import { matchesLabels, parseLabelSelector } from '@flotilla/kube-schema';
import { FlotillaError } from '../errors/index.js';
import { appReleases, applications, clusterAppStatuses, clusterApps, clusterStates, clusters } from '../store/index.js';
import type { Database, Transaction } from '../store/index.js';
import type { RenderEngineName } from './applications.js';
import { renderEngineMessage } from './messages.js';

export type Executor = Database | Transaction;

/** One application as a cluster must run it. */
export interface DesiredApp {
  app: string;
  repoUrl: string;
  path: string;
  commit: string;
  stage: string;
  defaultNamespace: string;
  renderEngine: RenderEngineName;
}

export interface DesiredStateView {
  clusterId: string;
  clusterName: string;
  labels: Record<string, string>;
  generation: number;
  apps: DesiredApp[];
}

function contentHash(name: string, labels: Record<string, string>, apps: DesiredApp[]): string {
  const sortedLabels = Object.fromEntries(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
  return createHash('sha256').update(JSON.stringify({ name, labels: sortedLabels, apps })).digest('hex');
}

async function loadDesiredApps(ex: Executor, clusterIds: string[]): Promise<Map<string, DesiredApp[]>> {
  const byCluster = new Map<string, DesiredApp[]>(clusterIds.map((id) => [id, []]));
  if (clusterIds.length === 0) return byCluster;
  const rows = await ex
    .select({
      clusterId: clusterApps.clusterId,
      app: clusterApps.app,
      commit: clusterApps.commit,
      stage: clusterApps.stage,
      repoUrl: applications.repoUrl,
      path: applications.path,
      defaultNamespace: applications.defaultNamespace,
      renderEngine: applications.renderEngine,
    })
    .from(clusterApps)
    .innerJoin(applications, eq(applications.name, clusterApps.app))
    .where(inArray(clusterApps.clusterId, clusterIds))
    .orderBy(clusterApps.clusterId, clusterApps.app);
  for (const { clusterId, ...app } of rows) byCluster.get(clusterId)?.push(app);
  return byCluster;
}

/**
 * Brings cluster_apps in line with the applications' selectors (adding an application a cluster now matches at the
 * application's current commit, removing one it no longer matches; pinned commits stay), then bumps the generation of
 * every cluster whose desired content changed. Returns the ids of those clusters, to notify once the caller commits.
 */
export async function reconcileDesiredState(tx: Transaction, now: Date, clusterIds?: string[]): Promise<string[]> {
  // Locking the clusters' state rows first (in id order, so concurrent writers cannot deadlock) makes concurrent
  // changes queue here; each then recomputes from what the previous one committed, so no generation is handed out twice.
  const live = await tx
    .select({ id: clusters.id, name: clusters.name, labels: clusters.labels, generation: clusterStates.generation, hash: clusterStates.desiredHash })
    .from(clusters)
    .innerJoin(clusterStates, eq(clusterStates.clusterId, clusters.id))
    .where(clusterIds ? and(isNull(clusters.revokedAt), inArray(clusters.id, clusterIds)) : isNull(clusters.revokedAt))
    .orderBy(clusters.id)
    .for('update', { of: clusterStates });
  if (live.length === 0) return [];
  const apps = await tx
    .select({ name: applications.name, selector: applications.clusterSelector, commit: appReleases.commit, stage: appReleases.stage, promotionId: appReleases.promotionId })
    .from(applications)
    .innerJoin(appReleases, eq(appReleases.app, applications.name));
  const selectors = new Map(apps.map((a) => [a.name, parseLabelSelector(a.selector)]));
  const ids = live.map((c) => c.id);
  const existing = await tx.select({ clusterId: clusterApps.clusterId, app: clusterApps.app }).from(clusterApps).where(inArray(clusterApps.clusterId, ids));
  const held = new Set(existing.map((r) => `${r.clusterId}\u0000${r.app}`));

  for (const cluster of live) {
    const wanted = new Set<string>();
    for (const app of apps) {
      const parsed = selectors.get(app.name);
      // A selector is validated when stored; one that no longer parses selects nothing rather than everything.
      if (parsed?.ok && matchesLabels(parsed.selector, cluster.labels)) wanted.add(app.name);
    }
    const toAdd = apps.filter((a) => wanted.has(a.name) && !held.has(`${cluster.id}\u0000${a.name}`));
    if (toAdd.length > 0) {
      await tx.insert(clusterApps).values(
        toAdd.map((a) => ({ clusterId: cluster.id, app: a.name, commit: a.commit, stage: a.stage, promotionId: a.promotionId, updatedAt: now })),
      ).onConflictDoNothing();
    }
    const toRemove = existing.filter((r) => r.clusterId === cluster.id && !wanted.has(r.app)).map((r) => r.app);
    if (toRemove.length > 0) {
      await tx.delete(clusterApps).where(and(eq(clusterApps.clusterId, cluster.id), inArray(clusterApps.app, toRemove)));
      // The agent prunes the application; its last status would only mislead readers of the cluster.
      await tx.delete(clusterAppStatuses).where(and(eq(clusterAppStatuses.clusterId, cluster.id), inArray(clusterAppStatuses.app, toRemove)));
    }
  }

  const desired = await loadDesiredApps(tx, ids);
  const changed: string[] = [];
  for (const cluster of live) {
    const hash = contentHash(cluster.name, cluster.labels, desired.get(cluster.id) ?? []);
    if (hash === cluster.hash) continue;
    await tx
      .update(clusterStates)
      .set({ generation: sql`${clusterStates.generation} + 1`, desiredHash: hash })
      .where(eq(clusterStates.clusterId, cluster.id));
    changed.push(cluster.id);
  }
  return changed;
}

/** The complete desired state of a cluster, read consistently (generation and apps from one transaction). */
export async function loadDesiredState(db: Database, clusterId: string): Promise<DesiredStateView> {
  const view = (await loadDesiredStates(db, [clusterId])).get(clusterId);
  if (!view) throw new FlotillaError('NotFound', `cluster ${clusterId} not found`);
  return view;
}

/**
 * The desired states of many clusters in one transaction of two queries (a fan-out to thousands of streams reads
 * them together, not one transaction per stream); clusters not found are absent from the map.
 */
export async function loadDesiredStates(db: Database, clusterIds: string[]): Promise<Map<string, DesiredStateView>> {
  const views = new Map<string, DesiredStateView>();
  if (clusterIds.length === 0) return views;
  return db.transaction(async (tx) => {
    const found = await tx
      .select({ id: clusters.id, name: clusters.name, labels: clusters.labels, generation: clusterStates.generation })
      .from(clusters)
      .innerJoin(clusterStates, eq(clusterStates.clusterId, clusters.id))
      .where(inArray(clusters.id, clusterIds));
    const apps = await loadDesiredApps(tx, found.map((c) => c.id));
    for (const c of found) views.set(c.id, { clusterId: c.id, clusterName: c.name, labels: c.labels, generation: c.generation, apps: apps.get(c.id) ?? [] });
    return views;
  });
}

export function desiredStateMessage(view: DesiredStateView): DesiredState {
  return create(DesiredStateSchema, {
    generation: BigInt(view.generation),
    clusterId: view.clusterId,
    apps: view.apps.map((app) =>
      create(AppTargetSchema, {
        app: app.app,
        repoUrl: app.repoUrl,
        path: app.path,
        commit: app.commit,
        defaultNamespace: app.defaultNamespace,
        renderEngine: renderEngineMessage(app.renderEngine),
        parameters: create(RenderParametersSchema, { clusterName: view.clusterName, clusterLabels: view.labels, stage: app.stage }),
      }),
    ),
  });
}

/** Live clusters whose labels `selectorText` selects, by name. */
export async function liveClustersSelectedBy(tx: Transaction, selectorText: string): Promise<{ id: string; name: string }[]> {
  const parsed = parseLabelSelector(selectorText);
  if (!parsed.ok) return [];
  const live = await tx.select({ id: clusters.id, name: clusters.name, labels: clusters.labels }).from(clusters).where(isNull(clusters.revokedAt)).orderBy(clusters.name);
  return live.filter((c) => matchesLabels(parsed.selector, c.labels)).map(({ id, name }) => ({ id, name }));
}

export interface PinnedCommit {
  app: string;
  commit: string;
  stage: string;
  promotionId: string;
}

/**
 * Pins `commit` of an application in these clusters' desired state and bumps the generations that changed. Returns the
 * generation now carrying the commit per cluster, and the clusters to notify once the caller commits.
 */
export async function pinCommit(tx: Transaction, pin: PinnedCommit, clusterIds: string[], now: Date): Promise<{ generations: Map<string, number>; changed: string[] }> {
  if (clusterIds.length === 0) return { generations: new Map(), changed: [] };
  await tx
    .insert(clusterApps)
    .values(clusterIds.map((clusterId) => ({ clusterId, ...pin, updatedAt: now })))
    .onConflictDoUpdate({
      target: [clusterApps.clusterId, clusterApps.app],
      set: { commit: pin.commit, stage: pin.stage, promotionId: pin.promotionId, updatedAt: now },
    });
  const changed = await reconcileDesiredState(tx, now, clusterIds);
  const rows = await tx
    .select({ clusterId: clusterStates.clusterId, generation: clusterStates.generation })
    .from(clusterStates)
    .where(inArray(clusterStates.clusterId, clusterIds));
  return { generations: new Map(rows.map((r) => [r.clusterId, r.generation])), changed };
}
