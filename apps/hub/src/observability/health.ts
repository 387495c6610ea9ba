// Liveness, readiness and metrics endpoints: /healthz (the process answers), /readyz (the store answers), /metrics.
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../store/index.js';
import type { Metrics } from './metrics.js';

export function registerHealthRoutes(app: FastifyInstance, db: Database, metrics: Metrics): void {
  // /readyz is public: the driver's error (host, user, database) goes to the log, not to the caller.
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await db.execute(sql`select 1`);
      return { status: 'ready' };
    } catch (err) {
      app.log.warn({ err }, 'readiness check: the store does not answer');
      return reply.code(503).send({ status: 'unavailable', reason: 'the store does not answer' });
    }
  });
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
