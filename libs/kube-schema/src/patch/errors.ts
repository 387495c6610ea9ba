// Patch failures as values: a stable code the API edge maps to an HTTP status, and a message naming the place.

/**
 * BadRequest: the patch document is malformed (400, as kube-apiserver answers for a bad directive).
 * Invalid: the patch cannot be applied to this object (422).
 */
export type PatchErrorCode = 'BadRequest' | 'Invalid';

export interface PatchError {
  readonly code: PatchErrorCode;
  readonly message: string;
}

export type PatchResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: PatchError };

/** Thrown inside the patch engines only, and turned into a PatchResult at their entry points. */
export class PatchFailure extends Error {
  constructor(
    readonly code: PatchErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function fail(code: PatchErrorCode, message: string): never {
  throw new PatchFailure(code, message);
}

export function toResult<T>(run: () => T): PatchResult<T> {
  try {
    return { ok: true, value: run() };
  } catch (err) {
    if (err instanceof PatchFailure) return { ok: false, error: { code: err.code, message: err.message } };
    throw err;
  }
}
