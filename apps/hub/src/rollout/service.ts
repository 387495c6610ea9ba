// The rollout driver and the promotion service: creating a promotion writes the new desired state of every target,
// bumps their generations and records the promotion with its events in ONE transaction; progress runs the pure planner
// over the statuses agents reported and persists each transition with its events in one transaction.
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNull, ne } from 'drizzle-orm';
import { FlotillaError } from '../errors/index.js';
import type { Fleet } from '../fleet/index.js';
import { appReleases, applications, clusterApps, clusters, promotionTargets, promotions } from '../store/index.js';
import type { Database, Transaction } from '../store/index.js';
import { reconcileDesiredState } from '../fleet/desired-state.js';
import { plan, shortCommit } from './planner/index.js';
import type { PromotionEvent } from './planner/index.js';
import { appendEvents, clustersHolding, findPromotion, inFlightPromotionIds, inFlightStates, listPromotionViews, loadForPlanning } from './store.js';
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
/** The implicit single stage of the walking skeleton; pipelines with real stages replace it. */
export const DEFAULT_STAGE = 'default';

export class Rollout {
  private readonly db: Database;
  private readonly fleet: Fleet;

  constructor(options: RolloutOptions) {
    this.db = options.db;
    this.fleet = options.fleet;
    this.fleet.statuses.onFlushed(({ apps }) => this.advanceApps([...apps]));
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
      const [app] = await tx.select({ name: applications.name }).from(applications).where(eq(applications.name, input.app)).for('update');
      if (!app) throw new FlotillaError('NotFound', `application "${input.app}" not found`, { field: 'app' });
      await this.supersedeInFlight(tx, input.app, id, commit, now);

      await tx.insert(promotions).values({ id, app: input.app, commit, stage: DEFAULT_STAGE, state: 'Progressing', message: '', createdBy: input.actor, createdAt: now, updatedAt: now });
      await tx
        .insert(appReleases)
        .values({ app: input.app, commit, stage: DEFAULT_STAGE, promotionId: id, updatedAt: now })
        .onConflictDoUpdate({ target: appReleases.app, set: { commit, stage: DEFAULT_STAGE, promotionId: id, updatedAt: now } });
      const live = tx.select({ id: clusters.id }).from(clusters).where(isNull(clusters.revokedAt));
      await tx
        .update(clusterApps)
        .set({ commit, stage: DEFAULT_STAGE, promotionId: id, updatedAt: now })
        .where(and(eq(clusterApps.app, input.app), inArray(clusterApps.clusterId, live)));
      for (const c of await reconcileDesiredState(tx, now)) changed.add(c);

      const targets = await clustersHolding(tx, input.app);
      if (targets.length > 0) await tx.insert(promotionTargets).values(targets.map((t) => ({ promotionId: id, ...t })));
      const names = targets.map((t) => t.clusterName).join(', ');
      const reason =
        targets.length === 0
          ? `${shortCommit(commit)} set as the current commit of ${input.app}; no cluster matches its selector yet`
          : `desired state of ${targets.length} cluster${targets.length === 1 ? '' : 's'} (${names}) set to ${shortCommit(commit)}`;
      await tx.update(promotions).set({ message: reason }).where(eq(promotions.id, id));
      await appendEvents(tx, id, [{ at: now, type: 'Started', reason: `requested by ${input.actor}: ${reason}` }]);
    });
    // Statuses already reported may settle it at once (e.g. the same commit promoted again).
    await this.advance(id);
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

  /** Runs one planning step of a promotion and persists the transition and its events in one transaction. */
  async advance(promotionId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const loaded = await loadForPlanning(tx, promotionId);
      if (!loaded) return;
      const now = this.fleet.clock.now();
      const next = plan(loaded.promotion, loaded.statuses, now);
      if (next.state === loaded.promotion.state && next.message === loaded.promotion.message && next.events.length === 0) return;
      await tx.update(promotions).set({ state: next.state, message: next.message, updatedAt: now }).where(eq(promotions.id, promotionId));
      await appendEvents(tx, promotionId, next.events);
    });
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
