// Errors as values with a stable code, and their one mapping per transport.
export { FlotillaError, asFlotillaError, errorCodes } from './flotilla-error.js';
export type { ErrorCode } from './flotilla-error.js';
export { httpStatusOf } from './http-status.js';
export { grpcStatusOf, grpcErrorOf, flotillaCodeOf } from './grpc-status.js';
