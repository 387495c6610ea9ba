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

  constructor(code: RenderErrorCode, message: string, where?: { file?: string | undefined; line?: number | undefined }) {
    const file = where?.file;
    const line = where?.line;
    const prefix = file === undefined ? '' : line === undefined ? `${file}: ` : `${file}:${line}: `;
    super(prefix + message);
    this.code = code;
    this.file = file;
    this.line = line;
  }
}

export function isRenderError(e: unknown): e is RenderError {
  return e instanceof RenderError;
}
