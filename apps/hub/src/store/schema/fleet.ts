// Tables of the fleet (per-cluster desired state, session and reported status, each application's current release)
// and of the rollout engine (promotions, their targets, their append-only events). Owned by fleet/,
// agent-gateway/ and rollout/; clusters and applications themselves are defined in clusters.ts and applications.ts.
import { bigint, bigserial, boolean, index, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
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

/** The commit an application's latest promotion set; clusters that join later start at it. */
export const appReleases = pgTable('app_releases', {
  app: text('app')
    .primaryKey()
    .references(() => applications.name, { onDelete: 'cascade' }),
  commit: text('commit').notNull(),
  stage: text('stage').notNull().default(''),
  promotionId: text('promotion_id').notNull(),
  updatedAt: ts('updated_at').notNull(),
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
    health: text('health').notNull(),
    healthMessage: text('health_message').notNull().default(''),
    resources: jsonb('resources').$type<StoredResourceStatus[]>().notNull().default([]),
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
    stage: text('stage').notNull().default(''),
    state: text('state').notNull(),
    message: text('message').notNull().default(''),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [index('promotions_app_created_idx').on(t.app, t.createdAt), index('promotions_state_idx').on(t.state)],
);

/** One target cluster of a promotion and the generation that carries the commit to it. */
export const promotionTargets = pgTable(
  'promotion_targets',
  {
    promotionId: text('promotion_id')
      .notNull()
      .references(() => promotions.id, { onDelete: 'cascade' }),
    clusterId: text('cluster_id')
      .notNull()
      .references(() => clusters.id, { onDelete: 'cascade' }),
    clusterName: text('cluster_name').notNull(),
    /** Null until the driver has written the commit into the cluster's desired state. */
    generation: bigint('generation', { mode: 'number' }),
  },
  (t) => [primaryKey({ columns: [t.promotionId, t.clusterId] })],
);

/** Append-only: every decision about a promotion, with a human reason. */
export const promotionEvents = pgTable(
  'promotion_events',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    promotionId: text('promotion_id')
      .notNull()
      .references(() => promotions.id, { onDelete: 'cascade' }),
    at: ts('at').notNull(),
    type: text('type').notNull(),
    reason: text('reason').notNull(),
  },
  (t) => [index('promotion_events_promotion_idx').on(t.promotionId, t.seq)],
);
