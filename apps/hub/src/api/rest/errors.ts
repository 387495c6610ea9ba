// Every REST error leaves as `{ code, message, details? }` with the status from errors/http-status.ts.
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { FlotillaError, asFlotillaError, httpStatusOf } from '../../errors/index.js';
import { invalidArgument } from '../validation.js';

interface ValidationIssue {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

function fromValidation(context: string, issues: ValidationIssue[]): FlotillaError {
  return invalidArgument(
    context,
    issues.map((issue) => ({
      path: issue.instancePath.split('/').filter((p) => p !== ''),
      message: issue.message ?? 'invalid',
      code: issue.keyword,
      ...(Array.isArray(issue.params['keys']) ? { keys: issue.params['keys'] as string[] } : {}),
    })),
  );
}

/** Fastify's own 4xx errors (malformed JSON, wrong content type, body too large) as InvalidArgument. */
function fromFastify(error: FastifyError): FlotillaError {
  if (error.statusCode === 404) return new FlotillaError('NotFound', error.message);
  if (error.statusCode === 413) return new FlotillaError('InvalidArgument', `body: ${error.message}`);
  return new FlotillaError('InvalidArgument', error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? `body: ${error.message}` : error.message);
}

export function toFlotillaError(error: unknown): FlotillaError {
  if (error instanceof FlotillaError) return error;
  const fastifyError = error as FastifyError & { validationContext?: string };
  if (hasZodFastifySchemaValidationErrors(error)) {
    return fromValidation(fastifyError.validationContext ?? 'request', error.validation as unknown as ValidationIssue[]);
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return fromFastify(fastifyError);
  }
  return asFlotillaError(error);
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const flotilla = toFlotillaError(error);
    if (flotilla.code === 'Internal') request.log.error({ err: error }, 'request failed');
    const body = { code: flotilla.code, message: flotilla.message, ...(flotilla.details ? { details: flotilla.details } : {}) };
    if (flotilla.code === 'Unauthenticated') reply.header('www-authenticate', 'Bearer realm="flotilla"');
    return reply.code(httpStatusOf(flotilla.code)).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ code: 'NotFound', message: `no route ${request.method} ${request.url.split('?')[0]}` }),
  );
}
