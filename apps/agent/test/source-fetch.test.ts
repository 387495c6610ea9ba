// Fetching: only the commit asked for, shallow, cached on disk across agent restarts; a hostile git server (endless
// pack, zip-bomb object, millions of objects, drip feed) is cut off at the limit named in the error.
import fs from 'node:fs';
import git from 'isomorphic-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitServer, startHostileGitServer, tempDir } from '@flotilla/testkit';
import type { GitServer, HostileGitServer, HostileMode, TempDir } from '@flotilla/testkit';
import { Source } from '../src/source/index.js';

describe('fetching a commit', () => {
  let server: GitServer;
  let dir: TempDir;
  const commits: string[] = [];

  beforeAll(async () => {
    [server, dir] = await Promise.all([startGitServer(), tempDir('flotilla-source-fetch-')]);
    await server.createRepo('history');
    for (let i = 0; i < 3; i++) commits.push(await server.commit('history', { 'app/cm.yaml': `n: ${i}\n`, [`other/${i}.txt`]: 'x'.repeat(1000) }, `c${i}`));
  });

  afterAll(async () => {
    await Promise.all([server?.close(), dir?.cleanup()]);
  });

  it('fetches only the asked commit at depth 1: neither its parent nor newer commits are in the cache', async () => {
    const source = new Source({ cacheDir: `${dir.path}/shallow` });
    const gitdir = await source.ensureCommit(server.repoUrl('history'), commits[1]!);
    await expect(git.readCommit({ fs, gitdir, oid: commits[1]! })).resolves.toBeDefined();
    await expect(git.readCommit({ fs, gitdir, oid: commits[0]! })).rejects.toThrow();
    await expect(git.readCommit({ fs, gitdir, oid: commits[2]! })).rejects.toThrow();
  });

  it('serves a commit cached by an earlier agent process from disk, without the server', async () => {
    const own = await startGitServer();
    await own.createRepo('r');
    const sha = await own.commit('r', { 'app/a.yaml': 'a: 1\n' });
    const url = own.repoUrl('r');
    await new Source({ cacheDir: `${dir.path}/restart` }).checkout(url, sha, 'app');
    await own.close();
    // A new Source over the same directory is what a restarted agent holds.
    const checkout = await new Source({ cacheDir: `${dir.path}/restart` }).checkout(url, sha, 'app');
    expect(Buffer.from(await checkout.reader().read('app/a.yaml')).toString()).toBe('a: 1\n');
  });
});

describe('a hostile git server', () => {
  let dir: TempDir;
  const servers: HostileGitServer[] = [];
  // What the server wrote includes what sat in loopback socket buffers when the agent closed the connection.
  const socketSlack = 16 * 1024 * 1024;
  const hostile = async (mode: HostileMode) => {
    const s = await startHostileGitServer(mode);
    servers.push(s);
    return s;
  };

  beforeAll(async () => {
    dir = await tempDir('flotilla-source-hostile-');
  });

  afterAll(async () => {
    await Promise.all([...servers.map((s) => s.close()), dir?.cleanup()]);
  });

  it('cuts off an endless pack at maxFetchBytes, holding no more than the cap in memory', async () => {
    const s = await hostile({ kind: 'endless-pack' });
    const cap = 8 * 1024 * 1024;
    const source = new Source({ cacheDir: `${dir.path}/endless`, limits: { maxFetchBytes: cap } });
    const before = process.memoryUsage();
    await expect(source.ensureCommit(s.repoUrl('r'), s.commit)).rejects.toMatchObject({
      message: `git fetch ${s.repoUrl('r')} received more than ${cap} bytes (limit maxFetchBytes)`,
    });
    const carried = await s.cutOff();
    expect(carried).toBeLessThan(cap + socketSlack);
    const after = process.memoryUsage();
    expect(after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers)).toBeLessThan(128 * 1024 * 1024);
  });

  it('cuts off a pack whose object is declared larger than maxObjectBytes at its header', async () => {
    const s = await hostile({ kind: 'huge-object', declaredSize: 2 ** 32 });
    const source = new Source({ cacheDir: `${dir.path}/declared`, limits: { maxObjectBytes: 16 * 1024 * 1024 } });
    await expect(source.ensureCommit(s.repoUrl('r'), s.commit)).rejects.toMatchObject({
      message: `the git server sent an object of ${2 ** 32} bytes, more than ${16 * 1024 * 1024} (limit maxObjectBytes)`,
    });
    expect(await s.cutOff()).toBeLessThan(socketSlack);
  });

  it('cuts off a zip bomb that lies about its size once it inflates past maxObjectBytes', async () => {
    const s = await hostile({ kind: 'huge-object', declaredSize: 100 });
    const source = new Source({ cacheDir: `${dir.path}/bomb`, limits: { maxObjectBytes: 16 * 1024 * 1024 } });
    await expect(source.ensureCommit(s.repoUrl('r'), s.commit)).rejects.toMatchObject({
      message: `an object in the git server's pack inflates to more than ${16 * 1024 * 1024} bytes (limit maxObjectBytes)`,
    });
    // Zeros deflate about 1000:1: the cut came long before the byte cap (256 MiB by default).
    expect(await s.cutOff()).toBeLessThan(socketSlack);
  });

  it('refuses a pack claiming more than maxObjects objects', async () => {
    const s = await hostile({ kind: 'many-objects', objects: 50_000_000 });
    const source = new Source({ cacheDir: `${dir.path}/many` });
    await expect(source.ensureCommit(s.repoUrl('r'), s.commit)).rejects.toMatchObject({
      message: 'the git server sent a pack of 50000000 objects, more than 200000 (limit maxObjects)',
    });
    expect(await s.cutOff()).toBeLessThan(socketSlack);
  });

  it('gives up on a drip feed at maxFetchMs although the server never goes idle', async () => {
    const s = await hostile({ kind: 'drip', intervalMs: 20 });
    const source = new Source({ cacheDir: `${dir.path}/drip`, limits: { maxFetchMs: 800, idleTimeoutMs: 10_000 } });
    await expect(source.ensureCommit(s.repoUrl('r'), s.commit)).rejects.toMatchObject({
      code: 'FailedPrecondition',
      message: `git fetch ${s.repoUrl('r')} did not finish within 800 ms (limit maxFetchMs)`,
    });
    await s.cutOff();
  });
});
