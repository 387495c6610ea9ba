// Commit signature policy: which applications must run only commits signed by keys the cluster admin trusts, and the
// check itself, for OpenPGP signatures (openpgp) and SSH signatures (SSHSIG, verified with node:crypto).
import { createHash, createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import * as openpgp from 'openpgp';
import { parse } from 'yaml';
import { AgentError, errorMessage } from '../errors.js';

export interface TrustedKey {
  name: string;
  format: 'openpgp' | 'ssh';
  /** The armored OpenPGP public key, or the `ssh-ed25519 AAAA...` line. */
  text: string;
}

export interface SignaturePolicy {
  keys: ReadonlyMap<string, TrustedKey>;
  /** Application name (or "*" for every application) -> names of the keys it trusts. */
  apps: ReadonlyMap<string, readonly string[]>;
}

export const emptySignaturePolicy: SignaturePolicy = { keys: new Map(), apps: new Map() };

/**
 * Reads the policy file: `keys: {name: <armored OpenPGP key or ssh public key line>}` and
 * `apps: {<app or "*">: [key names]}`. Throws AgentError InvalidArgument naming the file and the entry.
 */
export function parseSignaturePolicy(text: string, source: string): SignaturePolicy {
  const bad = (message: string) => new AgentError('InvalidArgument', `${source}: ${message}`);
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw bad(`not YAML: ${errorMessage(error)}`);
  }
  if (doc === null || doc === undefined) return emptySignaturePolicy;
  if (typeof doc !== 'object' || Array.isArray(doc)) throw bad('must be a mapping with keys and apps');
  const { keys: rawKeys = {}, apps: rawApps = {}, ...rest } = doc as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw bad(`unknown field "${Object.keys(rest)[0]}" (expected keys, apps)`);
  if (typeof rawKeys !== 'object' || rawKeys === null || Array.isArray(rawKeys)) throw bad('keys must map key names to public keys');
  if (typeof rawApps !== 'object' || rawApps === null || Array.isArray(rawApps)) throw bad('apps must map application names (or "*") to lists of key names');
  const keys = new Map<string, TrustedKey>();
  for (const [name, value] of Object.entries(rawKeys)) {
    if (typeof value !== 'string') throw bad(`keys.${name}: must be a public key as text`);
    const trimmed = value.trim();
    if (trimmed.startsWith('-----BEGIN PGP PUBLIC KEY BLOCK-----')) keys.set(name, { name, format: 'openpgp', text: trimmed });
    else if (/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp256) [A-Za-z0-9+/=]+/.test(trimmed)) keys.set(name, { name, format: 'ssh', text: trimmed });
    else throw bad(`keys.${name}: neither an armored OpenPGP public key nor an ssh-ed25519/ssh-rsa/ecdsa-sha2-nistp256 public key`);
  }
  const apps = new Map<string, string[]>();
  for (const [app, value] of Object.entries(rawApps)) {
    if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== 'string')) throw bad(`apps.${app}: must be a non-empty list of key names`);
    for (const name of value as string[]) if (!keys.has(name)) throw bad(`apps.${app}: unknown key "${name}" (not under keys)`);
    apps.set(app, value as string[]);
  }
  return { keys, apps };
}

/** The keys `app` must be signed by, or undefined when its commits need no signature. */
export function trustedKeysFor(policy: SignaturePolicy, app: string): TrustedKey[] | undefined {
  const names = policy.apps.get(app) ?? policy.apps.get('*');
  return names?.map((n) => policy.keys.get(n)!);
}

// ---- SSH signatures (PROTOCOL.sshsig) ----

