// Authentication and authorization: API tokens with roles, registration tokens, per-cluster credentials.
import type { Database } from '../store/index.js';
import { authenticateApiToken, createApiToken, ensureAdminToken, listApiTokens, revokeApiToken } from './api-tokens.js';
import type { ApiTokenInfo, CreateApiTokenInput } from './api-tokens.js';
import {
  checkClusterCredential,
  defaultCredentialPolicy,
  issueClusterCredential,
  revokeCluster,
  rotateClusterCredential,
  verifyClusterCredential,
} from './cluster-credentials.js';
import type { ClusterCredentialPolicy, CredentialContext, IssuedCredential, VerifiedCredential } from './cluster-credentials.js';
import type { Executor } from './context.js';
import {
  consumeRegistrationToken,
  createRegistrationToken,
  listRegistrationTokens,
  revokeRegistrationToken,
} from './registration-tokens.js';
import type { CreateRegistrationTokenInput, RegistrationTokenInfo } from './registration-tokens.js';
import type { Principal } from './roles.js';

export { hasRole, isRole, requireRole, roles } from './roles.js';
export type { Principal, Role } from './roles.js';
export type { ApiTokenInfo, CreateApiTokenInput } from './api-tokens.js';
export type { CreateRegistrationTokenInput, RegistrationTokenInfo } from './registration-tokens.js';
export { DEFAULT_REGISTRATION_TTL_SECONDS } from './registration-tokens.js';
export type { ClusterCredentialPolicy, IssuedCredential, VerifiedCredential } from './cluster-credentials.js';
export { defaultCredentialPolicy } from './cluster-credentials.js';
export type { Executor } from './context.js';

export interface AuthOptions {
  db: Database;
  /** The clock; tests inject a fake one. */
  now?: () => Date;
  credentials?: Partial<ClusterCredentialPolicy>;
}

/** Every auth operation, bound to one store and clock. Methods taking `db` run inside the caller's transaction. */
export interface Auth {
  createApiToken(input: CreateApiTokenInput): Promise<{ token: ApiTokenInfo; secret: string }>;
  listApiTokens(): Promise<ApiTokenInfo[]>;
  revokeApiToken(id: string): Promise<ApiTokenInfo>;
  authenticate(secret: string | undefined): Promise<Principal>;
  /** The first admin token's secret when this call created it; undefined when any API token already exists. */
  ensureAdminToken(): Promise<string | undefined>;

  createRegistrationToken(input: CreateRegistrationTokenInput): Promise<{ token: RegistrationTokenInfo; secret: string }>;
  listRegistrationTokens(): Promise<RegistrationTokenInfo[]>;
  revokeRegistrationToken(id: string): Promise<RegistrationTokenInfo>;
  consumeRegistrationToken(secret: string, db?: Executor): Promise<RegistrationTokenInfo>;

  issueClusterCredential(clusterId: string, db?: Executor): Promise<IssuedCredential>;
  verifyClusterCredential(secret: string | undefined): Promise<string>;
  /** Like verifyClusterCredential, with the credential's expiry (streams end when it passes). */
  checkClusterCredential(secret: string | undefined): Promise<VerifiedCredential>;
  rotateClusterCredential(current: string): Promise<IssuedCredential>;
  revokeCluster(clusterId: string, db?: Executor): Promise<void>;
}

export function createAuth(options: AuthOptions): Auth {
  const ctx: CredentialContext = {
    db: options.db,
    now: options.now ?? (() => new Date()),
    credentials: { ...defaultCredentialPolicy, ...options.credentials },
  };
  return {
    createApiToken: (input) => createApiToken(ctx, input),
    listApiTokens: () => listApiTokens(ctx),
    revokeApiToken: (id) => revokeApiToken(ctx, id),
    authenticate: (secret) => authenticateApiToken(ctx, secret),
    ensureAdminToken: () => ensureAdminToken(ctx),
    createRegistrationToken: (input) => createRegistrationToken(ctx, input),
    listRegistrationTokens: () => listRegistrationTokens(ctx),
    revokeRegistrationToken: (id) => revokeRegistrationToken(ctx, id),
    consumeRegistrationToken: (secret, db) => consumeRegistrationToken(ctx, secret, db),
    issueClusterCredential: (clusterId, db) => issueClusterCredential(ctx, clusterId, db),
    verifyClusterCredential: (secret) => verifyClusterCredential(ctx, secret),
    checkClusterCredential: (secret) => checkClusterCredential(ctx, secret),
    rotateClusterCredential: (current) => rotateClusterCredential(ctx, current),
    revokeCluster: (clusterId, db) => revokeCluster(ctx, clusterId, db),
  };
}
