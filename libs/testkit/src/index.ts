// @flotilla/testkit: real infrastructure for tests and the demo (git server, throwaway databases, fake clock, temp dirs).
export { startGitServer } from './git/server.js';
export type { GitServer, GitServerOptions } from './git/server.js';
export type { FileChange } from './git/repos.js';
export { serveRepository } from './git/serve-repo.js';
export type { ServeRepositoryOptions, ServedRepository } from './git/serve-repo.js';
export { startHostileGitServer } from './git/hostile.js';
export { createGpgKey, createSshKey } from './git/signing.js';
export type { CommitSigner, GpgKey, SshKey } from './git/signing.js';
export type { HostileGitServer, HostileMode } from './git/hostile.js';
export { tempDir } from './temp-dir.js';
export type { TempDir } from './temp-dir.js';
export { createTestDatabase, postgresAvailable, testPostgresUrl } from './postgres.js';
export type { TestDatabase } from './postgres.js';
export { FakeClock } from './fake-clock.js';
export type { CancelTimer, TimerId } from './fake-clock.js';
export { onceEvent, waitFor } from './events.js';
export type { WaitForOptions } from './events.js';
