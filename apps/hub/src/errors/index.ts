// Errors as values with a stable code, and their one mapping per transport.
export { FlotillaError, asFlotillaError, errorCodes } from './flotilla-error.js';
export type { ErrorCode } from './flotilla-error.js';
export { httpStatusOf } from './http-status.js';
export { grpcStatusOf, grpcErrorOf, flotillaCodeOf } from './grpc-status.js';
export { isStoreUnavailable, STORE_RETRY_AFTER_SECONDS } from './store-errors.js';
