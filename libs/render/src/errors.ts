// The one error type of the renderer: a stable code plus the file (and line) the problem is in.
export type RenderErrorCode =
  | 'InvalidArgument'
  | 'FailedPrecondition'
  | 'NotFound'
  | 'PermissionDenied'
  | 'ResourceExhausted'
  | 'Unimplemented'
  | 'Internal';

export class RenderError extends Error {
  override readonly name = 'RenderError';
  readonly code: RenderErrorCode;
  readonly file: string | undefined;
  readonly line: number | undefined;
  /** The message without its "file:line: " prefix. */
  readonly detail: string;

  constructor(code: RenderErrorCode, message: string, where?: { file?: string | undefined; line?: number | undefined }) {
    const file = where?.file;
    const line = where?.line;
    const prefix = file === undefined ? '' : line === undefined ? `${file}: ` : `${file}:${line}: `;
    super(prefix + message);
    this.code = code;
    this.file = file;
    this.line = line;
    this.detail = message;
  }
}

/**
 * Runs `fn`; a RenderError it throws naming `file` but no line gets `line`, the line of the kustomization entry that
 * caused it (a resource that does not exist is reported where the kustomization lists it).
 */
export function atLine<T>(file: string, line: number | undefined, fn: () => T): T {
  if (line === undefined) return fn();
  try {
    return fn();
  } catch (e) {
    if (e instanceof RenderError && e.file === file && e.line === undefined) throw new RenderError(e.code, e.detail, { file, line });
    throw e;
  }
}

export function isRenderError(e: unknown): e is RenderError {
  return e instanceof RenderError;
}
