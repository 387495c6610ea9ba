// A retry hint on every 503: callers (the CLI, CI jobs, load balancers) wait and retry instead of giving up.
import type { FastifyInstance } from 'fastify';
import { STORE_RETRY_AFTER_SECONDS } from '../errors/index.js';

/** Adds `Retry-After` to every 503 answer that has none (an Unavailable error, /readyz while the store is away). */
export function addRetryAfter(app: FastifyInstance, seconds = STORE_RETRY_AFTER_SECONDS): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', String(seconds));
    return payload;
  });
}
