// Per-cluster credentials: opaque bearer secrets, the only thing that lets an agent speak for its cluster. Rotation
// issues a new one and retires the old ones when the new one is first used, or after a grace period at the latest.
import { and, eq, isNull, lte, ne, sql } from 'drizzle-orm';
import { FlotillaError } from '../errors/index.js';
import { clusterCredentials, clusters } from '../store/index.js';
import type { AuthContext, Executor } from './context.js';
import { mintToken, parseToken, secretMatches } from './secrets.js';

export interface ClusterCredentialPolicy {
  /** How long a credential lives; agents rotate before it ends. */
  ttlMs: number;
  /** How long the previous credential keeps working after a rotation if the new one is never used. */
  rotationGraceMs: number;
}

export const defaultCredentialPolicy: ClusterCredentialPolicy = {
  ttlMs: 30 * 24 * 60 * 60 * 1000,
  rotationGraceMs: 60 * 60 * 1000,
};

export interface IssuedCredential {
  /** The secret, shown to the agent once. */
  credential: string;
  expiresAt: Date;
}

export type CredentialContext = AuthContext & { credentials: ClusterCredentialPolicy };

export async function issueClusterCredential(
  ctx: CredentialContext,
  clusterId: string,
  db: Executor = ctx.db,
): Promise<IssuedCredential> {
  const minted = mintToken('cl');
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + ctx.credentials.ttlMs);
  await db.insert(clusterCredentials).values({ id: minted.id, clusterId, secretHash: minted.hash, createdAt: now, expiresAt });
  return { credential: minted.secret, expiresAt };
}

const unauthenticated = (message: string) => new FlotillaError('Unauthenticated', message);

/** The cluster id a credential speaks for; Unauthenticated when malformed, unknown, expired, superseded or revoked. */
/** A verified credential: whose it is and until when it may be used (an open stream ends then). */
export interface VerifiedCredential {
  clusterId: string;
  expiresAt: Date;
}

export async function verifyClusterCredential(ctx: CredentialContext, secret: string | undefined): Promise<string> {
  return (await checkClusterCredential(ctx, secret)).clusterId;
}

export async function checkClusterCredential(ctx: CredentialContext, secret: string | undefined): Promise<VerifiedCredential> {
  if (!secret) throw unauthenticated('missing cluster credential');
  const parsed = parseToken(secret, 'cl');
  if (!parsed) throw unauthenticated('malformed cluster credential: expected flt_cl_<id>_<secret>');
  const [found] = await ctx.db
    .select({ credential: clusterCredentials, clusterRevokedAt: clusters.revokedAt, clusterName: clusters.name })
    .from(clusterCredentials)
    .innerJoin(clusters, eq(clusters.id, clusterCredentials.clusterId))
    .where(eq(clusterCredentials.id, parsed.id));
  if (!found || !secretMatches(secret, found.credential.secretHash)) throw unauthenticated(`unknown cluster credential ${parsed.id}`);
  const { credential } = found;
  const now = ctx.now();
  if (found.clusterRevokedAt) throw unauthenticated(`cluster "${found.clusterName}" was revoked`);
  if (credential.revokedAt) throw unauthenticated(`cluster credential ${credential.id} was revoked or superseded by a rotation`);
  if (credential.expiresAt <= now) {
    throw unauthenticated(`cluster credential ${credential.id} expired at ${credential.expiresAt.toISOString()}`);
  }
  if (!credential.firstUsedAt) await retireOlder(ctx, credential.id, credential.clusterId, credential.createdAt, now);
  return { clusterId: credential.clusterId, expiresAt: credential.expiresAt };
}

// The first use of a credential proves the agent holds it, so every credential issued before it can go.
async function retireOlder(ctx: CredentialContext, id: string, clusterId: string, createdAt: Date, now: Date) {
  await ctx.db.transaction(async (tx) => {
    await tx.update(clusterCredentials).set({ firstUsedAt: now }).where(and(eq(clusterCredentials.id, id), isNull(clusterCredentials.firstUsedAt)));
    await tx
      .update(clusterCredentials)
      .set({ revokedAt: now })
      .where(
        and(
          eq(clusterCredentials.clusterId, clusterId),
          ne(clusterCredentials.id, id),
          isNull(clusterCredentials.revokedAt),
          lte(clusterCredentials.createdAt, createdAt),
        ),
      );
  });
}

/** Issues a new credential for the cluster `current` speaks for; `current` keeps working for the grace period at most. */
export async function rotateClusterCredential(ctx: CredentialContext, current: string): Promise<IssuedCredential> {
  const clusterId = await verifyClusterCredential(ctx, current);
  const currentId = parseToken(current, 'cl')!.id;
  const graceEnd = new Date(ctx.now().getTime() + ctx.credentials.rotationGraceMs);
  return ctx.db.transaction(async (tx) => {
    await tx
      .update(clusterCredentials)
      .set({ expiresAt: sql`least(${clusterCredentials.expiresAt}, ${graceEnd.toISOString()}::timestamptz)` })
      .where(and(eq(clusterCredentials.id, currentId), isNull(clusterCredentials.revokedAt)));
    return issueClusterCredential(ctx, clusterId, tx);
  });
}

/** Marks the cluster revoked and revokes every credential it has; idempotent. NotFound for an unknown cluster. */
export async function revokeCluster(ctx: CredentialContext, clusterId: string, db: Executor = ctx.db): Promise<void> {
  const now = ctx.now();
  const [cluster] = await db.select({ id: clusters.id }).from(clusters).where(eq(clusters.id, clusterId));
  if (!cluster) throw new FlotillaError('NotFound', `cluster ${clusterId} not found`);
  await db.update(clusters).set({ revokedAt: now }).where(and(eq(clusters.id, clusterId), isNull(clusters.revokedAt)));
  await db
    .update(clusterCredentials)
    .set({ revokedAt: now })
    .where(and(eq(clusterCredentials.clusterId, clusterId), isNull(clusterCredentials.revokedAt)));
}
