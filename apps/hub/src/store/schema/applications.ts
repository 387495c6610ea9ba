// Applications: a git repository path and the label selector choosing its target clusters.
import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const applications = pgTable('applications', {
  name: text('name').primaryKey(),
  repoUrl: text('repo_url').notNull(),
  path: text('path').notNull(),
  // Kubernetes label-selector syntax; '' selects every cluster.
  clusterSelector: text('cluster_selector').notNull().default(''),
  defaultNamespace: text('default_namespace').notNull().default(''),
  // 'builtin' or 'kustomize-binary' (validated at the API edge); existing rows keep the built-in engine.
  renderEngine: text('render_engine').$type<'builtin' | 'kustomize-binary'>().notNull().default('builtin'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
});

export type ApplicationRow = typeof applications.$inferSelect;