class Reader {
  private at = 0;
  constructor(private readonly b: Buffer) {}
  bytes(n: number): Buffer {
    if (this.at + n > this.b.length) throw new Error('truncated');
    const out = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  string(): Buffer {
    return this.bytes(this.bytes(4).readUInt32BE(0));
  }
  text(): string {
    return this.string().toString('latin1');
  }
}

const b64url = (b: Buffer) => b.toString('base64url');
const unsigned = (mpint: Buffer) => {
  let i = 0;
  while (i < mpint.length - 1 && mpint[i] === 0) i++;
  return mpint.subarray(i);
};
const sshString = (b: Buffer | string) => {
  const body = typeof b === 'string' ? Buffer.from(b) : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
};

function sshPublicKey(blob: Buffer): KeyObject {
  const r = new Reader(blob);
  const type = r.text();
  if (type === 'ssh-ed25519') return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(r.string()) }, format: 'jwk' });
  if (type === 'ssh-rsa') {
    const e = unsigned(r.string());
    const n = unsigned(r.string());
    return createPublicKey({ key: { kty: 'RSA', e: b64url(e), n: b64url(n) }, format: 'jwk' });
  }
  if (type === 'ecdsa-sha2-nistp256') {
    r.string();
    const q = r.string();
    if (q[0] !== 4 || q.length !== 65) throw new Error('unsupported ECDSA point encoding');
    return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64url(q.subarray(1, 33)), y: b64url(q.subarray(33)) }, format: 'jwk' });
  }
  throw new Error(`unsupported SSH key type ${type}`);
}

function sshBlobOf(line: string): Buffer {
  return Buffer.from(line.split(/\s+/)[1] ?? '', 'base64');
}

type Verdict = { ok: true; signer: string } | { ok: false; reason: string };

function verifySsh(armored: string, payload: Buffer, keys: TrustedKey[]): Verdict {
  const body = armored.replace(/-----(BEGIN|END) SSH SIGNATURE-----/g, '').replace(/\s+/g, '');
  let publicKey: Buffer, namespace: string, reserved: Buffer, hashAlgorithm: string, signature: Buffer;
  try {
    const r = new Reader(Buffer.from(body, 'base64'));
    if (r.bytes(6).toString('latin1') !== 'SSHSIG') throw new Error('no SSHSIG magic');
    r.bytes(4);
    publicKey = r.string();
    namespace = r.text();
    reserved = r.string();
    hashAlgorithm = r.text();
    signature = r.string();
  } catch (error) {
    return { ok: false, reason: `its SSH signature cannot be read (${errorMessage(error)})` };
  }
  const trusted = keys.find((k) => k.format === 'ssh' && sshBlobOf(k.text).equals(publicKey));
  const fingerprint = `SHA256:${createHash('sha256').update(publicKey).digest('base64').replace(/=+$/, '')}`;
  if (!trusted) return { ok: false, reason: `it is signed by SSH key ${fingerprint}, which is not trusted` };
  if (namespace !== 'git') return { ok: false, reason: `its SSH signature is for namespace "${namespace}", not "git"` };
  if (hashAlgorithm !== 'sha512' && hashAlgorithm !== 'sha256') return { ok: false, reason: `its SSH signature uses hash ${hashAlgorithm}` };
  const signed = Buffer.concat([Buffer.from('SSHSIG'), sshString(namespace), sshString(reserved), sshString(hashAlgorithm), sshString(createHash(hashAlgorithm).update(payload).digest())]);
  try {
    const sig = new Reader(signature);
    const algorithm = sig.text();
    const bytes = sig.string();
    const key = sshPublicKey(publicKey);
    let valid: boolean;
    if (algorithm === 'ssh-ed25519') valid = verify(null, signed, key, bytes);
    else if (algorithm === 'rsa-sha2-512' || algorithm === 'rsa-sha2-256') valid = verify(algorithm === 'rsa-sha2-512' ? 'sha512' : 'sha256', signed, key, bytes);
    else if (algorithm === 'ecdsa-sha2-nistp256') {
      const rs = new Reader(bytes);
      const rv = unsigned(rs.string());
      const sv = unsigned(rs.string());
      const p1363 = Buffer.concat([Buffer.alloc(32 - rv.length), rv, Buffer.alloc(32 - sv.length), sv]);
      valid = verify('sha256', signed, { key, dsaEncoding: 'ieee-p1363' }, p1363);
    } else return { ok: false, reason: `its SSH signature uses algorithm ${algorithm}` };
    return valid ? { ok: true, signer: trusted.name } : { ok: false, reason: `its SSH signature by key "${trusted.name}" does not verify` };
  } catch (error) {
    return { ok: false, reason: `its SSH signature cannot be checked (${errorMessage(error)})` };
  }
}

