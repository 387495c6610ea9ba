// Reading what the planner needs (the promotion row, the fleet as it is observed, pending commands, stage history)
// and writing what it decided (the run with a version check, events, consumed commands). Callers pass their transaction.
import { and, asc, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { clusterAppStatuses, clusterApps, clusters, promotionCommands, promotionEvents, promotions, stageReleases } from '../store/index.js';
import type { Database, Transaction } from '../store/index.js';
import type { PipelineSpec } from './pipeline/spec.js';
import { inFlightStates } from './planner/index.js';
import type { Command, CommandType, HealthState, ObservedCluster, PlannedEvent, PromotionHeader, PromotionRun, PromotionState, SyncState } from './planner/index.js';

export type Executor = Database | Transaction;

export interface LoadedPromotion {
  header: PromotionHeader;
  pipeline: PipelineSpec;
  run: PromotionRun;
  state: PromotionState;
  version: number;
}

export async function loadPromotion(tx: Transaction, id: string): Promise<LoadedPromotion | undefined> {
  const [row] = await tx.select().from(promotions).where(eq(promotions.id, id)).for('update');
  if (!row || row.run === null || row.pipeline === null) return undefined;
  return {
    header: { id: row.id, app: row.app, commit: row.commit, revision: row.revision, targetStage: row.stage, forced: row.forced },
    pipeline: row.pipeline as PipelineSpec,
    run: row.run as PromotionRun,
    state: row.state as PromotionState,
    version: row.version,
  };
}

/** Every cluster the hub knows (revoked ones too: what they last said still counts), as the planner sees it. */
export async function observeClusters(ex: Executor, app: string): Promise<ObservedCluster[]> {
  const rows = await ex
    .select({ id: clusters.id, name: clusters.name, labels: clusters.labels, lastSeenAt: clusters.lastSeenAt, revokedAt: clusters.revokedAt })
    .from(clusters)
    .orderBy(asc(clusters.name));
  const statuses = await ex.select().from(clusterAppStatuses).where(eq(clusterAppStatuses.app, app));
  const pins = await ex.select({ clusterId: clusterApps.clusterId, commit: clusterApps.commit, revision: clusterApps.revision }).from(clusterApps).where(eq(clusterApps.app, app));
  const statusOf = new Map(statuses.map((s) => [s.clusterId, s]));
  const pinOf = new Map(pins.map((p) => [p.clusterId, p]));
  return rows.map((c) => {
    const s = statusOf.get(c.id);
    const pin = pinOf.get(c.id);
    // A status arriving is also a sign of life, whichever was written last.
    const seen = Math.max(c.lastSeenAt?.getTime() ?? 0, s?.receivedAt.getTime() ?? 0);
    return {
      id: c.id,
      name: c.name,
      labels: c.labels,
      live: c.revokedAt === null,
      lastSeenAt: seen === 0 ? null : seen,
      current: pin ? { commit: pin.commit, revision: pin.revision } : null,
      status: s
        ? {
            observedGeneration: s.observedGeneration,
            observedCommit: s.observedCommit,
            sync: s.sync as SyncState,
            syncRetryable: s.syncRetryable,
            syncError: s.syncError,
            health: s.health as HealthState,
            healthMessage: s.healthMessage,
            healthySince: s.healthySince?.getTime() ?? null,
          }
        : undefined,
    };
  });
}

export async function pendingCommands(tx: Transaction, promotionId: string): Promise<Command[]> {
  const rows = await tx
    .select()
    .from(promotionCommands)
    .where(and(eq(promotionCommands.promotionId, promotionId), isNull(promotionCommands.consumedAt)))
    .orderBy(asc(promotionCommands.seq));
  return rows.map((r) => ({
    id: r.id,
    type: r.type as CommandType,
    actor: r.actor,
    reason: r.reason,
    ...(r.stage ? { stage: r.stage } : {}),
    ...(r.wave ? { wave: r.wave } : {}),
  }));
}

export async function consumeCommands(tx: Transaction, ids: string[], now: Date): Promise<void> {
  if (ids.length > 0) await tx.update(promotionCommands).set({ consumedAt: now }).where(inArray(promotionCommands.id, ids));
}

/** Per stage, every commit it succeeded with. */
export async function succeededCommits(ex: Executor, app: string): Promise<Record<string, string[]>> {
  const rows = await ex
    .select({ stage: stageReleases.stage, commit: stageReleases.commit })
    .from(stageReleases)
    .where(and(eq(stageReleases.app, app), eq(stageReleases.kind, 'release')));
  const out: Record<string, string[]> = {};
  for (const r of rows) (out[r.stage] ??= []).push(r.commit);
  return out;
}

export async function appendEvents(ex: Executor, promotionId: string | null, app: string, events: PlannedEvent[], at: Date): Promise<void> {
  if (events.length === 0) return;
  await ex.insert(promotionEvents).values(
    events.map((e) => ({ promotionId, app, at, type: e.type, reason: e.reason, stage: e.stage ?? '', wave: e.wave ?? '', cluster: e.cluster ?? '' })),
  );
}

/** Saves a step over the version it was loaded at; false when another driver saved first. */
export async function saveRun(tx: Transaction, id: string, version: number, run: PromotionRun, wakeAt: number | null, now: Date): Promise<boolean> {
  const saved = await tx
    .update(promotions)
    .set({ run, state: run.state, message: run.message, version: version + 1, wakeAt: wakeAt === null ? null : new Date(wakeAt), due: false, updatedAt: now })
    .where(and(eq(promotions.id, id), eq(promotions.version, version)))
    .returning({ id: promotions.id });
  return saved.length === 1;
}

/** In-flight promotions a status, command, fleet change or timer has made due. */
export async function duePromotionIds(ex: Executor, now: Date, limit = 100): Promise<string[]> {
  const rows = await ex
    .select({ id: promotions.id })
    .from(promotions)
    .where(and(inArray(promotions.state, [...inFlightStates]), or(eq(promotions.due, true), lt(promotions.wakeAt, new Date(now.getTime() + 1)))))
    .orderBy(asc(promotions.seq))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** Marks in-flight promotions due (all, or those of some applications). */
export async function markDue(ex: Executor, apps?: string[]): Promise<void> {
  if (apps !== undefined && apps.length === 0) return;
  await ex
    .update(promotions)
    .set({ due: true })
    .where(and(inArray(promotions.state, [...inFlightStates]), apps ? inArray(promotions.app, apps) : undefined));
}

export async function eventsOf(ex: Executor, promotionId: string) {
  return ex
    .select({ seq: promotionEvents.seq, at: promotionEvents.at, type: promotionEvents.type, reason: promotionEvents.reason, stage: promotionEvents.stage, wave: promotionEvents.wave, cluster: promotionEvents.cluster })
    .from(promotionEvents)
    .where(eq(promotionEvents.promotionId, promotionId))
    .orderBy(asc(promotionEvents.seq));
}

/** Events after `afterSeq`, oldest first: the outbox SSE and gRPC watchers tail. */
export async function eventsAfter(ex: Executor, afterSeq: number, filter: { app?: string; promotionId?: string }, limit = 500) {
  return ex
    .select()
    .from(promotionEvents)
    .where(
      and(
        sql`${promotionEvents.seq} > ${afterSeq}`,
        filter.app ? eq(promotionEvents.app, filter.app) : undefined,
        filter.promotionId ? eq(promotionEvents.promotionId, filter.promotionId) : undefined,
      ),
    )
    .orderBy(asc(promotionEvents.seq))
    .limit(limit);
}

/** Every release of every stage of an application, newest first. */
export async function releaseHistory(ex: Executor, app: string) {
  return ex.select().from(stageReleases).where(eq(stageReleases.app, app)).orderBy(desc(stageReleases.seq));
}

/** The earliest wake-up of an in-flight promotion, if any. */
export async function nextWakeAt(ex: Executor): Promise<Date | undefined> {
  const [row] = await ex
    .select({ at: sql<Date | string | null>`min(${promotions.wakeAt})` })
    .from(promotions)
    .where(and(inArray(promotions.state, [...inFlightStates]), sql`${promotions.wakeAt} is not null`));
  return row?.at ? new Date(row.at) : undefined;
}
