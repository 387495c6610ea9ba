// Tables of the fleet (per-cluster desired state, session and reported status, each application's current release)
// and of the rollout engine (promotions, their targets, their append-only events). Owned by fleet/,
// agent-gateway/ and rollout/; clusters and applications themselves are defined in clusters.ts and applications.ts.
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { applications } from './applications.js';
import { clusters } from './clusters.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Per-cluster desired-state version and session state, kept apart from the identity row in `clusters`. */
export const clusterStates = pgTable('cluster_states', {
  clusterId: text('cluster_id')
    .primaryKey()
    .references(() => clusters.id, { onDelete: 'cascade' }),
  /** Grows on every change of the cluster's desired state, never on a no-op. */
  generation: bigint('generation', { mode: 'number' }).notNull().default(0),
  /** Hash of the desired-state content the generation was last bumped for: tells a change from a no-op. */
  desiredHash: text('desired_hash').notNull().default(''),
  connected: boolean('connected').notNull().default(false),
});

/** Desired state rows: application `app` pinned to `commit` on cluster `clusterId`. */
export const clusterApps = pgTable(
  'cluster_apps',
  {
    clusterId: text('cluster_id')
      .notNull()
      .references(() => clusters.id, { onDelete: 'cascade' }),
    app: text('app')
      .notNull()
      .references(() => applications.name, { onDelete: 'cascade' }),
    commit: text('commit').notNull(),
    /** The application revision (repository, path, render settings) the commit is rendered with. */
    revision: integer('revision').notNull().default(0),
    stage: text('stage').notNull().default(''),
    promotionId: text('promotion_id'),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clusterId, t.app] }), index('cluster_apps_app_idx').on(t.app)],
);

export interface StoredResourceStatus {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
  health: string;
  message: string;
}

export interface StoredDrift {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
  fieldPaths: string[];
  deleted: boolean;
}

/** The last status an agent reported per application; upserted in batches, never going back in generation. */
export const clusterAppStatuses = pgTable(
  'cluster_app_statuses',
  {
    clusterId: text('cluster_id')
      .notNull()
      .references(() => clusters.id, { onDelete: 'cascade' }),
    app: text('app').notNull(),
    observedGeneration: bigint('observed_generation', { mode: 'number' }).notNull(),
    observedCommit: text('observed_commit').notNull(),
    sync: text('sync').notNull(),
    syncError: text('sync_error').notNull().default(''),
    /** The agent says the failure is transient (it keeps retrying): it counts only once the progress deadline passes. */
    syncRetryable: boolean('sync_retryable').notNull().default(false),
    health: text('health').notNull(),
    /** Since when it has been Synced and Healthy at this generation and commit with no relapse in between; null when not. */
    healthySince: ts('healthy_since'),
    /** The worst health reported since the previous flush, so a brief Degraded between flushes is not lost. */
    worstHealth: text('worst_health').notNull().default(''),
    worstMessage: text('worst_message').notNull().default(''),
    healthMessage: text('health_message').notNull().default(''),
    resources: jsonb('resources').$type<StoredResourceStatus[]>().notNull().default([]),
    manifestDigest: text('manifest_digest').notNull().default(''),
    drifted: jsonb('drifted').$type<StoredDrift[]>().notNull().default([]),
    observedAt: ts('observed_at'),
    receivedAt: ts('received_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clusterId, t.app] }), index('cluster_app_statuses_app_idx').on(t.app)],
);

/** A promotion: move `commit` of `app` into the clusters it targets. */
export const promotions = pgTable(
  'promotions',
  {
    id: text('id').primaryKey(),
    /** Creation order, for "newest first" even when two promotions share a timestamp. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    app: text('app')
      .notNull()
      .references(() => applications.name, { onDelete: 'cascade' }),
    commit: text('commit').notNull(),
    /** The branch or tag the promoter named, resolved to `commit` when the promotion was created; '' for a commit id. */
    ref: text('ref').notNull().default(''),
    /** The target stage. */
    stage: text('stage').notNull().default(''),
    /** The application revision the promotion runs with, whatever the application becomes meanwhile. */
    revision: integer('revision').notNull().default(0),
    /** The pipeline of that revision, as it was validated (PipelineSpec). */
    pipeline: jsonb('pipeline').$type<unknown>(),
    /** The stage runs, waves and targets (PromotionRun): the planner's state. */
    run: jsonb('run').$type<unknown>(),
    /** Grows with every saved step: a driver saves only over the version it loaded. */
    version: integer('version').notNull().default(0),
    /** When the planner must look again even if nothing is reported (bake end, deadline, staleness). */
    wakeAt: ts('wake_at'),
    /** Set by status flushes, commands and fleet changes; the driver steps due promotions and clears it. */
    due: boolean('due').notNull().default(true),
    forced: boolean('forced').notNull().default(false),
    state: text('state').notNull(),
    message: text('message').notNull().default(''),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [index('promotions_app_created_idx').on(t.app, t.createdAt), index('promotions_state_idx').on(t.state), index('promotions_wake_idx').on(t.wakeAt)],
);

/** Append-only: every decision about a promotion, with a human reason. */
export const promotionEvents = pgTable(
  'promotion_events',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    /** Null for an application's own events (a cluster joining a stage, an edit of the application). */
    promotionId: text('promotion_id').references(() => promotions.id, { onDelete: 'cascade' }),
    app: text('app').notNull().default(''),
    stage: text('stage').notNull().default(''),
    wave: text('wave').notNull().default(''),
    cluster: text('cluster').notNull().default(''),
    at: ts('at').notNull(),
    type: text('type').notNull(),
    reason: text('reason').notNull(),
  },
  (t) => [index('promotion_events_promotion_idx').on(t.promotionId, t.seq), index('promotion_events_app_idx').on(t.app, t.seq)],
);

/** Operator commands for a promotion (approve, reject, pause, resume, abort, rollback), taken by the driver's next step. */
export const promotionCommands = pgTable(
  'promotion_commands',
  {
    id: text('id').primaryKey(),
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    promotionId: text('promotion_id')
      .notNull()
      .references(() => promotions.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    actor: text('actor').notNull(),
    reason: text('reason').notNull().default(''),
    stage: text('stage').notNull().default(''),
    wave: text('wave').notNull().default(''),
    createdAt: ts('created_at').notNull(),
    consumedAt: ts('consumed_at'),
  },
  (t) => [index('promotion_commands_pending_idx').on(t.promotionId, t.consumedAt)],
);

/** Every commit a stage succeeded with (and every rollback of one), newest last: the stage's history. */
export const stageReleases = pgTable(
  'stage_releases',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    app: text('app')
      .notNull()
      .references(() => applications.name, { onDelete: 'cascade' }),
    stage: text('stage').notNull(),
    commit: text('commit').notNull(),
    revision: integer('revision').notNull(),
    promotionId: text('promotion_id'),
    /** 'release' when the stage succeeded with the commit; 'rollback' when a rollback put it back. */
    kind: text('kind').notNull().default('release'),
    at: ts('at').notNull(),
  },
  (t) => [index('stage_releases_app_stage_idx').on(t.app, t.stage, t.seq)],
);
