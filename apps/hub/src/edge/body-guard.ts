// REST bodies checked once at the edge for what no route takes and PostgreSQL refuses (NUL bytes, unpaired UTF-16
// surrogates in any key or string), and error answers kept small (a body with 60k unknown keys must not answer MBs).
import type { FastifyInstance } from 'fastify';
import { textProblem } from '../agent-gateway/wire.js';
import { FlotillaError } from '../errors/index.js';

/** Nesting deeper than this is refused rather than walked (no route takes anything close). */
const MAX_DEPTH = 64;

/** The first key or string in `value` the store could not hold, as `body.a.b[2]: problem`, or undefined. */
export function unstorableText(value: unknown, at = 'body', depth = 0): string | undefined {
  if (depth > MAX_DEPTH) return `${at}: nested deeper than ${MAX_DEPTH} levels`;
  if (typeof value === 'string') {
    const problem = textProblem(value, Number.POSITIVE_INFINITY);
    return problem ? `${at}: ${problem}` : undefined;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = unstorableText(item, `${at}[${i}]`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = textProblem(key, Number.POSITIVE_INFINITY);
      // The key itself is not repeated: it is what cannot be shown.
      if (keyProblem) return `${at}: a key ${keyProblem}`;
      const found = unstorableText(item, `${at}.${key}`, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** Refuses, with 400 InvalidArgument naming the field, a body holding text the store cannot hold. */
export function addBodyGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const problem = unstorableText(request.body);
    if (problem) throw new FlotillaError('InvalidArgument', problem, { field: problem.slice(0, problem.indexOf(':')) });
  });
}

/** Largest error answer sent as is; a larger one keeps its code and the start of its message, and drops details. */
export const MAX_ERROR_BYTES = 16 * 1024;
const MAX_ERROR_MESSAGE_CHARS = 2 * 1024;

/** An error body over MAX_ERROR_BYTES, cut down to its code, the start of its message and how much was left out. */
export function boundedErrorBody(payload: string): string {
  if (Buffer.byteLength(payload) <= MAX_ERROR_BYTES) return payload;
  let parsed: { code?: unknown; message?: unknown };
  try {
    parsed = JSON.parse(payload) as { code?: unknown; message?: unknown };
  } catch {
    return JSON.stringify({ code: 'Internal', message: 'the error was too large to send' });
  }
  const message = typeof parsed.message === 'string' ? parsed.message : '';
  const cut = message.length > MAX_ERROR_MESSAGE_CHARS;
  return JSON.stringify({
    code: parsed.code,
    message: cut ? `${message.slice(0, MAX_ERROR_MESSAGE_CHARS)}... (${message.length - MAX_ERROR_MESSAGE_CHARS} more characters)` : message,
    details: { truncated: true, bytes: Buffer.byteLength(payload) },
  });
}

/** Keeps every 4xx/5xx JSON answer under MAX_ERROR_BYTES. */
export function addErrorBound(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode < 400 || typeof payload !== 'string') return payload;
    const bounded = boundedErrorBody(payload);
    if (bounded !== payload) reply.header('content-length', Buffer.byteLength(bounded));
    return bounded;
  });
}
