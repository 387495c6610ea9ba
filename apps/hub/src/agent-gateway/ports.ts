// What the gateway needs from auth/ (satisfied by createAuth's Auth), and a logger shaped like pino's.
import type { Executor } from '../auth/index.js';

export interface GatewayAuth {
  consumeRegistrationToken(secret: string, db?: Executor): Promise<unknown>;
  issueClusterCredential(clusterId: string, db?: Executor): Promise<{ credential: string; expiresAt: Date }>;
  checkClusterCredential(secret: string | undefined): Promise<{ clusterId: string; expiresAt: Date }>;
  rotateClusterCredential(current: string): Promise<{ credential: string; expiresAt: Date }>;
}

export interface GatewayLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export const silentLogger: GatewayLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
