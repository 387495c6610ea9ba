// Credentials: API tokens, registration (bootstrap) tokens and per-cluster credentials. Only SHA-256 hashes of
// secrets are stored; the id is the public part of each token and the lookup key.
import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { clusters } from './clusters.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const apiTokens = pgTable('api_tokens', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  // viewer | promoter | admin
  role: text('role').notNull(),
  secretHash: text('secret_hash').notNull(),
  createdAt: ts('created_at').notNull(),
  expiresAt: ts('expires_at'),
  revokedAt: ts('revoked_at'),
  lastUsedAt: ts('last_used_at'),
});

export const registrationTokens = pgTable('registration_tokens', {
  id: text('id').primaryKey(),
  description: text('description').notNull().default(''),
  secretHash: text('secret_hash').notNull(),
  createdAt: ts('created_at').notNull(),
  expiresAt: ts('expires_at').notNull(),
  // 0 = unlimited until expiry.
  maxUses: integer('max_uses').notNull().default(0),
  uses: integer('uses').notNull().default(0),
  revokedAt: ts('revoked_at'),
});

export const clusterCredentials = pgTable(
  'cluster_credentials',
  {
    id: text('id').primaryKey(),
    clusterId: text('cluster_id')
      .notNull()
      .references(() => clusters.id, { onDelete: 'cascade' }),
    secretHash: text('secret_hash').notNull(),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    // The first successful verification; using a rotated credential retires every older one of the cluster.
    firstUsedAt: ts('first_used_at'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [index('cluster_credentials_cluster_idx').on(t.clusterId)],
);

export type ApiTokenRow = typeof apiTokens.$inferSelect;
export type RegistrationTokenRow = typeof registrationTokens.$inferSelect;
export type ClusterCredentialRow = typeof clusterCredentials.$inferSelect;
