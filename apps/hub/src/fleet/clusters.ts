// Clusters as the fleet sees them: registration rows, session state (connected, last seen, agent version) and the
// per-application statuses their agents reported.
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { matchesLabels, parseLabelSelector } from '@flotilla/kube-schema';
import { FlotillaError } from '../errors/index.js';
import { clusterAppStatuses, clusterStates, clusters } from '../store/index.js';
import type { Database, StoredDrift, StoredResourceStatus, Transaction } from '../store/index.js';
import { reconcileDesiredState } from './desired-state.js';
import type { HealthState, SyncState } from '../rollout/planner/index.js';

type Executor = Database | Transaction;

/** One application's status on one cluster, as its agent last reported it. */
export interface AppStatusView {
  app: string;
  observedGeneration: number;
  observedCommit: string;
  sync: SyncState;
  syncError: string;
  /** The agent keeps retrying: a transient failure, counted only once the progress deadline passes. */
  syncRetryable: boolean;
  health: HealthState;
  healthMessage: string;
  /** Since when it has been Synced and Healthy at this generation and commit, without a relapse; undefined when not. */
  healthySince?: Date | undefined;
  /** SHA-256 of the manifests the agent rendered: equal digests mean equal content on every cluster of a wave. */
  manifestDigest?: string;
  /** Live objects that differ from what was applied, with the differing field paths. */
  drifted?: StoredDrift[];
  resources: StoredResourceStatus[];
  observedAt: Date | undefined;
}

export interface ClusterView {
  id: string;
  name: string;
  labels: Record<string, string>;
  connected: boolean;
  lastSeen: Date | undefined;
  agentVersion: string;
  revoked: boolean;
  generation: number;
  registeredAt: Date;
  apps: AppStatusView[];
}

export interface NewCluster {
  name: string;
  labels: Record<string, string>;
  agentVersion: string;
}

/** Creates a cluster inside the registration transaction; returns its id and the clusters to notify. */
export async function insertCluster(tx: Transaction, input: NewCluster, now: Date): Promise<{ id: string; changed: string[] }> {
  // A revoked cluster's name may be registered again, as a new identity (the name is unique among live clusters).
  const [taken] = await tx.select({ id: clusters.id }).from(clusters).where(and(eq(clusters.name, input.name), isNull(clusters.revokedAt)));
  if (taken) throw new FlotillaError('Conflict', `cluster "${input.name}" is already registered`, { field: 'cluster_name' });
  const id = randomUUID();
  await tx.insert(clusters).values({ id, name: input.name, labels: input.labels, agentVersion: input.agentVersion, registeredAt: now });
  await tx.insert(clusterStates).values({ clusterId: id });
  const changed = await reconcileDesiredState(tx, now, [id]);
  return { id, changed };
}

export function toStatusView(row: typeof clusterAppStatuses.$inferSelect): AppStatusView {
  return {
    app: row.app,
    observedGeneration: row.observedGeneration,
    observedCommit: row.observedCommit,
    sync: row.sync as SyncState,
    syncError: row.syncError,
    syncRetryable: row.syncRetryable,
    healthySince: row.healthySince ?? undefined,
    manifestDigest: row.manifestDigest,
    drifted: row.drifted,
    health: row.health as HealthState,
    healthMessage: row.healthMessage,
    resources: row.resources,
    observedAt: row.observedAt ?? undefined,
  };
}

async function statusesByCluster(ex: Executor, ids: string[]): Promise<Map<string, AppStatusView[]>> {
  const map = new Map<string, AppStatusView[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return map;
  const rows = await ex.select().from(clusterAppStatuses).where(inArray(clusterAppStatuses.clusterId, ids)).orderBy(asc(clusterAppStatuses.app));
  for (const row of rows) map.get(row.clusterId)?.push(toStatusView(row));
  return map;
}

async function selectClusters(ex: Executor, where: ReturnType<typeof eq> | undefined): Promise<ClusterView[]> {
  const rows = await ex
    .select({ cluster: clusters, state: clusterStates })
    .from(clusters)
    .leftJoin(clusterStates, eq(clusterStates.clusterId, clusters.id))
    .where(where)
    .orderBy(asc(clusters.name), asc(clusters.registeredAt));
  const statuses = await statusesByCluster(ex, rows.map((r) => r.cluster.id));
  return rows.map(({ cluster, state }) => ({
    id: cluster.id,
    name: cluster.name,
    labels: cluster.labels,
    connected: state?.connected ?? false,
    lastSeen: cluster.lastSeenAt ?? undefined,
    agentVersion: cluster.agentVersion,
    revoked: cluster.revokedAt !== null,
    generation: state?.generation ?? 0,
    registeredAt: cluster.registeredAt,
    apps: statuses.get(cluster.id) ?? [],
  }));
}

/** Clusters by name, optionally filtered by a label selector (InvalidArgument naming `labelSelector` when malformed). */
export async function listClusterViews(ex: Executor, labelSelector = ''): Promise<ClusterView[]> {
  const parsed = parseLabelSelector(labelSelector);
  if (!parsed.ok) throw new FlotillaError('InvalidArgument', `labelSelector: ${parsed.problem.message}`, { field: 'labelSelector' });
  const all = await selectClusters(ex, undefined);
  return all.filter((c) => matchesLabels(parsed.selector, c.labels));
}

/** The live (not revoked) cluster with this name, else the most recent revoked one; NotFound when none. */
export async function findClusterByName(ex: Executor, name: string): Promise<ClusterView> {
  const found = await selectClusters(ex, eq(clusters.name, name));
  const cluster = found.find((c) => !c.revoked) ?? found.at(-1);
  if (!cluster) throw new FlotillaError('NotFound', `cluster "${name}" not found`);
  return cluster;
}

export async function findClusterById(ex: Executor, id: string): Promise<ClusterView> {
  const [cluster] = await selectClusters(ex, eq(clusters.id, id));
  if (!cluster) throw new FlotillaError('NotFound', `cluster ${id} not found`);
  return cluster;
}

export async function liveClusterName(ex: Executor, id: string): Promise<string | undefined> {
  const [row] = await ex.select({ name: clusters.name }).from(clusters).where(and(eq(clusters.id, id), isNull(clusters.revokedAt)));
  return row?.name;
}

export async function setConnected(ex: Executor, clusterId: string, connected: boolean, now: Date, agentVersion?: string): Promise<void> {
  await ex.update(clusterStates).set({ connected }).where(eq(clusterStates.clusterId, clusterId));
  await ex
    .update(clusters)
    .set(agentVersion === undefined ? { lastSeenAt: now } : { lastSeenAt: now, agentVersion })
    .where(eq(clusters.id, clusterId));
}
