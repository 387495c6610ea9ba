// The CLI's errors and the exit codes a CI job can rely on.

export const exitCodes = {
  ok: 0,
  /** The hub refused or failed the call, or the promotion ended Failed, RolledBack, Aborted or Superseded. */
  failed: 1,
  usage: 2,
  timeout: 3,
} as const;

/** Bad command line or local configuration: exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An error reply of the hub, `{code, message}`, or a transport failure reaching it (code Unavailable). */
export class HubError extends Error {
  override readonly name = 'HubError';
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** A command's own non-zero outcome with its message (a refused command, a failed promotion, a timeout). */
export class Outcome extends Error {
  override readonly name = 'Outcome';
  constructor(
    readonly exitCode: number,
    message: string,
    /** Printed as is, without the `flotilla: ` prefix (render's `Error: ...`, as kustomize prints it). */
    readonly bare = false,
  ) {
    super(message);
  }
}
