// Serves one existing repository directory (a work tree or a bare repository) over smart HTTP with the real
// `git http-backend`, read-only, at http://HOST:PORT/<name>.git: what `flotilla-sim git --repo DIR` runs.
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serveWithHttpBackend } from './http-backend.js';
import { isolatedGitEnv, runGit } from './run-git.js';

export interface ServeRepositoryOptions {
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Port to bind (default 0: an ephemeral one). */
  port?: number;
  /** The repository's name in the URL, without `.git` (default: the directory's base name). */
  name?: string;
}

export interface ServedRepository {
  /** http://HOST:PORT/<name>.git, what `git clone` and an application's repoUrl take. */
  cloneUrl: string;
  /** The git directory served (DIR/.git for a work tree, DIR itself for a bare repository). */
  gitDir: string;
  close(): Promise<void>;
}

/** Resolves DIR's git directory with the real git; throws naming DIR when it is no repository. */
async function gitDirOf(dir: string, env: Record<string, string>): Promise<string> {
  try {
    const out = (await runGit(['rev-parse', '--absolute-git-dir'], { cwd: dir, env })).trim();
    return out;
  } catch (err) {
    throw new Error(`${dir} is not a git repository (a work tree or a bare repository): ${(err as Error).message}`, { cause: err });
  }
}

export async function serveRepository(dir: string, opts: ServeRepositoryOptions = {}): Promise<ServedRepository> {
  const repoDir = path.resolve(dir);
  const home = await mkdtemp(path.join(os.tmpdir(), 'flotilla-git-home-'));
  const children = new Set<ChildProcess>();
  let server: ReturnType<typeof createServer> | undefined;
  try {
    // The repository belongs to the user running this; safe.directory keeps git's ownership check out of the way.
    const env = isolatedGitEnv(home, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'safe.directory', GIT_CONFIG_VALUE_0: '*' });
    const gitDir = await gitDirOf(repoDir, env);
    const gitExecPath = (await runGit(['--exec-path'], { env })).trim();
    const name = opts.name ?? (path.basename(gitDir) === '.git' ? path.basename(path.dirname(gitDir)) : path.basename(gitDir).replace(/\.git$/, ''));
    const prefix = `/${name}.git`;
    const srv = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const refuse = (status: number, message: string): void => {
        req.resume();
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${message}\n`);
      };
      if (url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) return refuse(404, `no repository here; clone ${prefix}`);
      // Read-only: pushes are refused before the backend runs.
      if (url.searchParams.get('service') === 'git-receive-pack' || url.pathname.endsWith('/git-receive-pack')) return refuse(403, 'this server is read-only');
      let pathInfo: string;
      try {
        pathInfo = decodeURIComponent(url.pathname.slice(prefix.length)) || '/';
      } catch (_err) {
        return refuse(400, `malformed request path ${JSON.stringify(req.url)}`);
      }
      serveWithHttpBackend(req, res, { gitExecPath, projectRoot: gitDir, home, children, pathInfo });
    });
    server = srv;
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
    });
    const { address, port } = srv.address() as AddressInfo;
    const host = address.includes(':') ? `[${address}]` : address;
    let closed: Promise<void> | undefined;
    return {
      cloneUrl: `http://${host}:${port}${prefix}`,
      gitDir,
      close: () => {
        closed ??= (async () => {
          const stopped = new Promise<void>((resolve) => srv.close(() => resolve()));
          srv.closeAllConnections();
          await Promise.all([...children].map((child) => new Promise<void>((resolve) => {
            child.once('close', () => resolve());
            child.kill();
          })));
          await stopped;
          await rm(home, { recursive: true, force: true });
        })();
        return closed;
      },
    };
  } catch (err) {
    server?.close();
    await rm(home, { recursive: true, force: true });
    throw err;
  }
}
