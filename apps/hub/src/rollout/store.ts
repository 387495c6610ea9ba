// Reading and writing promotions, their targets and events; every function takes the caller's transaction or database.
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { clusterAppStatuses, promotionEvents, promotionTargets, promotions } from '../store/index.js';
import type { Database, Transaction } from '../store/index.js';
import { toStatusView } from '../fleet/clusters.js';
import type { AppStatusView } from '../fleet/index.js';
import type { PlannedPromotion, PromotionEvent, PromotionState, ReportedStatus } from './planner/index.js';
import type { PromotionTargetView, PromotionView } from './views.js';

type Executor = Database | Transaction;

export const inFlightStates: PromotionState[] = ['Pending', 'WaitingApproval', 'Progressing', 'Paused'];

export async function appendEvents(ex: Executor, promotionId: string, events: PromotionEvent[]): Promise<void> {
  if (events.length === 0) return;
  await ex.insert(promotionEvents).values(events.map((e) => ({ promotionId, at: e.at, type: e.type, reason: e.reason })));
}

async function statusesOf(ex: Executor, app: string, clusterIds: string[]): Promise<Map<string, AppStatusView>> {
  if (clusterIds.length === 0) return new Map();
  const rows = await ex
    .select()
    .from(clusterAppStatuses)
    .where(and(eq(clusterAppStatuses.app, app), inArray(clusterAppStatuses.clusterId, clusterIds)));
  return new Map(rows.map((r) => [r.clusterId, toStatusView(r)]));
}

async function targetsOf(ex: Executor, promotionId: string) {
  return ex
    .select({ clusterId: promotionTargets.clusterId, clusterName: promotionTargets.clusterName, generation: promotionTargets.generation })
    .from(promotionTargets)
    .where(eq(promotionTargets.promotionId, promotionId))
    .orderBy(asc(promotionTargets.clusterName));
}

/** Loads an in-flight promotion for planning, locking its row so two drivers never decide on it at once. */
export async function loadForPlanning(
  tx: Transaction,
  promotionId: string,
): Promise<{ promotion: PlannedPromotion; statuses: Map<string, ReportedStatus> } | undefined> {
  const [row] = await tx.select().from(promotions).where(eq(promotions.id, promotionId)).for('update');
  if (!row) return undefined;
  const targets = await targetsOf(tx, promotionId);
  const statuses = await statusesOf(tx, row.app, targets.map((t) => t.clusterId));
  return {
    promotion: { id: row.id, app: row.app, commit: row.commit, state: row.state as PromotionState, message: row.message, targets },
    statuses,
  };
}

export async function inFlightPromotionIds(ex: Executor, apps: string[]): Promise<string[]> {
  if (apps.length === 0) return [];
  const rows = await ex
    .select({ id: promotions.id })
    .from(promotions)
    .where(and(inArray(promotions.app, apps), inArray(promotions.state, inFlightStates)));
  return rows.map((r) => r.id);
}

async function toView(ex: Executor, row: typeof promotions.$inferSelect): Promise<PromotionView> {
  const targets = await targetsOf(ex, row.id);
  const statuses = await statusesOf(ex, row.app, targets.map((t) => t.clusterId));
  const events = await ex
    .select({ at: promotionEvents.at, type: promotionEvents.type, reason: promotionEvents.reason })
    .from(promotionEvents)
    .where(eq(promotionEvents.promotionId, row.id))
    .orderBy(asc(promotionEvents.seq));
  const targetViews: PromotionTargetView[] = targets.map((t) => ({
    clusterId: t.clusterId,
    cluster: t.clusterName,
    generation: t.generation,
    status: statuses.get(t.clusterId),
  }));
  return {
    id: row.id,
    app: row.app,
    commit: row.commit,
    state: row.state as PromotionState,
    message: row.message,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    targets: targetViews,
    events,
  };
}

export async function findPromotion(ex: Executor, id: string): Promise<PromotionView | undefined> {
  const [row] = await ex.select().from(promotions).where(eq(promotions.id, id));
  return row ? toView(ex, row) : undefined;
}

export async function listPromotionViews(ex: Executor, app?: string): Promise<PromotionView[]> {
  const rows = await ex
    .select()
    .from(promotions)
    .where(app === undefined ? undefined : eq(promotions.app, app))
    .orderBy(desc(promotions.seq));
  return Promise.all(rows.map((row) => toView(ex, row)));
}
