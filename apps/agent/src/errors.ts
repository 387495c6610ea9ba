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
