// Registered clusters: one row per agent identity, created by AgentService.Register.
import { sql } from 'drizzle-orm';
import { jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const clusters = pgTable('clusters', {
  id: text('id').primaryKey(),
  // Unique among live clusters only, so a revoked cluster's name can be registered again (as a new identity).
  name: text('name').notNull(),
  labels: jsonb('labels').$type<Record<string, string>>().notNull().default({}),
  agentVersion: text('agent_version').notNull().default(''),
  registeredAt: timestamp('registered_at', { withTimezone: true, mode: 'date' }).notNull(),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }),
  // Set when an admin revokes the cluster; every credential of a revoked cluster is refused.
  revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
}, (t) => [uniqueIndex('clusters_live_name_key').on(t.name).where(sql`${t.revokedAt} is null`)]);

export type ClusterRow = typeof clusters.$inferSelect;
