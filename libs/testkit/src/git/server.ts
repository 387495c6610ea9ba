// A git smart-HTTP server for tests and the demo: real `git http-backend` behind node:http, with optional basic auth.
import type { ChildProcess } from 'node:child_process';
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serveWithHttpBackend } from './http-backend.js';
import { RepoStore } from './repos.js';
import type { FileChange } from './repos.js';
import type { CommitSigner } from './signing.js';
import { isolatedGitEnv, runGit } from './run-git.js';

export interface GitServerOptions {
  /** When set, every request must carry these HTTP basic credentials (401 otherwise). */
  auth?: { username: string; password: string };
}

export interface GitServer {
  /** http://127.0.0.1:<port> */
  url: string;
  /** The temporary directory holding every repository and work tree; removed by close(). */
  dir: string;
  /** http://127.0.0.1:<port>/<name>.git */
  repoUrl(name: string): string;
  /** Creates an empty bare repository whose default branch is main. */
  createRepo(name: string): Promise<void>;
  /**
   * Writes (string), deletes (null) or links (`{ symlink: target }`) files on main and commits; returns the 40-hex
   * commit sha, reproducible across runs (unsigned; with `signer`, signed by real git with that key).
   */
  commit(name: string, files: Record<string, FileChange>, message?: string, signer?: CommitSigner): Promise<string>;
  /** Stops the server and any running backend and removes every repository from disk. */
  close(): Promise<void>;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** The authenticated user name, or undefined when the request's credentials are missing or wrong. */
function authenticate(req: IncomingMessage, auth: NonNullable<GitServerOptions['auth']>): string | undefined {
  const header = req.headers.authorization;
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice('Basic '.length).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const userOk = timingSafeEqual(digest(decoded.slice(0, colon)), digest(auth.username));
  const passOk = timingSafeEqual(digest(decoded.slice(colon + 1)), digest(auth.password));
  return userOk && passOk ? auth.username : undefined;
}

function refuse(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(`${message}\n`);
}

export async function startGitServer(opts: GitServerOptions = {}): Promise<GitServer> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'flotilla-git-'));
  const reposDir = path.join(root, 'repos');
  const home = path.join(root, 'home');
  await Promise.all([mkdir(reposDir), mkdir(home), mkdir(path.join(root, 'work'))]);
  const repos = new RepoStore(reposDir, path.join(root, 'work'), home);
  const gitExecPath = (await runGit(['--exec-path'], { env: isolatedGitEnv(home) })).trim();
  const children = new Set<ChildProcess>();

  const server = createServer((req, res) => {
    let remoteUser: string | undefined;
    if (opts.auth) {
      remoteUser = authenticate(req, opts.auth);
      if (remoteUser === undefined) {
        req.resume();
        refuse(res, 401, 'authentication required', { 'www-authenticate': 'Basic realm="flotilla-test-git", charset="UTF-8"' });
        return;
      }
    }
    try {
      decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    } catch (_err) {
      req.resume();
      refuse(res, 400, `malformed request path ${JSON.stringify(req.url)}`);
      return;
    }
    serveWithHttpBackend(req, res, { gitExecPath, projectRoot: reposDir, home, remoteUser, children });
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  let closed: Promise<void> | undefined;

  return {
    url,
    dir: root,
    repoUrl: (name) => `${url}/${name}.git`,
    createRepo: (name) => repos.create(name),
    commit: (name, files, message, signer) => repos.commit(name, files, message, signer),
    close: () => {
      closed ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await Promise.all(
          [...children].map(
            (child) =>
              new Promise<void>((resolve) => {
                child.once('close', () => resolve());
                child.kill();
              }),
          ),
        );
        await stopped;
        await rm(root, { recursive: true, force: true });
      })();
      return closed;
    },
  };
}
