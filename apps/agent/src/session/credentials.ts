// When to rotate a credential: part-way through its life, so a missed attempt still leaves time before it expires.
import type { StoredCredential } from '../state/index.js';

/** The time to rotate at (ms since epoch), or undefined when the credential does not expire. */
export function rotationDue(credential: StoredCredential, fraction = 2 / 3): number | undefined {
  if (credential.expiresAt === undefined) return undefined;
  const issued = Date.parse(credential.issuedAt);
  const expires = Date.parse(credential.expiresAt);
  if (!Number.isFinite(issued) || !Number.isFinite(expires)) return undefined;
  return issued + Math.max(0, expires - issued) * fraction;
}
