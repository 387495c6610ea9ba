// API tokens: named, role-carrying bearer tokens for REST and FleetService, revocable and optionally expiring.
import { and, count, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { FlotillaError } from '../errors/index.js';
import { apiTokens } from '../store/index.js';
import type { ApiTokenRow } from '../store/index.js';
import { addSeconds } from './context.js';
import type { AuthContext, Executor } from './context.js';
import type { Principal, Role } from './roles.js';
import { mintToken, parseToken, secretMatches } from './secrets.js';

export interface ApiTokenInfo {
  id: string;
  name: string;
  role: Role;
  createdAt: Date;
  expiresAt: Date | null;
  revoked: boolean;
  lastUsedAt: Date | null;
}

export interface CreateApiTokenInput {
  name: string;
  role: Role;
  /** Lifetime in seconds; absent or 0 means no expiry. */
  ttlSeconds?: number;
}

// Recording every request's use would write on every call; once a minute per token is enough to answer "is it used?".
const LAST_USED_RESOLUTION_MS = 60_000;

function info(row: ApiTokenRow): ApiTokenInfo {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    revoked: row.revokedAt !== null,
    lastUsedAt: row.lastUsedAt,
  };
}

export async function createApiToken(ctx: AuthContext, input: CreateApiTokenInput, db: Executor = ctx.db) {
  if (input.name.trim() === '') throw new FlotillaError('InvalidArgument', 'name: must not be empty');
  if (input.ttlSeconds !== undefined && input.ttlSeconds < 0) {
    throw new FlotillaError('InvalidArgument', 'ttlSeconds: must not be negative');
  }
  const minted = mintToken('api');
  const now = ctx.now();
  const [row] = await db
    .insert(apiTokens)
    .values({
      id: minted.id,
      name: input.name,
      role: input.role,
      secretHash: minted.hash,
      createdAt: now,
      expiresAt: input.ttlSeconds ? addSeconds(now, input.ttlSeconds) : null,
    })
    .returning();
  return { token: info(row!), secret: minted.secret };
}

export async function listApiTokens(ctx: AuthContext): Promise<ApiTokenInfo[]> {
  const rows = await ctx.db.select().from(apiTokens).orderBy(desc(apiTokens.createdAt), apiTokens.id);
  return rows.map(info);
}

export async function revokeApiToken(ctx: AuthContext, id: string): Promise<ApiTokenInfo> {
  const now = ctx.now();
  await ctx.db.update(apiTokens).set({ revokedAt: now }).where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)));
  const [row] = await ctx.db.select().from(apiTokens).where(eq(apiTokens.id, id));
  if (!row) throw new FlotillaError('NotFound', `API token ${id} not found`);
  return info(row);
}

/** The principal an API token speaks for; Unauthenticated when it is malformed, unknown, revoked or expired. */
export async function authenticateApiToken(ctx: AuthContext, secret: string | undefined): Promise<Principal> {
  if (!secret) throw new FlotillaError('Unauthenticated', 'missing API token: send "Authorization: Bearer <token>"');
  const parsed = parseToken(secret, 'api');
  if (!parsed) throw new FlotillaError('Unauthenticated', 'malformed API token: expected flt_api_<id>_<secret>');
  const [row] = await ctx.db.select().from(apiTokens).where(eq(apiTokens.id, parsed.id));
  if (!row || !secretMatches(secret, row.secretHash)) {
    throw new FlotillaError('Unauthenticated', `unknown API token ${parsed.id}`);
  }
  const now = ctx.now();
  if (row.revokedAt) throw new FlotillaError('Unauthenticated', `API token ${row.id} was revoked`);
  if (row.expiresAt && row.expiresAt <= now) {
    throw new FlotillaError('Unauthenticated', `API token ${row.id} expired at ${row.expiresAt.toISOString()}`);
  }
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await ctx.db
      .update(apiTokens)
      .set({ lastUsedAt: now })
      .where(and(eq(apiTokens.id, row.id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, now))));
  }
  return { tokenId: row.id, name: row.name, role: row.role as Role };
}

/**
 * Creates the first admin token when the hub has no API token at all and returns its secret; returns undefined on
 * every later start. The table lock keeps two hubs starting together on one PostgreSQL from both creating one.
 */
export async function ensureAdminToken(ctx: AuthContext): Promise<string | undefined> {
  return ctx.db.transaction(async (tx) => {
    await tx.execute(sql`LOCK TABLE api_tokens IN EXCLUSIVE MODE`);
    const [existing] = await tx.select({ n: count() }).from(apiTokens);
    if ((existing?.n ?? 0) > 0) return undefined;
    const { secret } = await createApiToken(ctx, { name: 'admin', role: 'admin' }, tx);
    return secret;
  });
}
