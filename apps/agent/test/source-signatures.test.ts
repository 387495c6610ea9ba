// Commit signatures: an application the cluster admin marked runs only commits signed (by real git, with gpg or
// ssh-keygen keys) by a key it trusts; unsigned, wrongly signed or tampered commits are refused before anything is read.
import fs from 'node:fs';
import git from 'isomorphic-git';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpgKey, createSshKey, startGitServer, tempDir } from '@flotilla/testkit';
import type { GitServer, GpgKey, SshKey, TempDir } from '@flotilla/testkit';
import { Source, parseSignaturePolicy, verifyCommitSignature } from '../src/source/index.js';
import type { SignaturePolicy } from '../src/source/index.js';

const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n';
const builtin = { engine: 'builtin' } as const;

// Real gpg and ssh-keygen sign the commits (Debian: gnupg, openssh-client).
const signers = ['gpg', 'ssh-keygen'].every((tool) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch (_error) {
    process.stderr.write(`[agent] skipping commit signature tests: ${tool} is not installed (apt-get install gnupg openssh-client)\n`);
    return false;
  }
});

describe.skipIf(!signers)('commit signatures', () => {
  let server: GitServer;
  let dir: TempDir;
  let gpg: GpgKey;
  let otherGpg: GpgKey;
  let ssh: SshKey;
  let otherSsh: SshKey;
  let policy: SignaturePolicy;
  const commits: Record<string, string> = {};

  beforeAll(async () => {
    [server, dir] = await Promise.all([startGitServer(), tempDir('flotilla-source-signatures-')]);
    [gpg, otherGpg, ssh, otherSsh] = await Promise.all([createGpgKey(dir.path, 'Release Bot'), createGpgKey(dir.path, 'Mallory'), createSshKey(dir.path), createSshKey(dir.path, 'mallory@evil.invalid')]);
    await server.createRepo('signed');
    commits['unsigned'] = await server.commit('signed', { 'app/cm.yaml': cm }, 'unsigned');
    commits['gpg'] = await server.commit('signed', { 'app/cm.yaml': `${cm}data: {v: "1"}\n` }, 'gpg', gpg.signer);
    commits['ssh'] = await server.commit('signed', { 'app/cm.yaml': `${cm}data: {v: "2"}\n` }, 'ssh', ssh.signer);
    commits['otherGpg'] = await server.commit('signed', { 'app/cm.yaml': `${cm}data: {v: "3"}\n` }, 'other gpg', otherGpg.signer);
    commits['otherSsh'] = await server.commit('signed', { 'app/cm.yaml': `${cm}data: {v: "4"}\n` }, 'other ssh', otherSsh.signer);
    const indent = (text: string) => text.trim().split('\n').map((l) => `    ${l}`).join('\n');
    policy = parseSignaturePolicy(
      `keys:\n  release-bot: |\n${indent(gpg.publicKey)}\n  release-ssh: ${ssh.publicKey}\napps:\n  shop: [release-bot, release-ssh]\n  "*": [release-ssh]\n`,
      'commit-signatures.yaml',
    );
  });

  afterAll(async () => {
    await Promise.all([server?.close(), dir?.cleanup()]);
  });

  const source = () => new Source({ cacheDir: `${dir.path}/cache`, signatures: policy });
  const target = (app: string, commit: string) => ({ app, repoUrl: server.repoUrl('signed'), commit, path: 'app' });

  it('renders commits signed by a trusted OpenPGP or SSH key', async () => {
    await expect(source().verify(target('shop', commits['gpg']!))).resolves.toBe('release-bot');
    await expect(source().verify(target('shop', commits['ssh']!))).resolves.toBe('release-ssh');
    const rendered = await source().render(target('shop', commits['gpg']!), builtin, {});
    expect(rendered.objects[0]?.['data']).toEqual({ v: '1' });
  });

  it('refuses an unsigned commit, naming the commit, the app and the trusted keys', async () => {
    await expect(source().render(target('shop', commits['unsigned']!), builtin, {})).rejects.toMatchObject({
      code: 'PermissionDenied',
      message: `commit ${commits['unsigned']} is refused for app "shop": it is not signed; it must be signed by a trusted key (release-bot, release-ssh)`,
    });
  });

  it('refuses commits signed by keys it does not trust', async () => {
    await expect(source().verify(target('shop', commits['otherGpg']!))).rejects.toMatchObject({
      code: 'PermissionDenied',
      message: expect.stringContaining(`it is signed by OpenPGP key ${otherGpg.fingerprint.slice(-16)}, which is not trusted`),
    });
    await expect(source().verify(target('shop', commits['otherSsh']!))).rejects.toMatchObject({ message: expect.stringMatching(/it is signed by SSH key SHA256:\S+, which is not trusted/) });
    // The global rule trusts only the SSH key: the OpenPGP-signed commit is refused for any other app.
    await expect(source().verify(target('search', commits['gpg']!))).rejects.toMatchObject({ code: 'PermissionDenied' });
    await expect(source().verify(target('search', commits['ssh']!))).resolves.toBe('release-ssh');
  });

  it('refuses a signature that does not match the commit (tampered content)', async () => {
    const raw = async (oid: string) => {
      const gitdir = await source().ensureCommit(server.repoUrl('signed'), oid);
      const { object } = await git.readObject({ fs, gitdir, oid, format: 'content' });
      return Buffer.from(object as Uint8Array).toString('latin1');
    };
    const keys = [...policy.keys.values()];
    // The same signature over a changed message: what a history rewrite keeping the signature header would produce.
    const tamper = (text: string, from: string, to: string) => Buffer.from(text.replace(`\n\n${from}\n`, `\n\n${to}\n`), 'latin1');
    const ssh = await raw(commits['ssh']!);
    await expect(verifyCommitSignature('shop', 'x', Buffer.from(ssh, 'latin1'), keys)).resolves.toBe('release-ssh');
    await expect(verifyCommitSignature('shop', 'x', tamper(ssh, 'ssh', 'evil'), keys)).rejects.toMatchObject({ message: expect.stringContaining('its SSH signature by key "release-ssh" does not verify') });
    await expect(verifyCommitSignature('shop', 'x', tamper(await raw(commits['gpg']!), 'gpg', 'evil'), keys)).rejects.toMatchObject({ message: expect.stringContaining('its OpenPGP signature by key "release-bot" does not verify') });
  });

  it('asks nothing of apps the policy does not name when there is no "*" rule', async () => {
    const lenient = new Source({ cacheDir: `${dir.path}/cache`, signatures: parseSignaturePolicy(`keys:\n  k: ${ssh.publicKey}\napps:\n  shop: [k]\n`, 'p.yaml') });
    await expect(lenient.verify(target('blog', commits['unsigned']!))).resolves.toBeUndefined();
    await expect(lenient.verify(target('shop', commits['unsigned']!))).rejects.toMatchObject({ code: 'PermissionDenied' });
  });

  it.each([
    ['keys: {k: "not a key"}\n', 'p.yaml: keys.k: neither an armored OpenPGP public key nor'],
    ['apps: {shop: [ghost]}\n', 'p.yaml: apps.shop: unknown key "ghost" (not under keys)'],
    ['trusted: []\n', 'p.yaml: unknown field "trusted" (expected keys, apps)'],
  ])('refuses a malformed policy %j', (text, message) => {
    expect(() => parseSignaturePolicy(text, 'p.yaml')).toThrow(message);
  });
});
