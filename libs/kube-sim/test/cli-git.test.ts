// `flotilla-sim git --repo DIR` as a user runs it: serves an existing work tree or bare repository to the real git CLI,
// refuses pushes, names a directory that is no repository, and stops on SIGINT.

import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/flotilla-sim.mjs', import.meta.url));
const gitEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };

function git(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, env: gitEnv }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

function serve(args: string[]) {
  const p = spawn(process.execPath, [BIN, 'git', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = new Promise<number | null>((resolve) => p.on('close', resolve));
  const url = new Promise<string>((resolve, reject) => {
    p.stdout.on('data', () => {
      const m = /at (http:\/\/\S+\.git);/.exec(out);
      if (m) resolve(m[1]!);
    });
    void code.then((c) => reject(new Error(`flotilla-sim git exited (${c}) before printing its clone URL: ${err}`)));
  });
  url.catch(() => undefined); // awaited only by the tests that expect a URL
  return { p, code, url, stdout: () => out, stderr: () => err };
}

describe('flotilla-sim git', () => {
  const dirs: string[] = [];
  const procs: ReturnType<typeof serve>[] = [];
  afterEach(async () => {
    for (const proc of procs.splice(0)) {
      proc.p.kill('SIGKILL');
      await proc.code;
    }
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function workTree(): Promise<{ dir: string; commit: string }> {
    const dir = await mkdtemp(join(tmpdir(), 'sim-git-'));
    dirs.push(dir);
    const repo = join(dir, 'shop');
    await git(['init', '-q', '-b', 'main', repo], dir);
    await writeFile(join(repo, 'app.yaml'), 'kind: ConfigMap\n');
    await git(['add', '.'], repo);
    await git(['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'first'], repo);
    const commit = (await git(['rev-parse', 'HEAD'], repo)).stdout.trim();
    return { dir: repo, commit };
  }

  it('serves a work tree to git clone, refuses a push, and stops on SIGINT', async () => {
    const { dir, commit } = await workTree();
    const proc = serve(['--repo', dir]);
    procs.push(proc);
    const url = await proc.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/shop\.git$/);

    const into = await mkdtemp(join(tmpdir(), 'sim-clone-'));
    dirs.push(into);
    const clone = await git(['clone', '-q', url, 'copy'], into);
    expect(clone.code, clone.stderr).toBe(0);
    expect((await git(['rev-parse', 'HEAD'], join(into, 'copy'))).stdout.trim()).toBe(commit);
    expect(await readFile(join(into, 'copy', 'app.yaml'), 'utf8')).toBe('kind: ConfigMap\n');
    expect((await git(['ls-remote', url, 'refs/heads/main'], into)).stdout).toBe(`${commit}\trefs/heads/main\n`);

    await writeFile(join(into, 'copy', 'app.yaml'), 'kind: Secret\n');
    await git(['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qam', 'second'], join(into, 'copy'));
    const push = await git(['push', 'origin', 'main'], join(into, 'copy'));
    expect(push.code).not.toBe(0);
    expect(push.stderr).toMatch(/403/);

    proc.p.kill('SIGINT');
    expect(await proc.code).toBe(0);
    expect(proc.stdout()).toMatch(/flotilla-sim git: stopped/);
  });

  it('serves a bare repository on the port asked for', async () => {
    const { dir, commit } = await workTree();
    const bare = `${dir}-bare.git`;
    await git(['clone', '-q', '--bare', dir, bare], dir);
    const proc = serve(['--repo', bare, '--host', '127.0.0.1', '--port', '0']);
    procs.push(proc);
    const url = await proc.url;
    expect(url).toMatch(/\/shop-bare\.git$/);
    expect((await git(['ls-remote', url, 'HEAD'], dir)).stdout).toBe(`${commit}\tHEAD\n`);
  });

  it('names a directory that is no repository, and a missing --repo', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-nogit-'));
    dirs.push(dir);
    const proc = serve(['--repo', dir]);
    expect(await proc.code).toBe(1);
    expect(proc.stderr()).toContain(`${dir} is not a git repository`);
    const missing = serve([]);
    expect(await missing.code).toBe(2);
    expect(missing.stderr()).toContain('git: --repo is required');
  });
});
