// Token strings and their hashes. Format `flt_<kind>_<id>_<secret>`: the id is public (logs and lists may name it),
// the secret is 256 random bits; the hub stores only SHA-256 of the whole string and compares hashes in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export type TokenKind = 'api' | 'reg' | 'cl';

export interface ParsedToken {
  kind: TokenKind;
  id: string;
}

export interface MintedToken {
  id: string;
  /** The full token, shown to its owner once. */
  secret: string;
  hash: string;
}

const TOKEN = /^flt_(api|reg|cl)_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export function mintToken(kind: TokenKind): MintedToken {
  const id = randomBytes(8).toString('hex');
  const secret = `flt_${kind}_${id}_${randomBytes(32).toString('base64url')}`;
  return { id, secret, hash: hashSecret(secret) };
}

/** The kind and public id of a well-formed token, or undefined. */
export function parseToken(secret: string, kind: TokenKind): ParsedToken | undefined {
  const match = TOKEN.exec(secret);
  if (!match || match[1] !== kind || match[2] === undefined) return undefined;
  return { kind, id: match[2] };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Whether `secret` hashes to `storedHash`, compared in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const actual = Buffer.from(hashSecret(secret), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
