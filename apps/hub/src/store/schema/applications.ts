// Applications: a git repository path and the label selector choosing its target clusters.
import { integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

export const applications = pgTable('applications', {
  name: text('name').primaryKey(),
  repoUrl: text('repo_url').notNull(),
  path: text('path').notNull(),
  // Kubernetes label-selector syntax; '' selects every cluster.
  clusterSelector: text('cluster_selector').notNull().default(''),
  defaultNamespace: text('default_namespace').notNull().default(''),
  // 'builtin' or 'kustomize-binary' (validated at the API edge); existing rows keep the built-in engine.
  renderEngine: text('render_engine').$type<'builtin' | 'kustomize-binary'>().notNull().default('builtin'),
  /** The pipeline as applied (PipelineSpec, normalized); null: one implicit stage from clusterSelector. */
  pipeline: jsonb('pipeline').$type<unknown>(),
  /** Grows with every apply; promotions and pinned clusters keep the revision they were made with. */
  revision: integer('revision').notNull().default(0),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
});

export type ApplicationRow = typeof applications.$inferSelect;

/** Every applied revision of an application: what a cluster pinned at that revision renders, and its pipeline. */
export const appRevisions = pgTable(
  'app_revisions',
  {
    app: text('app')
      .notNull()
      .references(() => applications.name, { onDelete: 'cascade' }),
    revision: integer('revision').notNull(),
    repoUrl: text('repo_url').notNull(),
    path: text('path').notNull(),
    defaultNamespace: text('default_namespace').notNull().default(''),
    renderEngine: text('render_engine').$type<'builtin' | 'kustomize-binary'>().notNull().default('builtin'),
    clusterSelector: text('cluster_selector').notNull().default(''),
    pipeline: jsonb('pipeline').$type<unknown>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.app, t.revision] })],
);
