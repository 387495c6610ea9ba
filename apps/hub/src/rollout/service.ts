// The rollout driver and the promotion service: creating a promotion writes the new desired state of every target,
// bumps their generations and records the promotion with its events in ONE transaction; progress runs the pure planner
// over the statuses agents reported and persists each transition with its events in one transaction.
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, ne } from 'drizzle-orm';
import { FlotillaError } from '../errors/index.js';
import type { ChangedClusters, Fleet } from '../fleet/index.js';
import { liveClustersSelectedBy, pinCommit } from '../fleet/desired-state.js';
import { appReleases, applications, promotionTargets, promotions } from '../store/index.js';
import type { Database, Transaction } from '../store/index.js';
import { plan, shortCommit } from './planner/index.js';
import type { PlannedAction, PlannedPromotion, PromotionEvent } from './planner/index.js';
import { appendEvents, findPromotion, inFlightPromotionIds, inFlightStates, listPromotionViews, loadForPlanning } from './store.js';
import type { PromotionView } from './views.js';

export interface CreatePromotionInput {
  app: string;
  /** 40 hexadecimal characters. */
  commit: string;
  /** Who asked (the API token's name). */
  actor: string;
}

export interface RolloutOptions {
  db: Database;
  fleet: Fleet;
}

const COMMIT = /^[0-9a-f]{40}$/;
/** A step that acts is followed by another; this bounds the loop should a planner bug keep asking for actions. */
const MAX_STEPS_PER_CALL = 8;
/** The implicit single stage of the walking skeleton; pipelines with real stages replace it. */
export const DEFAULT_STAGE = 'default';

export class Rollout {
  private readonly db: Database;
  private readonly fleet: Fleet;

  constructor(options: RolloutOptions) {
    this.db = options.db;
    this.fleet = options.fleet;
    this.fleet.statuses.onFlushed(({ apps }) => this.advanceApps([...apps]));
    this.fleet.onClusterRevoked((tx, cluster, now) => this.dropRevokedTarget(tx, cluster, now));
  }

  /** A revoked cluster will never report again: it leaves its in-flight promotions, which are then re-planned. */
  private async dropRevokedTarget(tx: Transaction, cluster: { id: string; name: string }, now: Date): Promise<() => Promise<void>> {
    const dropped = await tx
      .delete(promotionTargets)
      .where(
        and(
          eq(promotionTargets.clusterId, cluster.id),
          inArray(promotionTargets.promotionId, tx.select({ id: promotions.id }).from(promotions).where(inArray(promotions.state, inFlightStates))),
        ),
      )
      .returning({ promotionId: promotionTargets.promotionId });
    for (const { promotionId } of dropped) {
      await appendEvents(tx, promotionId, [{ at: now, type: 'TargetRemoved', reason: `${cluster.name} was revoked: no longer a target` }]);
    }
    return async () => {
      for (const { promotionId } of dropped) await this.advance(promotionId);
    };
  }

  async createPromotion(input: CreatePromotionInput): Promise<PromotionView> {
    const commit = input.commit.trim().toLowerCase();
    if (!COMMIT.test(commit)) {
      throw new FlotillaError('InvalidArgument', `commit: "${input.commit}" is not a full commit id (40 hexadecimal characters)`, { field: 'commit' });
    }
    const id = randomUUID();
    await this.fleet.transaction(async (tx, changed) => {
      const now = this.fleet.clock.now();
      // Locking the application serialises promotions of one app, so exactly one stays in flight.
      const [app] = await tx
        .select({ name: applications.name, selector: applications.clusterSelector })
        .from(applications)
        .where(eq(applications.name, input.app))
        .for('update');
      if (!app) throw new FlotillaError('NotFound', `application "${input.app}" not found`, { field: 'app' });
      await this.supersedeInFlight(tx, input.app, id, commit, now);

      await tx.insert(promotions).values({ id, app: input.app, commit, stage: DEFAULT_STAGE, state: 'Pending', message: '', createdBy: input.actor, createdAt: now, updatedAt: now });
      // The application's current commit: clusters that join later start here.
      await tx
        .insert(appReleases)
        .values({ app: input.app, commit, stage: DEFAULT_STAGE, promotionId: id, updatedAt: now })
        .onConflictDoUpdate({ target: appReleases.app, set: { commit, stage: DEFAULT_STAGE, promotionId: id, updatedAt: now } });
      const targets = await liveClustersSelectedBy(tx, app.selector);
      if (targets.length > 0) {
        await tx.insert(promotionTargets).values(targets.map((t) => ({ promotionId: id, clusterId: t.id, clusterName: t.name, generation: null })));
      }
      await appendEvents(tx, id, [{ at: now, type: 'Created', reason: `requested by ${input.actor}: promote ${shortCommit(commit)} of ${input.app}` }]);
      // The first steps write the desired state of the targets in this same transaction.
      await this.step(tx, id, changed);
    });
    return this.getPromotion(id);
  }

