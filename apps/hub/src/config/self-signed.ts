// The hub's own certificate authority for `tls: 'self-signed'`: a CA and a serving certificate created on first start
// and kept in the data directory (keys 0600), so agents can pin the CA the hub serves at /api/v1/ca.
import { webcrypto } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata API loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

export interface TlsMaterial {
  /** PEM certificate chain the server presents. */
  cert: string;
  /** PEM private key of `cert`. */
  key: string;
  /** PEM certificate of the CA that signed `cert`, when the hub knows it. */
  ca?: string;
}

const algorithm = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const signingAlgorithm = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY = 24 * 60 * 60 * 1000;
// @peculiar/x509 takes the crypto provider as an argument; Node's WebCrypto is that provider.
const crypto = webcrypto as unknown as Parameters<typeof x509.X509CertificateGenerator.create>[1];
const subtle = webcrypto.subtle;
type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

function pem(label: string, der: ArrayBuffer): string {
  const body = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').trimEnd();
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

async function keyPair(): Promise<CryptoKeyPair> {
  return subtle.generateKey(algorithm, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
}

async function privatePem(key: CryptoKey): Promise<string> {
  return pem('PRIVATE KEY', await subtle.exportKey('pkcs8', key));
}

/** The names the serving certificate is valid for: loopback, this host, and any the operator adds. */
export function serverNames(extra: string[] = []): string[] {
  return [...new Set(['localhost', '127.0.0.1', '::1', os.hostname(), ...extra])];
}

/** Creates a CA and a serving certificate for `names`, valid from `now`. */
export async function createSelfSigned(names: string[], now: Date): Promise<Required<TlsMaterial> & { caKey: string }> {
  const caKeys = await keyPair();
  const caCert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      name: 'CN=Flotilla hub CA',
      keys: caKeys,
      notBefore: new Date(now.getTime() - DAY),
      notAfter: new Date(now.getTime() + 10 * 365 * DAY),
      signingAlgorithm,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  const serverKeys = await keyPair();
  const serverCert = await x509.X509CertificateGenerator.create(
    {
      subject: 'CN=flotilla-hub',
      issuer: caCert.subject,
      publicKey: serverKeys.publicKey,
      signingKey: caKeys.privateKey,
      notBefore: new Date(now.getTime() - DAY),
      notAfter: new Date(now.getTime() + 2 * 365 * DAY),
      signingAlgorithm,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(
          names.map((value) => ({ type: isIP(value) ? ('ip' as const) : ('dns' as const), value })),
        ),
        await x509.AuthorityKeyIdentifierExtension.create(caCert, false, crypto),
      ],
    },
    crypto,
  );
  return {
    cert: serverCert.toString('pem') + '\n',
    key: await privatePem(serverKeys.privateKey),
    ca: caCert.toString('pem') + '\n',
    caKey: await privatePem(caKeys.privateKey),
  };
}

const files = { cert: 'server.crt', key: 'server.key', ca: 'ca.crt', caKey: 'ca.key' } as const;

/** Loads the hub's CA and serving certificate from `dir`, creating them on first use. */
export async function loadOrCreateSelfSigned(dir: string, names: string[], now: Date): Promise<Required<TlsMaterial>> {
  const existing = await readMaterial(dir);
  if (existing) return existing;
  const created = await createSelfSigned(names, now);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const [field, file] of Object.entries(files) as [keyof typeof files, string][]) {
    const secret = field === 'key' || field === 'caKey';
    await writeFile(path.join(dir, file), created[field], { mode: secret ? 0o600 : 0o644 });
    if (secret) await chmod(path.join(dir, file), 0o600);
  }
  return { cert: created.cert, key: created.key, ca: created.ca };
}

async function readMaterial(dir: string): Promise<Required<TlsMaterial> | undefined> {
  try {
    const [cert, key, ca] = await Promise.all([files.cert, files.key, files.ca].map((f) => readFile(path.join(dir, f), 'utf8')));
    return { cert: cert!, key: key!, ca: ca! };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
