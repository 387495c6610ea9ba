// API errors as values shaped like metav1.Status, built the way k8s.io/apimachinery/pkg/api/errors builds them,
// so every layer (store, handlers, auth) throws one type and the HTTP edge writes it unchanged.

export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'BadRequest'
  | 'Forbidden'
  | 'Unauthorized'
  | 'Gone'
  | 'Expired'
  | 'UnsupportedMediaType'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'ServiceUnavailable'
  | 'Timeout'
  | 'TooManyRequests'
  | 'InternalError';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: StatusReason | '';
  details?: StatusDetails;
  code: number;
}

/** The group-qualified resource a message names: `deployments.apps`, or `configmaps` for the core group. */
export interface QualifiedResource {
  group: string;
  resource: string;
}

export function qualified(r: QualifiedResource): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): Status {
    const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, code: this.code };
    if (this.details) s.details = this.details;
    return s;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

function detailsFor(r: QualifiedResource, name: string): StatusDetails {
  const d: StatusDetails = { name, kind: r.resource };
  if (r.group) d.group = r.group;
  return d;
}

export function notFound(r: QualifiedResource, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualified(r)} "${name}" not found`, detailsFor(r, name));
}

export function alreadyExists(r: QualifiedResource, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, detailsFor(r, name));
}

export function conflict(r: QualifiedResource, name: string, why: string): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${why}`, detailsFor(r, name));
}

export const STALE_OBJECT = 'the object has been modified; please apply your changes to the latest version and try again';

/** 422 with one cause per field error, message like `Deployment.apps "X" is invalid: metadata.name: Invalid value: ...`. */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): ApiError {
  const gk = group ? `${kind}.${group}` : kind;
  // Causes carry field.Error.ErrorBody(); the message joins field.Error.Error(), which leads with the field path.
  const list = causes.map((c) => (c.field ? `${c.field}: ${c.message ?? ''}` : (c.message ?? '')));
  const joined = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  const d: StatusDetails = { name, kind, causes };
  if (group) d.group = group;
  return new ApiError(422, 'Invalid', `${gk} "${name}" is invalid: ${joined}`, d);
}

/** One field error as a StatusCause: the message is field.Error.ErrorBody() (`Invalid value: "X": reason`). */
export function fieldCause(type: 'FieldValueInvalid' | 'FieldValueRequired' | 'FieldValueForbidden' | 'FieldValueNotSupported' | 'FieldValueDuplicate', field: string, detail: string, value?: unknown): StatusCause {
  const label: Record<typeof type, string> = {
    FieldValueInvalid: 'Invalid value',
    FieldValueRequired: 'Required value',
    FieldValueForbidden: 'Forbidden',
    FieldValueNotSupported: 'Unsupported value',
    FieldValueDuplicate: 'Duplicate value',
  };
  const shown = value === undefined ? '' : ` ${JSON.stringify(value)}:`;
  return { reason: type, message: `${label[type]}:${shown} ${detail}`.replace(/: $/, ''), field };
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function forbidden(r: QualifiedResource, name: string, why: string): ApiError {
  const subject = name ? `${qualified(r)} "${name}"` : qualified(r);
  return new ApiError(403, 'Forbidden', `${subject} is forbidden: ${why}`, detailsFor(r, name));
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export function gone(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml${contentType ? '' : ''}`);
}

export function methodNotAllowed(message: string): ApiError {
  return new ApiError(405, 'MethodNotAllowed', message);
}

export function internal(message: string): ApiError {
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`);
}
