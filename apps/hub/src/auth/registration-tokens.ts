// Registration (bootstrap) tokens: created by admins, expiring, optionally limited in uses; an agent spends one use
// to register its cluster.
import { and, desc, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import { FlotillaError } from '../errors/index.js';
import { registrationTokens } from '../store/index.js';
import type { RegistrationTokenRow } from '../store/index.js';
import { addSeconds } from './context.js';
import type { AuthContext, Executor } from './context.js';
import { mintToken, parseToken, secretMatches } from './secrets.js';

export const DEFAULT_REGISTRATION_TTL_SECONDS = 24 * 60 * 60;

export interface RegistrationTokenInfo {
  id: string;
  description: string;
  createdAt: Date;
  expiresAt: Date;
  /** 0 = unlimited until expiry. */
  maxUses: number;
  uses: number;
  revoked: boolean;
}

export interface CreateRegistrationTokenInput {
  description?: string;
  /** Lifetime in seconds; absent or 0 means 24 hours. */
  ttlSeconds?: number;
  /** Registrations allowed; absent or 0 means unlimited until expiry. */
  maxUses?: number;
}

function info(row: RegistrationTokenRow): RegistrationTokenInfo {
  return {
    id: row.id,
    description: row.description,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    maxUses: row.maxUses,
    uses: row.uses,
    revoked: row.revokedAt !== null,
  };
}

export async function createRegistrationToken(ctx: AuthContext, input: CreateRegistrationTokenInput) {
  const ttl = input.ttlSeconds || DEFAULT_REGISTRATION_TTL_SECONDS;
  if (ttl < 0) throw new FlotillaError('InvalidArgument', 'ttlSeconds: must not be negative');
  if ((input.maxUses ?? 0) < 0) throw new FlotillaError('InvalidArgument', 'maxUses: must not be negative');
  const minted = mintToken('reg');
  const now = ctx.now();
  const [row] = await ctx.db
    .insert(registrationTokens)
    .values({
      id: minted.id,
      description: input.description ?? '',
      secretHash: minted.hash,
      createdAt: now,
      expiresAt: addSeconds(now, ttl),
      maxUses: input.maxUses ?? 0,
    })
    .returning();
  return { token: info(row!), secret: minted.secret };
}

export async function listRegistrationTokens(ctx: AuthContext): Promise<RegistrationTokenInfo[]> {
  const rows = await ctx.db.select().from(registrationTokens).orderBy(desc(registrationTokens.createdAt), registrationTokens.id);
  return rows.map(info);
}

export async function revokeRegistrationToken(ctx: AuthContext, id: string): Promise<RegistrationTokenInfo> {
  await ctx.db
    .update(registrationTokens)
    .set({ revokedAt: ctx.now() })
    .where(and(eq(registrationTokens.id, id), isNull(registrationTokens.revokedAt)));
  const [row] = await ctx.db.select().from(registrationTokens).where(eq(registrationTokens.id, id));
  if (!row) throw new FlotillaError('NotFound', `registration token ${id} not found`);
  return info(row);
}

/**
 * Spends one use of a registration token. The single conditional UPDATE is what prevents a double spend: concurrent
 * callers race on the row lock and only those that still see `uses < max_uses` get a row back. Run it inside the
 * registration's transaction so a failed registration gives the use back.
 */
export async function consumeRegistrationToken(
  ctx: AuthContext,
  secret: string,
  db: Executor = ctx.db,
): Promise<RegistrationTokenInfo> {
  const parsed = parseToken(secret, 'reg');
  if (!parsed) throw new FlotillaError('Unauthenticated', 'malformed registration token: expected flt_reg_<id>_<secret>');
  const [found] = await db.select().from(registrationTokens).where(eq(registrationTokens.id, parsed.id));
  if (!found || !secretMatches(secret, found.secretHash)) {
    throw new FlotillaError('Unauthenticated', `unknown registration token ${parsed.id}`);
  }
  const now = ctx.now();
  const [spent] = await db
    .update(registrationTokens)
    .set({ uses: sql`${registrationTokens.uses} + 1` })
    .where(
      and(
        eq(registrationTokens.id, parsed.id),
        isNull(registrationTokens.revokedAt),
        gt(registrationTokens.expiresAt, now),
        or(eq(registrationTokens.maxUses, 0), lt(registrationTokens.uses, registrationTokens.maxUses)),
      ),
    )
    .returning();
  if (spent) return info(spent);
  const [current] = await db.select().from(registrationTokens).where(eq(registrationTokens.id, parsed.id));
  throw refusal(current ?? found, now);
}

function refusal(row: RegistrationTokenRow, now: Date): FlotillaError {
  if (row.revokedAt) return new FlotillaError('PermissionDenied', `registration token ${row.id} was revoked`);
  if (row.expiresAt <= now) {
    return new FlotillaError('PermissionDenied', `registration token ${row.id} expired at ${row.expiresAt.toISOString()}`);
  }
  return new FlotillaError('PermissionDenied', `registration token ${row.id} is used up (${row.uses} of ${row.maxUses} uses)`);
}
