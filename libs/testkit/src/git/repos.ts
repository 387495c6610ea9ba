// Builds bare repositories and commits to them with the real git CLI, with a fixed identity and clock so shas are reproducible.
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isolatedGitEnv, runGit } from './run-git.js';
import type { CommitSigner } from './signing.js';

const REPO_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;
// 2024-01-01T00:00:00Z; each commit of a repository is one second after the previous one.
const EPOCH_SECONDS = 1_704_067_200;

export function assertRepoName(name: string): void {
  if (!REPO_NAME.test(name) || name.split('/').some((s) => s === '..' || s.endsWith('.git'))) {
    throw new Error(`invalid repository name ${JSON.stringify(name)}: use letters, digits, '.', '_', '-' and '/' (no '..', no '.git' suffix)`);
  }
}

/** Resolves a repository-relative file path inside the work tree, refusing anything that would escape it or touch .git. */
function fileInWorkTree(workTree: string, file: string): string {
  const normalized = path.posix.normalize(file);
  if (file === '' || path.posix.isAbsolute(file) || normalized.startsWith('..') || normalized.split('/').includes('.git')) {
    throw new Error(`invalid file path ${JSON.stringify(file)}: must be relative, inside the repository and not under .git`);
  }
  return path.join(workTree, normalized);
}

/** A file's new content: text, null to delete it, or a symbolic link to `symlink` (stored by git as mode 120000). */
export type FileChange = string | null | { symlink: string };

export class RepoStore {
  private readonly commitCounts = new Map<string, number>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly reposDir: string,
    private readonly workDir: string,
    private readonly home: string,
  ) {}

  gitDir(name: string): string {
    return path.join(this.reposDir, `${name}.git`);
  }

  async create(name: string): Promise<void> {
    assertRepoName(name);
    if (this.commitCounts.has(name)) throw new Error(`repository ${name} already exists`);
    this.commitCounts.set(name, 0);
    const gitDir = this.gitDir(name);
    await mkdir(gitDir, { recursive: true });
    const env = isolatedGitEnv(this.home);
    await runGit(['init', '--quiet', '--bare', '--initial-branch=main', gitDir], { env });
    // Clients (the agent, isomorphic-git) fetch an exact commit that need not be a branch tip. Stateless HTTP upload-pack
    // already serves reachable ones; these also cover protocol paths and commits no ref reaches any more.
    for (const key of ['uploadpack.allowReachableSHA1InWant', 'uploadpack.allowAnySHA1InWant', 'uploadpack.allowTipSHA1InWant']) {
      await runGit(['config', key, 'true'], { cwd: gitDir, env });
    }
    await mkdir(path.join(this.workDir, name), { recursive: true });
  }

  /** Commits run one at a time per repository: each one's date depends on how many came before. */
  commit(name: string, files: Record<string, FileChange>, message = 'update', signer?: CommitSigner): Promise<string> {
    const previous = this.queues.get(name) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.commitNow(name, files, message, signer));
    this.queues.set(name, next);
    return next;
  }

  private async commitNow(name: string, files: Record<string, FileChange>, message: string, signer: CommitSigner | undefined): Promise<string> {
    const count = this.commitCounts.get(name);
    if (count === undefined) throw new Error(`repository ${name} does not exist: call createRepo first`);
    const workTree = path.join(this.workDir, name);
    const targets = Object.entries(files).map(([file, content]) => [fileInWorkTree(workTree, file), content] as const);
    for (const [target, content] of targets) {
      if (content === null) {
        await rm(target, { force: true });
      } else if (typeof content === 'object') {
        await rm(target, { force: true, recursive: true });
        await mkdir(path.dirname(target), { recursive: true });
        await symlink(content.symlink, target);
      } else {
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, content);
      }
    }
    const date = `@${EPOCH_SECONDS + count} +0000`;
    const env = isolatedGitEnv(this.home, {
      GIT_DIR: this.gitDir(name),
      GIT_WORK_TREE: workTree,
      GIT_AUTHOR_NAME: 'Flotilla Test',
      GIT_AUTHOR_EMAIL: 'test@flotilla.invalid',
      GIT_COMMITTER_NAME: 'Flotilla Test',
      GIT_COMMITTER_EMAIL: 'test@flotilla.invalid',
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
      ...(signer?.format === 'openpgp' ? { GNUPGHOME: signer.gnupgHome } : {}),
    });
    const signing =
      signer === undefined
        ? ['-c', 'commit.gpgsign=false']
        : signer.format === 'openpgp'
          ? ['-c', 'gpg.format=openpgp', '-c', `user.signingkey=${signer.keyId}`, '-c', 'commit.gpgsign=true']
          : ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${signer.keyFile}`, '-c', 'commit.gpgsign=true'];
    await runGit(['add', '--all'], { cwd: workTree, env });
    await runGit([...signing, 'commit', '--quiet', '--allow-empty', '--no-verify', '-m', message], { cwd: workTree, env });
    this.commitCounts.set(name, count + 1);
    return (await runGit(['rev-parse', 'HEAD'], { cwd: workTree, env })).trim();
  }
}
