// @flotilla/hub: start a hub in-process (tests, the demo, the CLI's e2e) and the pieces others build on.
export { startHub } from './start-hub.js';
export type { HubOptions, RunningHub } from './start-hub.js';
export { FlotillaError, errorCodes, flotillaCodeOf, grpcStatusOf, httpStatusOf } from './errors/index.js';
export type { ErrorCode } from './errors/index.js';
export { createAuth, roles } from './auth/index.js';
export type { Auth, Principal, Role } from './auth/index.js';
export { openStore } from './store/index.js';
export type { Store, StoreOptions } from './store/index.js';
export { createLogger } from './observability/index.js';
export type { Logger } from './observability/index.js';
