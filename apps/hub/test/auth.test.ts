import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuth, requireRole } from '../src/auth/index.js';
import type { Auth } from '../src/auth/index.js';
import { FlotillaError } from '../src/errors/index.js';
import { apiTokens, clusters, registrationTokens } from '../src/store/index.js';
import type { Store } from '../src/store/index.js';
import { drivers, openTestStore } from './support/stores.js';
import type { StoreFixture } from './support/stores.js';

const HOUR = 3600_000;

function clock(start = '2026-03-01T00:00:00Z') {
  let current = new Date(start);
  return { now: () => current, advance: (ms: number) => (current = new Date(current.getTime() + ms)) };
}

async function rejection(promise: Promise<unknown>): Promise<FlotillaError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof FlotillaError) return err;
    throw err;
  }
  throw new Error('expected a FlotillaError, got success');
}

describe.each(drivers)('auth on %s', (driver) => {
  let fixture: StoreFixture;
  let store: Store;
  let time: ReturnType<typeof clock>;
  let auth: Auth;
  let clusterSeq = 0;

  beforeAll(async () => {
    fixture = await openTestStore(driver);
    store = fixture.store;
    time = clock();
    auth = createAuth({ db: store, now: time.now, credentials: { ttlMs: 10 * HOUR, rotationGraceMs: HOUR } });
  });
  afterAll(() => fixture.cleanup());

  async function newCluster(): Promise<string> {
    const id = `cluster-${++clusterSeq}`;
    await store.insert(clusters).values({ id, name: `c${clusterSeq}`, registeredAt: time.now() });
    return id;
  }

  describe('API tokens', () => {
    it('creates the first admin token once and never again', async () => {
      const [first, second] = [await auth.ensureAdminToken(), await auth.ensureAdminToken()];
      expect(first).toMatch(/^flt_api_[0-9a-f]{16}_/);
      expect(second).toBeUndefined();
      expect(await auth.authenticate(first!)).toMatchObject({ name: 'admin', role: 'admin' });
    });

    it('stores only a hash of the secret', async () => {
      const { token, secret } = await auth.createApiToken({ name: 'ci', role: 'promoter' });
      const [row] = await store.select().from(apiTokens).where(eq(apiTokens.id, token.id));
      expect(row?.secretHash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(row)).not.toContain(secret.slice(-43));
    });

    it('refuses a token whose secret part was altered', async () => {
      const { secret } = await auth.createApiToken({ name: 'x', role: 'viewer' });
      const forged = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
      expect((await rejection(auth.authenticate(forged))).code).toBe('Unauthenticated');
    });

    it.each([
      [undefined, /missing API token/],
      ['Bearer', /malformed/],
      ['flt_reg_0123456789abcdef_' + 'a'.repeat(43), /malformed/],
      ['flt_api_0123456789abcdef_' + 'a'.repeat(43), /unknown API token 0123456789abcdef/],
    ])('answers Unauthenticated for %s', async (secret, message) => {
      const error = await rejection(auth.authenticate(secret));
      expect(error.code).toBe('Unauthenticated');
      expect(error.message).toMatch(message);
    });

    it('stops accepting a token once it expires', async () => {
      const { secret } = await auth.createApiToken({ name: 'short', role: 'viewer', ttlSeconds: 60 });
      expect((await auth.authenticate(secret)).role).toBe('viewer');
      time.advance(61_000);
      expect((await rejection(auth.authenticate(secret))).message).toMatch(/expired/);
    });

    it('stops accepting a revoked token and lists it as revoked', async () => {
      const { token, secret } = await auth.createApiToken({ name: 'gone', role: 'admin' });
      await auth.revokeApiToken(token.id);
      expect((await rejection(auth.authenticate(secret))).message).toMatch(/revoked/);
      expect((await auth.listApiTokens()).find((t) => t.id === token.id)?.revoked).toBe(true);
      expect((await rejection(auth.revokeApiToken('ffffffffffffffff'))).code).toBe('NotFound');
    });

    it('orders roles viewer < promoter < admin', async () => {
      const viewer = { tokenId: 'v', name: 'v', role: 'viewer' as const };
      const promoter = { tokenId: 'p', name: 'p', role: 'promoter' as const };
      expect(() => requireRole(promoter, 'promoter', 'CreatePromotion')).not.toThrow();
      expect(() => requireRole(promoter, 'viewer', 'ListClusters')).not.toThrow();
      const denied = (() => {
        try {
          requireRole(viewer, 'promoter', 'CreatePromotion');
        } catch (err) {
          return err as FlotillaError;
        }
      })();
      expect(denied?.code).toBe('PermissionDenied');
      expect(denied?.message).toBe('CreatePromotion needs role promoter; token "v" (v) has role viewer');
    });
  });

  describe('registration tokens', () => {
    it('expire after 24 hours by default', async () => {
      const { token, secret } = await auth.createRegistrationToken({});
      expect(token.expiresAt.getTime() - time.now().getTime()).toBe(24 * HOUR);
      time.advance(24 * HOUR);
      const error = await rejection(auth.consumeRegistrationToken(secret));
      expect([error.code, error.message]).toEqual(['PermissionDenied', expect.stringMatching(/expired/)]);
    });

    it('allow exactly maxUses registrations under concurrent consumption', async () => {
      const { token, secret } = await auth.createRegistrationToken({ maxUses: 3 });
      const results = await Promise.allSettled(Array.from({ length: 12 }, () => auth.consumeRegistrationToken(secret)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(refused.map((r) => (r.reason as FlotillaError).message)).toEqual(
        Array(9).fill(`registration token ${token.id} is used up (3 of 3 uses)`),
      );
      const [row] = await store.select().from(registrationTokens).where(eq(registrationTokens.id, token.id));
      expect(row?.uses).toBe(3);
    });

    it('give the use back when the registering transaction fails', async () => {
      const { token, secret } = await auth.createRegistrationToken({ maxUses: 1 });
      await expect(
        store.transaction(async (tx) => {
          await auth.consumeRegistrationToken(secret, tx);
          throw new Error('cluster insert failed');
        }),
      ).rejects.toThrow('cluster insert failed');
      expect((await auth.consumeRegistrationToken(secret)).uses).toBe(1);
      expect((await auth.listRegistrationTokens()).find((t) => t.id === token.id)?.uses).toBe(1);
    });

    it('stop working once revoked', async () => {
      const { token, secret } = await auth.createRegistrationToken({ description: 'lab' });
      expect((await auth.revokeRegistrationToken(token.id)).revoked).toBe(true);
      expect((await rejection(auth.consumeRegistrationToken(secret))).message).toBe(`registration token ${token.id} was revoked`);
    });

    it('refuse an unknown or malformed token as Unauthenticated', async () => {
      expect((await rejection(auth.consumeRegistrationToken('nope'))).code).toBe('Unauthenticated');
      expect((await rejection(auth.consumeRegistrationToken('flt_reg_0123456789abcdef_' + 'b'.repeat(43)))).code).toBe(
        'Unauthenticated',
      );
    });
  });

  describe('cluster credentials', () => {
    it('verify to their cluster and expire', async () => {
      const clusterId = await newCluster();
      const { credential, expiresAt } = await auth.issueClusterCredential(clusterId);
      expect(expiresAt.getTime() - time.now().getTime()).toBe(10 * HOUR);
      expect(await auth.verifyClusterCredential(credential)).toBe(clusterId);
      time.advance(10 * HOUR);
      expect((await rejection(auth.verifyClusterCredential(credential))).message).toMatch(/expired/);
    });

    it('keep the old credential valid after rotation until the new one is first used', async () => {
      const clusterId = await newCluster();
      const { credential: old } = await auth.issueClusterCredential(clusterId);
      await auth.verifyClusterCredential(old);
      const { credential: next } = await auth.rotateClusterCredential(old);
      expect(await auth.verifyClusterCredential(old)).toBe(clusterId);
      expect(await auth.verifyClusterCredential(next)).toBe(clusterId);
      expect((await rejection(auth.verifyClusterCredential(old))).message).toMatch(/superseded/);
      expect(await auth.verifyClusterCredential(next)).toBe(clusterId);
    });

    it('end the old credential after the grace period even if the new one is never used', async () => {
      const clusterId = await newCluster();
      const { credential: old } = await auth.issueClusterCredential(clusterId);
      await auth.rotateClusterCredential(old);
      time.advance(HOUR - 1);
      expect(await auth.verifyClusterCredential(old)).toBe(clusterId);
      time.advance(1);
      expect((await rejection(auth.verifyClusterCredential(old))).message).toMatch(/expired/);
    });

    it('refuse every credential of a revoked cluster', async () => {
      const clusterId = await newCluster();
      const { credential: a } = await auth.issueClusterCredential(clusterId);
      const { credential: b } = await auth.rotateClusterCredential(a);
      await auth.revokeCluster(clusterId);
      await auth.revokeCluster(clusterId);
      for (const credential of [a, b]) {
        const error = await rejection(auth.verifyClusterCredential(credential));
        expect([error.code, error.message]).toEqual(['Unauthenticated', expect.stringMatching(/was revoked/)]);
      }
      expect((await rejection(auth.revokeCluster('missing'))).code).toBe('NotFound');
    });

    it('refuse a registration token presented as a cluster credential', async () => {
      const { secret } = await auth.createRegistrationToken({});
      expect((await rejection(auth.verifyClusterCredential(secret))).message).toMatch(/malformed cluster credential/);
    });
  });
});
