// The hub's one error type: a closed set of codes, each mapped once per transport (http-status.ts, grpc-status.ts).
import { STORE_RETRY_AFTER_SECONDS, isStoreUnavailable, storeDataProblem } from './store-errors.js';
export const errorCodes = [
  'InvalidArgument',
  'Unauthenticated',
  'PermissionDenied',
  'NotFound',
  'Conflict',
  'FailedPrecondition',
  'ResourceExhausted',
  'Unavailable',
  'Internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export class FlotillaError extends Error {
  override readonly name = 'FlotillaError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Structured detail safe to show to the caller (never a secret). */
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  static is(value: unknown, code?: ErrorCode): value is FlotillaError {
    return value instanceof FlotillaError && (code === undefined || value.code === code);
  }
}

/**
 * Any thrown value as a FlotillaError: the store being away is Unavailable with a retry hint, a value the store refuses
 * is InvalidArgument; other unknown failures become Internal with a message that leaks no internals.
 */
export function asFlotillaError(value: unknown): FlotillaError {
  if (value instanceof FlotillaError) return value;
  if (isStoreUnavailable(value)) {
    return new FlotillaError('Unavailable', 'the store does not answer; retry later', { retryAfterSeconds: STORE_RETRY_AFTER_SECONDS }, { cause: value });
  }
  const dataProblem = storeDataProblem(value);
  if (dataProblem) return new FlotillaError('InvalidArgument', dataProblem, undefined, { cause: value });
  return new FlotillaError('Internal', 'internal error', undefined, { cause: value });
}
