// Per-cluster desired state: which applications a cluster runs (selector match) at which commit (its latest promotion),
// and the generation that grows whenever that content changes and never on a no-op.
import { createHash } from 'node:crypto';
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { AppTargetSchema, DesiredStateSchema, RenderParametersSchema, create } from '@flotilla/proto';
import type { DesiredState } from '@flotilla/proto';
import { FlotillaError } from '../errors/index.js';
import { appRevisions, applications, clusterAppStatuses, clusterApps, clusterStates, clusters, promotionEvents, stageReleases } from '../store/index.js';
import { defaultPipeline, placeCluster } from '../rollout/pipeline/spec.js';
import type { PipelineSpec } from '../rollout/pipeline/spec.js';
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
  // What a cluster renders comes from the revision its pin was made with: editing an application moves no cluster.
  const rows = await ex
    .select({
      clusterId: clusterApps.clusterId,
      app: clusterApps.app,
      commit: clusterApps.commit,
      stage: clusterApps.stage,
      repoUrl: appRevisions.repoUrl,
      path: appRevisions.path,
      defaultNamespace: appRevisions.defaultNamespace,
      renderEngine: appRevisions.renderEngine,
    })
    .from(clusterApps)
    .innerJoin(appRevisions, and(eq(appRevisions.app, clusterApps.app), eq(appRevisions.revision, clusterApps.revision)))
    .where(inArray(clusterApps.clusterId, clusterIds))
    .orderBy(clusterApps.clusterId, clusterApps.app);
  for (const { clusterId, ...app } of rows) byCluster.get(clusterId)?.push(app);
  return byCluster;
}

/** The pipeline an application runs now: its stages, or one implicit stage from its clusterSelector. */
export function pipelineOf(app: { pipeline: unknown; clusterSelector: string }): PipelineSpec {
  return app.pipeline ? (app.pipeline as PipelineSpec) : defaultPipeline(app.clusterSelector);
}

/** The latest release of every stage of these applications (what joining clusters start at). */
export async function latestReleases(ex: Executor, apps?: string[]): Promise<Map<string, { commit: string; revision: number; promotionId: string | null }>> {
  const rows = await ex
    .selectDistinctOn([stageReleases.app, stageReleases.stage], { app: stageReleases.app, stage: stageReleases.stage, commit: stageReleases.commit, revision: stageReleases.revision, promotionId: stageReleases.promotionId })
    .from(stageReleases)
    .where(apps ? inArray(stageReleases.app, apps) : undefined)
    .orderBy(stageReleases.app, stageReleases.stage, desc(stageReleases.seq));
  return new Map(rows.map((r) => [`${r.app}\u0000${r.stage}`, { commit: r.commit, revision: r.revision, promotionId: r.promotionId }]));
}

/** Appends an application's own event (not tied to one promotion). */
export async function appendAppEvent(tx: Transaction, event: { app: string; type: string; reason: string; stage?: string; cluster?: string }, now: Date): Promise<void> {
  await tx.insert(promotionEvents).values({ promotionId: null, app: event.app, stage: event.stage ?? '', cluster: event.cluster ?? '', at: now, type: event.type, reason: event.reason });
}

