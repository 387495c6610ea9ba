// Hub configuration: environment variables and transport security.
export { configFromEnv, ConfigError } from './env.js';
export type { EnvConfig } from './env.js';
export { resolveTls } from './tls.js';
export type { TlsSetting } from './tls.js';
export type { TlsMaterial } from './self-signed.js';
export { defaultGrpcServerLimits, grpcServerOptions } from './grpc-server.js';
export type { GrpcServerLimits } from './grpc-server.js';