async function verifyOpenpgp(armored: string, payload: Buffer, keys: TrustedKey[]): Promise<Verdict> {
  let signature: openpgp.Signature;
  try {
    signature = await openpgp.readSignature({ armoredSignature: armored });
  } catch (error) {
    return { ok: false, reason: `its OpenPGP signature cannot be read (${errorMessage(error)})` };
  }
  const signingIds = signature.getSigningKeyIDs().map((id) => id.toHex());
  const candidates: { key: openpgp.PublicKey; trusted: TrustedKey }[] = [];
  for (const trusted of keys.filter((k) => k.format === 'openpgp')) {
    const key = await openpgp.readKey({ armoredKey: trusted.text });
    if (key.getKeyIDs().some((id) => signingIds.includes(id.toHex()))) candidates.push({ key, trusted });
  }
  if (candidates.length === 0) return { ok: false, reason: `it is signed by OpenPGP key ${signingIds.join(', ').toUpperCase() || '(none named)'}, which is not trusted` };
  const message = await openpgp.createMessage({ binary: payload });
  const result = await openpgp.verify({ message, signature, verificationKeys: candidates.map((c) => c.key), format: 'binary' });
  for (const s of result.signatures) {
    try {
      await s.verified;
      const trusted = candidates.find((c) => c.key.getKeyIDs().some((id) => id.equals(s.keyID)))!;
      return { ok: true, signer: trusted.trusted.name };
    } catch (_error) {
      // Try the next signature; none verifying is the verdict below.
    }
  }
  return { ok: false, reason: `its OpenPGP signature by key "${candidates[0]!.trusted.name}" does not verify` };
}

/**
 * A raw commit object split as git verifies it: the `gpgsig` header's value (continuation lines joined) and the
 * object without that header, which are exactly the bytes git signed.
 */
export function splitSignature(raw: Uint8Array): { signature: string | undefined; payload: Buffer } {
  const text = Buffer.from(raw);
  const end = text.indexOf('\n\n');
  const head = (end < 0 ? text : text.subarray(0, end)).toString('latin1').split('\n');
  const kept: string[] = [];
  const signature: string[] = [];
  let inSignature = false;
  for (const line of head) {
    if (line.startsWith('gpgsig ')) {
      inSignature = true;
      signature.push(line.slice('gpgsig '.length));
    } else if (inSignature && line.startsWith(' ')) signature.push(line.slice(1));
    else {
      inSignature = false;
      kept.push(line);
    }
  }
  const payload = Buffer.concat([Buffer.from(kept.join('\n'), 'latin1'), end < 0 ? Buffer.alloc(0) : text.subarray(end)]);
  return { signature: signature.length > 0 ? signature.join('\n') : undefined, payload };
}

/**
 * Throws AgentError PermissionDenied unless the raw commit object carries a valid signature by one of `keys`;
 * returns the name of the key that signed it.
 */
export async function verifyCommitSignature(app: string, commit: string, raw: Uint8Array, keys: TrustedKey[]): Promise<string> {
  const names = keys.map((k) => k.name).join(', ');
  const refuse = (why: string) => new AgentError('PermissionDenied', `commit ${commit} is refused for app "${app}": ${why}; it must be signed by a trusted key (${names})`);
  const { signature: gpgsig, payload: bytes } = splitSignature(raw);
  if (gpgsig === undefined || gpgsig.trim() === '') throw refuse('it is not signed');
  const verdict = gpgsig.includes('-----BEGIN SSH SIGNATURE-----')
    ? verifySsh(gpgsig, bytes, keys)
    : gpgsig.includes('-----BEGIN PGP SIGNATURE-----')
      ? await verifyOpenpgp(gpgsig, bytes, keys)
      : ({ ok: false, reason: 'its signature is neither OpenPGP nor SSH' } as Verdict);
  if (!verdict.ok) throw refuse(verdict.reason);
  return verdict.signer;
}
