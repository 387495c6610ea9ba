// FlotillaError codes as gRPC statuses: the one place gRPC decides them.
import { Metadata, status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { asFlotillaError, errorCodes } from './flotilla-error.js';
import type { ErrorCode } from './flotilla-error.js';

const grpcStatusByCode: Record<ErrorCode, status> = {
  InvalidArgument: status.INVALID_ARGUMENT,
  Unauthenticated: status.UNAUTHENTICATED,
  PermissionDenied: status.PERMISSION_DENIED,
  NotFound: status.NOT_FOUND,
  Conflict: status.ALREADY_EXISTS,
  FailedPrecondition: status.FAILED_PRECONDITION,
  ResourceExhausted: status.RESOURCE_EXHAUSTED,
  Unavailable: status.UNAVAILABLE,
  Internal: status.INTERNAL,
};

export function grpcStatusOf(code: ErrorCode): status {
  return grpcStatusByCode[code];
}

/** A thrown value as the error object grpc-js sends; the Flotilla code travels in `flotilla-code` trailing metadata. */
export function grpcErrorOf(value: unknown): Partial<ServiceError> {
  const error = asFlotillaError(value);
  const metadata = new Metadata();
  metadata.set('flotilla-code', error.code);
  return { code: grpcStatusOf(error.code), details: error.message, metadata };
}

/** The Flotilla code a client received, read back from the trailing metadata (undefined if absent). */
export function flotillaCodeOf(metadata: Metadata | undefined): ErrorCode | undefined {
  const [value] = metadata?.get('flotilla-code') ?? [];
  return errorCodes.find((code) => code === value);
}
