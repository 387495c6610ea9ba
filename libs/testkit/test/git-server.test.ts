import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGitServer, tempDir } from '../src/index.js';
import type { GitServer, TempDir } from '../src/index.js';
import { isolatedGitEnv, runGit } from '../src/git/run-git.js';

let server: GitServer;
let work: TempDir;
const cli = (args: string[], cwd?: string): Promise<string> => runGit(args, { cwd, env: isolatedGitEnv(work.path) });

beforeEach(async () => {
  work = await tempDir();
});
afterEach(async () => {
  await server?.close();
  await work.cleanup();
});

describe('startGitServer', () => {
  it('serves a repository the git CLI clones over HTTP, at the sha commit() returned', async () => {
    server = await startGitServer();
    await server.createRepo('apps/guestbook');
    const first = await server.commit('apps/guestbook', { 'deploy/app.yaml': 'kind: ConfigMap\n', 'README.md': 'hi\n' }, 'first');
    const second = await server.commit('apps/guestbook', { 'README.md': null, 'deploy/app.yaml': 'kind: Secret\n' }, 'second');
    expect(first).toMatch(/^[0-9a-f]{40}$/);
    expect(second).not.toBe(first);

    const dir = path.join(work.path, 'clone');
    await cli(['clone', '--quiet', server.repoUrl('apps/guestbook'), dir]);
    expect((await cli(['rev-parse', 'HEAD'], dir)).trim()).toBe(second);
    expect((await cli(['rev-parse', '--abbrev-ref', 'HEAD'], dir)).trim()).toBe('main');
    expect(await readFile(path.join(dir, 'deploy/app.yaml'), 'utf8')).toBe('kind: Secret\n');
    expect(existsSync(path.join(dir, 'README.md'))).toBe(false);
  });

  it('produces the same shas for the same commits on another server', async () => {
    const build = async (s: GitServer): Promise<string[]> => {
      await s.createRepo('r');
      return [await s.commit('r', { a: '1' }), await s.commit('r', { b: '2' }, 'two')];
    };
    server = await startGitServer();
    const other = await startGitServer();
    try {
      expect(await build(server)).toEqual(await build(other));
    } finally {
      await other.close();
    }
  });

  it('serves isomorphic-git clones', async () => {
    server = await startGitServer();
    await server.createRepo('demo');
    const sha = await server.commit('demo', { 'k8s/cm.yaml': 'name: a\n' });
    const dir = path.join(work.path, 'iso');
    await git.clone({ fs, http, dir, url: server.repoUrl('demo'), singleBranch: true, depth: 1 });
    expect(await git.resolveRef({ fs, dir, ref: 'HEAD' })).toBe(sha);
    expect(await readFile(path.join(dir, 'k8s/cm.yaml'), 'utf8')).toBe('name: a\n');
  });

  it('lets isomorphic-git and the git CLI fetch an exact commit that is not a branch tip', async () => {
    server = await startGitServer();
    await server.createRepo('demo');
    const old = await server.commit('demo', { 'v.txt': 'A' });
    await server.commit('demo', { 'v.txt': 'B' });

    const iso = path.join(work.path, 'iso');
    await git.init({ fs, dir: iso });
    await git.addRemote({ fs, dir: iso, remote: 'origin', url: server.repoUrl('demo') });
    await git.fetch({ fs, http, dir: iso, remote: 'origin', ref: old, singleBranch: true, depth: 1 });
    await git.checkout({ fs, dir: iso, ref: old, force: true });
    expect(await readFile(path.join(iso, 'v.txt'), 'utf8')).toBe('A');

    // Protocol v0 too (isomorphic-git speaks v0; the CLI defaults to v2).
    const viaCli = path.join(work.path, 'cli');
    await cli(['init', '--quiet', viaCli]);
    await cli(['-c', 'protocol.version=0', 'fetch', '--quiet', '--depth=1', server.repoUrl('demo'), old], viaCli);
    expect(await cli(['show', `${old}:v.txt`], viaCli)).toBe('A');
  });

  it('negotiates git protocol v2 with the git CLI (the Git-Protocol header reaches http-backend)', async () => {
    server = await startGitServer();
    await server.createRepo('demo');
    await server.commit('demo', { f: 'x' });
    const trace = await new Promise<string>((resolve, reject) => {
      execFile('git', ['-c', 'protocol.version=2', 'ls-remote', server.repoUrl('demo')], { env: isolatedGitEnv(work.path, { GIT_TRACE_PACKET: '1' }) }, (err, _out, stderr) =>
        err ? reject(err) : resolve(stderr),
      );
    });
    expect(trace).toMatch(/git< version 2/);
  });

  it('passes gzip-encoded upload-pack request bodies through to http-backend', async () => {
    server = await startGitServer();
    await server.createRepo('demo');
    const sha = await server.commit('demo', { f: 'x' });
    const pkt = (line: string): string => `${(line.length + 4).toString(16).padStart(4, '0')}${line}`;
    const body = gzipSync(Buffer.from(`${pkt(`want ${sha}\n`)}0000${pkt('done\n')}`));
    const res = await fetch(`${server.repoUrl('demo')}/git-upload-pack`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-git-upload-pack-request', 'content-encoding': 'gzip' },
      body,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-git-upload-pack-result');
    expect(Buffer.from(await res.arrayBuffer()).includes('PACK')).toBe(true);
  });

  it('answers 404 for a repository that does not exist', async () => {
    server = await startGitServer();
    const res = await fetch(`${server.repoUrl('missing')}/info/refs?service=git-upload-pack`);
    expect(res.status).toBe(404);
  });

  it('refuses bad repository names and file paths that escape the work tree', async () => {
    server = await startGitServer();
    await expect(server.createRepo('../escape')).rejects.toThrow(/invalid repository name/);
    await server.createRepo('ok');
    await expect(server.commit('ok', { '../outside': 'x' })).rejects.toThrow(/invalid file path/);
    await expect(server.commit('nope', { a: 'x' })).rejects.toThrow(/does not exist/);
  });

  it('close() stops serving and removes every repository from disk', async () => {
    server = await startGitServer();
    await server.createRepo('demo');
    await server.commit('demo', { a: '1' });
    expect(existsSync(server.dir)).toBe(true);
    await server.close();
    expect(existsSync(server.dir)).toBe(false);
    await expect(fetch(`${server.repoUrl('demo')}/info/refs?service=git-upload-pack`)).rejects.toThrow();
  });
});

describe('startGitServer with basic auth', () => {
  const auth = { username: 'flotilla', password: 's3cret' };
  const infoRefs = (creds?: string): Promise<Response> =>
    fetch(`${server.repoUrl('private')}/info/refs?service=git-upload-pack`, {
      headers: creds ? { authorization: `Basic ${Buffer.from(creds).toString('base64')}` } : {},
    });

  beforeEach(async () => {
    server = await startGitServer({ auth });
    await server.createRepo('private');
  });

  it('answers 401 with WWW-Authenticate when credentials are missing or wrong', async () => {
    for (const res of [await infoRefs(), await infoRefs('flotilla:wrong'), await infoRefs('other:s3cret')]) {
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    }
    expect((await infoRefs('flotilla:s3cret')).status).toBe(200);
  });

  it('lets isomorphic-git clone with the right credentials and refuses it without them', async () => {
    const sha = await server.commit('private', { secret: 'yes' });
    const url = server.repoUrl('private');
    await expect(git.clone({ fs, http, dir: path.join(work.path, 'anon'), url })).rejects.toThrow(/401/);
    const dir = path.join(work.path, 'authed');
    await git.clone({ fs, http, dir, url, onAuth: () => auth });
    expect(await git.resolveRef({ fs, dir, ref: 'HEAD' })).toBe(sha);
  });

  it('lets the git CLI clone with credentials in the URL and refuses it without them', async () => {
    const sha = await server.commit('private', { secret: 'yes' });
    await expect(cli(['clone', '--quiet', server.repoUrl('private'), path.join(work.path, 'anon')])).rejects.toThrow(/401|Authentication|could not read Username/i);
    const withCreds = server.repoUrl('private').replace('http://', `http://${auth.username}:${auth.password}@`);
    const dir = path.join(work.path, 'authed');
    await cli(['clone', '--quiet', withCreds, dir]);
    expect((await cli(['rev-parse', 'HEAD'], dir)).trim()).toBe(sha);
  });
});