  private async supersedeInFlight(tx: Transaction, app: string, by: string, commit: string, now: Date): Promise<void> {
    const old = await tx
      .update(promotions)
      .set({ state: 'Superseded', message: `superseded by promotion ${by} (${shortCommit(commit)})`, updatedAt: now })
      .where(and(eq(promotions.app, app), inArray(promotions.state, inFlightStates), ne(promotions.id, by)))
      .returning({ id: promotions.id });
    for (const { id } of old) {
      await appendEvents(tx, id, [{ at: now, type: 'Superseded', reason: `superseded by promotion ${by} of ${shortCommit(commit)}` }]);
    }
  }

  /**
   * Plans, applies the plan's actions and persists the transition with its events, inside `tx`; repeats while a step
   * acted (its effects may settle the next step, e.g. a commit the clusters already run).
   */
  private async step(tx: Transaction, promotionId: string, changed: ChangedClusters): Promise<void> {
    for (let round = 0; round < MAX_STEPS_PER_CALL; round++) {
      const loaded = await loadForPlanning(tx, promotionId);
      if (!loaded) return;
      const now = this.fleet.clock.now();
      const next = plan(loaded.promotion, loaded.statuses, now);
      const transition = next.state !== loaded.promotion.state || next.message !== loaded.promotion.message || next.events.length > 0;
      if (transition) {
        await tx.update(promotions).set({ state: next.state, message: next.message, updatedAt: now }).where(eq(promotions.id, promotionId));
        await appendEvents(tx, promotionId, next.events);
      }
      if (next.actions.length === 0) return;
      for (const action of next.actions) await this.apply(tx, loaded.promotion, action, changed, now);
    }
  }

  private async apply(tx: Transaction, promotion: PlannedPromotion, action: PlannedAction, changed: ChangedClusters, now: Date): Promise<void> {
    switch (action.type) {
      case 'WriteDesiredState': {
        const pin = { app: promotion.app, commit: promotion.commit, stage: DEFAULT_STAGE, promotionId: promotion.id };
        const written = await pinCommit(tx, pin, action.clusterIds, now);
        for (const id of written.changed) changed.add(id);
        for (const [clusterId, generation] of written.generations) {
          await tx
            .update(promotionTargets)
            .set({ generation })
            .where(and(eq(promotionTargets.promotionId, promotion.id), eq(promotionTargets.clusterId, clusterId)));
        }
        return;
      }
    }
  }

  /** Runs the planner on a promotion in one transaction; gateways hear of desired-state changes after it commits. */
  async advance(promotionId: string): Promise<void> {
    await this.fleet.transaction((tx, changed) => this.step(tx, promotionId, changed));
  }

  /** Re-plans every in-flight promotion of these applications (called after each status flush). */
  async advanceApps(apps: string[]): Promise<void> {
    for (const id of await inFlightPromotionIds(this.db, apps)) await this.advance(id);
  }

  async getPromotion(id: string): Promise<PromotionView> {
    const view = await findPromotion(this.db, id);
    if (!view) throw new FlotillaError('NotFound', `promotion ${id} not found`);
    return view;
  }

  /** Newest first, optionally of one application. */
  listPromotions(filter: { app?: string } = {}): Promise<PromotionView[]> {
    return listPromotionViews(this.db, filter.app || undefined);
  }
}

export function createRollout(options: RolloutOptions): Rollout {
  return new Rollout(options);
}

export type { PromotionEvent };
