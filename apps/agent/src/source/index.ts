// Fetches an application's repository at an exact commit with isomorphic-git (shallow, cached per repo) and reads the
// commit's tree into the FileTree libs/render consumes.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import type { GitHttpRequest, HttpClient } from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import type { GitCredential } from '../config/index.js';
import { credentialFor } from '../config/index.js';
import { AgentError, errorMessage } from '../errors.js';

export interface SourceOptions {
  /** Where repositories are cached, one bare repository per URL. */
  cacheDir: string;
  credentials?: readonly GitCredential[];
  /** A git HTTP request idle this long fails, so one dead server cannot stall reconciliation (default 60 s). */
  timeoutMs?: number;
}

/** isomorphic-git's node client with a socket idle timeout (passed through to simple-get). */
function httpWithTimeout(timeoutMs: number): HttpClient {
  return {
    request: (request: GitHttpRequest) =>
      http.request({ ...request, fetchOptions: { ...(request as { fetchOptions?: object }).fetchOptions, timeout: timeoutMs } } as GitHttpRequest),
  };
}

/** The shape libs/render reads: POSIX paths relative to the repository root. */
export interface FileTree {
  files: ReadonlyMap<string, Uint8Array>;
  symlinks?: ReadonlyMap<string, string>;
}

const commitPattern = /^[0-9a-f]{40}$/;

/** The URL without any user:password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch (_error) {
    return '<invalid URL>';
  }
}

function gitErrorMessage(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const data = (error as { data?: { statusCode?: number; response?: string } }).data;
  const detail = data?.statusCode !== undefined ? ` (HTTP ${data.statusCode})` : '';
  return `${typeof code === 'string' ? `${code}: ` : ''}${errorMessage(error)}${detail}`;
}

export class Source {
  private readonly locks = new Map<string, Promise<unknown>>();
  /** isomorphic-git's pack cache, one per repository, so repeated reads do not re-inflate packfiles. */
  private readonly caches = new Map<string, object>();

  private readonly http: HttpClient;

  constructor(private readonly options: SourceOptions) {
    this.http = httpWithTimeout(options.timeoutMs ?? 60_000);
  }

  private gitdir(url: string): string {
    return path.join(this.options.cacheDir, `${createHash('sha256').update(url).digest('hex').slice(0, 24)}.git`);
  }

  private cacheOf(gitdir: string): object {
    let cache = this.caches.get(gitdir);
    if (!cache) this.caches.set(gitdir, (cache = {}));
    return cache;
  }

  /** Runs `task` while holding the repository's lock, so two fetches never write one cache at once. */
  private serialize<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    this.locks.set(key, next.catch(() => undefined));
    return next;
  }

  private async hasCommit(gitdir: string, oid: string): Promise<boolean> {
    try {
      await git.readCommit({ fs, gitdir, oid, cache: this.cacheOf(gitdir) });
      return true;
    } catch (_error) {
      return false;
    }
  }

  /**
   * Makes sure the commit is in the cache: first by asking for it by id (servers allowing unadvertised wants), then the
   * tips of every branch and tag, then their full history. Throws AgentError NotFound/Unavailable with the git error.
   */
  async ensureCommit(url: string, commit: string): Promise<string> {
    if (!commitPattern.test(commit)) throw new AgentError('InvalidArgument', `commit "${commit}" is not 40 hexadecimal characters`);
    if (!/^https?:\/\//.test(url)) throw new AgentError('InvalidArgument', `repository ${redactUrl(url)} is not an http(s) URL`);
    const gitdir = this.gitdir(url);
    return this.serialize(gitdir, async () => {
      if (await this.hasCommit(gitdir, commit)) return gitdir;
      await fs.promises.mkdir(gitdir, { recursive: true });
      await git.init({ fs, gitdir, bare: true });
      await git.addRemote({ fs, gitdir, remote: 'origin', url, force: true });
      const credential = credentialFor(this.options.credentials ?? [], url);
      const common = {
        fs,
        http: this.http,
        gitdir,
        url,
        cache: this.cacheOf(gitdir),
        // Without a credential there is no onAuth, so a private repository fails with the server's HTTP 401.
        ...(credential ? { onAuth: () => ({ username: credential.username, password: credential.password }) } : {}),
      };
      const attempts = [
        () => git.fetch({ ...common, ref: commit, singleBranch: true, depth: 1, tags: false }),
        () => git.fetch({ ...common, singleBranch: false, depth: 1, tags: true }),
        () => git.fetch({ ...common, singleBranch: false, depth: 2 ** 31 - 1, tags: true }),
      ];
      const errors: string[] = [];
      for (const attempt of attempts) {
        try {
          await attempt();
        } catch (error) {
          errors.push(gitErrorMessage(error));
          // Only the first attempt may fail for want-by-id reasons; a failure to list refs is final.
          if (errors.length > 1) throw new AgentError('Unavailable', `git fetch ${redactUrl(url)} failed: ${errors.at(-1)}`);
        }
        if (await this.hasCommit(gitdir, commit)) return gitdir;
      }
      throw new AgentError('NotFound', `git: commit ${commit} not found in ${redactUrl(url)}${errors[0] ? ` (${errors[0]})` : ''}`);
    });
  }

  /** The whole tree of `commit` as a FileTree (symlinks kept as links, submodules skipped). */
  async readTree(url: string, commit: string): Promise<FileTree> {
    const gitdir = await this.ensureCommit(url, commit);
    const cache = this.cacheOf(gitdir);
    const files = new Map<string, Uint8Array>();
    const symlinks = new Map<string, string>();
    const walk = async (oid: string, prefix: string): Promise<void> => {
      const { tree } = await git.readTree({ fs, gitdir, oid, cache });
      for (const entry of tree) {
        const entryPath = prefix === '' ? entry.path : `${prefix}/${entry.path}`;
        if (entry.type === 'tree') await walk(entry.oid, entryPath);
        else if (entry.type === 'blob') {
          const { blob } = await git.readBlob({ fs, gitdir, oid: entry.oid, cache });
          if (entry.mode === '120000') symlinks.set(entryPath, Buffer.from(blob).toString('utf8'));
          else files.set(entryPath, blob);
        }
      }
    };
    const { commit: parsed } = await git.readCommit({ fs, gitdir, oid: commit, cache });
    await walk(parsed.tree, '');
    return { files, symlinks };
  }
}
