// Signing keys for test commits, made with the real gpg and ssh-keygen, so commit signatures come from real git.
import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** How RepoStore signs one commit: with an OpenPGP key from a GnuPG home, or an SSH key file. */
export type CommitSigner = { format: 'openpgp'; gnupgHome: string; keyId: string } | { format: 'ssh'; keyFile: string };

export interface GpgKey {
  signer: CommitSigner;
  /** The armored public key, as a cluster admin would configure it. */
  publicKey: string;
  fingerprint: string;
}

export interface SshKey {
  signer: CommitSigner;
  /** `ssh-ed25519 AAAA... comment`, as a cluster admin would configure it. */
  publicKey: string;
}

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env } }, (err, stdout, stderr) =>
      err ? reject(new Error(`${cmd} ${args.join(' ')} failed: ${stderr.trim() || err.message}`)) : resolve(stdout),
    );
  });
}

/** A fresh ed25519 OpenPGP key without a passphrase in its own GnuPG home under `dir`. */
export async function createGpgKey(dir: string, name = 'Flotilla Release'): Promise<GpgKey> {
  const gnupgHome = path.join(dir, `gnupg-${Math.random().toString(36).slice(2)}`);
  await mkdir(gnupgHome, { recursive: true, mode: 0o700 });
  const env = { GNUPGHOME: gnupgHome };
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}@flotilla.invalid`;
  await run('gpg', ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', '--quick-gen-key', `${name} <${email}>`, 'ed25519', 'sign', 'never'], env);
  const listing = await run('gpg', ['--batch', '--with-colons', '--list-keys', email], env);
  const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(listing)?.[1];
  if (!fingerprint) throw new Error(`gpg: no fingerprint for ${email} in ${listing}`);
  const publicKey = await run('gpg', ['--batch', '--armor', '--export', fingerprint], env);
  return { signer: { format: 'openpgp', gnupgHome, keyId: fingerprint }, publicKey, fingerprint };
}

/** A fresh ed25519 SSH key without a passphrase under `dir`. */
export async function createSshKey(dir: string, comment = 'release@flotilla.invalid'): Promise<SshKey> {
  const keyFile = path.join(dir, `ssh-${Math.random().toString(36).slice(2)}`);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', keyFile]);
  return { signer: { format: 'ssh', keyFile }, publicKey: (await readFile(`${keyFile}.pub`, 'utf8')).trim() };
}
