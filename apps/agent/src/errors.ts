// The agent's one error type: a stable code and a message naming what is wrong and where.
export type AgentErrorCode =
  | 'InvalidArgument'
  | 'NotFound'
  | 'FailedPrecondition'
  | 'PermissionDenied'
  | 'Unauthenticated'
  | 'Unavailable'
  | 'Conflict'
  | 'Internal';

export class AgentError extends Error {
  override readonly name = 'AgentError';
  constructor(
    readonly code: AgentErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Whether a sync failure is transient: the git server or the API server could not be reached or was overloaded, a
 * write conflicted, a fetch ran out of time. The agent retries these with backoff, and the hub counts them against a
 * wave only once its progress deadline passes. Everything else (bad YAML, an invalid or refused object, a missing
 * commit, a limit of the repository's own making) is a fault in the commit and fails the wave at once.
 */
export function isTransientSyncError(message: string): boolean {
  return TRANSIENT.some((pattern) => pattern.test(message));
}

const TRANSIENT: readonly RegExp[] = [
  /\bunreachable\b/i,
  /\b(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|EPIPE)\b/,
  /\bsocket hang up\b/i,
  /\bfetch failed\b/i,
  /\btimed? ?out\b/i,
  /\b(429|500|502|503|504)\b/,
  /\bToo ?Many ?Requests\b/i,
  /\bService ?Unavailable\b/i,
  /\bthe object has been modified\b/i,
  /\bConflict\b/,
];