/**
 * Brings cluster_apps in line with where each cluster sits in each application's pipeline, without ever moving a
 * cluster to an unverified commit: a cluster that joins a stage (registers, gains labels, the stage widens) gets that
 * stage's last succeeded commit, or nothing until one succeeds; a cluster already pinned keeps its pin; one that no
 * longer sits in any stage loses the application (its agent prunes it). Each change is an event. Then bumps the
 * generation of every cluster whose desired content changed and returns them, to notify once the caller commits.
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
  const apps = await tx.select({ name: applications.name, selector: applications.clusterSelector, pipeline: applications.pipeline }).from(applications);
  const releases = await latestReleases(tx);
  const ids = live.map((c) => c.id);
  const existing = await tx.select({ clusterId: clusterApps.clusterId, app: clusterApps.app, stage: clusterApps.stage }).from(clusterApps).where(inArray(clusterApps.clusterId, ids));
  const held = new Map(existing.map((r) => [`${r.clusterId}\u0000${r.app}`, r]));

  for (const cluster of live) {
    for (const app of apps) {
      const placed = placeCluster(pipelineOf({ pipeline: app.pipeline, clusterSelector: app.selector }), cluster.labels);
      const pinned = held.get(`${cluster.id}\u0000${app.name}`);
      if (placed && !pinned) {
        const release = releases.get(`${app.name}\u0000${placed.stage.name}`);
        if (!release) continue;
        await tx
          .insert(clusterApps)
          .values({ clusterId: cluster.id, app: app.name, commit: release.commit, revision: release.revision, stage: placed.stage.name, promotionId: release.promotionId, updatedAt: now })
          .onConflictDoNothing();
        await appendAppEvent(tx, { app: app.name, stage: placed.stage.name, cluster: cluster.name, type: 'ClusterJoined', reason: `${cluster.name} joined stage ${placed.stage.name}: it gets the stage's last succeeded commit ${release.commit.slice(0, 7)}` }, now);
      } else if (!placed && pinned) {
        await tx.delete(clusterApps).where(and(eq(clusterApps.clusterId, cluster.id), eq(clusterApps.app, app.name)));
        // The agent prunes the application; its last status would only mislead readers of the cluster.
        await tx.delete(clusterAppStatuses).where(and(eq(clusterAppStatuses.clusterId, cluster.id), eq(clusterAppStatuses.app, app.name)));
        await appendAppEvent(tx, { app: app.name, stage: pinned.stage, cluster: cluster.name, type: 'ClusterLeft', reason: `${cluster.name} is in no stage of ${app.name} any more: the application is removed from it` }, now);
      }
    }
  }
  return bumpGenerations(tx, live);
}

async function bumpGenerations(tx: Transaction, live: { id: string; name: string; labels: Record<string, string>; hash: string }[]): Promise<string[]> {
  const desired = await loadDesiredApps(tx, live.map((c) => c.id));
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
  return db.transaction(async (tx) => {
    const [cluster] = await tx
      .select({ id: clusters.id, name: clusters.name, labels: clusters.labels, generation: clusterStates.generation })
      .from(clusters)
      .innerJoin(clusterStates, eq(clusterStates.clusterId, clusters.id))
      .where(eq(clusters.id, clusterId));
    if (!cluster) throw new FlotillaError('NotFound', `cluster ${clusterId} not found`);
    const apps = (await loadDesiredApps(tx, [clusterId])).get(clusterId) ?? [];
    return { clusterId: cluster.id, clusterName: cluster.name, labels: cluster.labels, generation: cluster.generation, apps };
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

export interface PinnedCommit {
  app: string;
  commit: string;
  revision: number;
  stage: string;
  promotionId: string | null;
}

async function lockClusters(tx: Transaction, clusterIds: string[]) {
  return tx
    .select({ id: clusters.id, name: clusters.name, labels: clusters.labels, hash: clusterStates.desiredHash })
    .from(clusters)
    .innerJoin(clusterStates, eq(clusterStates.clusterId, clusters.id))
    .where(inArray(clusters.id, clusterIds))
    .orderBy(clusters.id)
    .for('update', { of: clusterStates });
}

/**
 * Pins `commit` of an application in these clusters' desired state and bumps the generations that changed. Returns the
 * generation now carrying the commit per cluster, and the clusters to notify once the caller commits.
 */
export async function pinCommit(tx: Transaction, pin: PinnedCommit, clusterIds: string[], now: Date): Promise<{ generations: Map<string, number>; changed: string[] }> {
  if (clusterIds.length === 0) return { generations: new Map(), changed: [] };
  const locked = await lockClusters(tx, clusterIds);
  await tx
    .insert(clusterApps)
    .values(clusterIds.map((clusterId) => ({ clusterId, ...pin, updatedAt: now })))
    .onConflictDoUpdate({
      target: [clusterApps.clusterId, clusterApps.app],
      set: { commit: pin.commit, revision: pin.revision, stage: pin.stage, promotionId: pin.promotionId, updatedAt: now },
    });
  const changed = await bumpGenerations(tx, locked);
  const rows = await tx
    .select({ clusterId: clusterStates.clusterId, generation: clusterStates.generation })
    .from(clusterStates)
    .where(inArray(clusterStates.clusterId, clusterIds));
  return { generations: new Map(rows.map((r) => [r.clusterId, r.generation])), changed };
}

/** Removes an application from these clusters' desired state (their agents prune it); returns the clusters to notify. */
export async function unpinApp(tx: Transaction, app: string, clusterIds: string[]): Promise<string[]> {
  if (clusterIds.length === 0) return [];
  const locked = await lockClusters(tx, clusterIds);
  await tx.delete(clusterApps).where(and(eq(clusterApps.app, app), inArray(clusterApps.clusterId, clusterIds)));
  await tx.delete(clusterAppStatuses).where(and(eq(clusterAppStatuses.app, app), inArray(clusterAppStatuses.clusterId, clusterIds)));
  return bumpGenerations(tx, locked);
}
