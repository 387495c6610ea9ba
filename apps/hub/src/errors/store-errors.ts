// Store failures a caller can act on: "the database is away" (refused, black-holed, timed out, shutting down, failing
// over) is Unavailable with a retry hint, and a value the database refuses (out of range, bad text) is InvalidArgument,
// neither an Internal error. Messages are fixed: the driver's text may quote the value, and values are not echoed.
/** Seconds a caller is asked to wait before retrying a call the store could not serve. */
export const STORE_RETRY_AFTER_SECONDS = 5;

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN']);
// SQLSTATEs: 08 connection exception; 57014 query canceled (statement_timeout); 57P01-57P05 shutdown, crash, cannot
// connect now, idle session timeout; 53300 too many connections; 25006 read-only transaction (a standby after failover).
const UNAVAILABLE_STATES = /^(08...|57014|57P0[1-5]|53300|25006)$/;
// node-postgres and pg-pool say it in words only.
const DRIVER_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Query read timeout',
  'connection timeout',
  'Cannot use a pool after calling end on the pool',
  'Client has encountered a connection error and is not queryable',
];

export function isStoreUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 6; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.test(code))) return true;
    if (DRIVER_MESSAGES.some((m) => e instanceof Error && e.message.includes(m))) return true;
    if (e instanceof AggregateError && e.errors.some(isStoreUnavailable)) return true;
  }
  return false;
}

const DATA_PROBLEMS: [RegExp, string][] = [
  [/^22003$/, 'a number in the request is out of range for the store'],
  [/^(22021|22P05)$/, 'text in the request holds a NUL byte or invalid Unicode'],
  [/^22001$/, 'a text value in the request is too long for the store'],
  [/^(22007|22008)$/, 'a date or time in the request is out of range'],
  [/^22/, 'a value in the request cannot be stored'],
];

/** What the store refused about a value (SQLSTATE class 22), in words that quote no value; undefined otherwise. */
export function storeDataProblem(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 6; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string' || !/^22[0-9A-Z]{3}$/.test(code)) continue;
    return DATA_PROBLEMS.find(([pattern]) => pattern.test(code))![1];
  }
  return undefined;
}
