// Fetches an application's repository at an exact commit with isomorphic-git (shallow, only that commit where the
// server allows, cached on disk across reconciles and restarts), bounded in bytes, time and objects, and opens the
// commit for rendering without reading its files until the renderer asks for them.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import type { RenderEngine, RenderParams } from '@flotilla/render';
import type { GitCredential } from '../config/index.js';
import { credentialFor } from '../config/index.js';
import { AgentError, errorMessage } from '../errors.js';
import { renderInWorker } from '../render-worker/index.js';
import type { RenderBudget, Rendered } from '../render-worker/index.js';
import { normalizeAppPath } from './app-path.js';
import { openCheckout } from './checkout.js';
import type { Checkout } from './checkout.js';
import { FetchMeter, boundedHttp } from './http.js';
import { defaultSourceLimits } from './limits.js';
import type { SourceLimits } from './limits.js';
import { emptySignaturePolicy, trustedKeysFor, verifyCommitSignature } from './signatures.js';
import type { SignaturePolicy } from './signatures.js';

export type { BlobReader, Checkout } from './checkout.js';
export { normalizeAppPath, resolveLinkTarget } from './app-path.js';
export { SourceLimitError, defaultSourceLimits } from './limits.js';
export type { SourceLimits } from './limits.js';
export { emptySignaturePolicy, parseSignaturePolicy, splitSignature, trustedKeysFor, verifyCommitSignature } from './signatures.js';
export type { SignaturePolicy, TrustedKey } from './signatures.js';

export interface SourceOptions {
  /** Where repositories are cached, one bare repository per URL. */
  cacheDir: string;
  credentials?: readonly GitCredential[];
  limits?: Partial<SourceLimits>;
  /** Time, memory and output limits of the render worker. */
  render?: Partial<RenderBudget>;
  /** Remote sources (URL prefixes) the external kustomize may fetch; all others are refused before it runs. */
  kustomizeAllowRemote?: readonly string[];
  /** Which applications run only commits signed by trusted keys (default: none). */
  signatures?: SignaturePolicy;
}

/** What the source needs of one application's target. */
export interface AppSource {
  app: string;
  repoUrl: string;
  commit: string;
  path: string;
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
  /** Each application's last successful render and what it was of: rendering is a pure function of the commit. */
  private readonly rendered = new Map<string, { key: string; result: Rendered }>();
  /** Renders run in a worker so far (the rest were answered from the last render of the same target). */
  workerRenders = 0;
  readonly limits: SourceLimits;

  constructor(private readonly options: SourceOptions) {
    this.limits = { ...defaultSourceLimits, ...options.limits };
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
   * Makes sure the commit is in the cache: first by asking for it by id at depth 1 (servers allowing unadvertised
   * wants), then the tips of every branch and tag, then their full history, all within one byte, time and object
   * budget. Throws AgentError NotFound/Unavailable with the git error, SourceLimitError naming the limit hit.
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
      const meter = new FetchMeter(this.limits, redactUrl(url));
      const common = {
        fs,
        http: boundedHttp(meter),
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
      try {
        for (const attempt of attempts) {
          try {
            await meter.guard(attempt());
          } catch (error) {
            if (meter.error) throw meter.error;
            errors.push(gitErrorMessage(error));
            // Only the first attempt may fail for want-by-id reasons; a failure to list refs is final.
            if (errors.length > 1) throw new AgentError('Unavailable', `git fetch ${redactUrl(url)} failed: ${errors.at(-1)}`);
          }
          if (await this.hasCommit(gitdir, commit)) return gitdir;
        }
      } finally {
        meter.done();
      }
      throw new AgentError('NotFound', `git: commit ${commit} not found in ${redactUrl(url)}${errors[0] ? ` (${errors[0]})` : ''}`);
    });
  }

  /**
   * The commit, fetched if needed, opened at `appPath`: the path is checked before any network or disk access, and
   * its symlinks are resolved against the commit before any file is read.
   */
  async checkout(url: string, commit: string, appPath: string): Promise<Checkout> {
    normalizeAppPath(appPath);
    const gitdir = await this.ensureCommit(url, commit);
    return openCheckout({ gitdir, cache: this.cacheOf(gitdir) }, commit, appPath, this.limits);
  }

  /**
   * Refuses a commit the application's signature policy does not accept (unsigned, untrusted key, bad signature);
   * returns the name of the key that signed it, or undefined when the application needs no signature.
   */
  async verify(target: AppSource): Promise<string | undefined> {
    const keys = trustedKeysFor(this.options.signatures ?? emptySignaturePolicy, target.app);
    if (keys === undefined) return undefined;
    const gitdir = await this.ensureCommit(target.repoUrl, target.commit);
    const { object, type } = await git.readObject({ fs, gitdir, oid: target.commit, format: 'content', cache: this.cacheOf(gitdir) });
    if (type !== 'commit' || !(object instanceof Uint8Array)) throw new AgentError('InvalidArgument', `${target.commit} is a ${type}, not a commit`);
    return verifyCommitSignature(target.app, target.commit, object, keys);
  }

  /**
   * Fetches, verifies (signature policy), opens and renders one application off the main thread. Nothing of a commit
   * that fails its policy is read. Throws AgentError naming what failed.
   */
  async render(target: AppSource, engine: RenderEngine, params: RenderParams): Promise<Rendered> {
    normalizeAppPath(target.path);
    const key = JSON.stringify([target.repoUrl, target.commit, target.path, engine, params]);
    const last = this.rendered.get(target.app);
    // A copy, so whatever the caller does with the objects never changes the next answer.
    if (last?.key === key) return structuredClone(last.result);
    await this.verify(target);
    const checkout = await this.checkout(target.repoUrl, target.commit, target.path);
    const withGrants: RenderEngine = engine.engine === 'kustomize-binary' ? { ...engine, allowRemote: this.options.kustomizeAllowRemote ?? [] } : engine;
    this.workerRenders += 1;
    const result = await renderInWorker(checkout, withGrants, params, this.options.render);
    this.rendered.set(target.app, { key, result });
    return structuredClone(result);
  }

  /** Every file of the commit in memory (tests and tools; the agent renders from a checkout instead). */
  async readTree(url: string, commit: string): Promise<FileTree> {
    const checkout = await this.checkout(url, commit, '');
    const reader = checkout.reader();
    const files = new Map<string, Uint8Array>();
    for (const file of checkout.files.keys()) files.set(file, await reader.read(file));
    return { files, symlinks: checkout.symlinks };
  }
}
