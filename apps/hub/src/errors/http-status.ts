// FlotillaError codes as HTTP statuses: the one place REST decides them.
import type { ErrorCode } from './flotilla-error.js';

const httpStatusByCode: Record<ErrorCode, number> = {
  InvalidArgument: 400,
  Unauthenticated: 401,
  PermissionDenied: 403,
  NotFound: 404,
  Conflict: 409,
  FailedPrecondition: 412,
  ResourceExhausted: 429,
  Unavailable: 503,
  Internal: 500,
};

export function httpStatusOf(code: ErrorCode): number {
  return httpStatusByCode[code];
}
