// Liveness, readiness and metrics endpoints: /healthz (the process answers), /readyz (the store answers within its
// deadline), /metrics.
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../store/index.js';
import type { Metrics } from './metrics.js';

/** How long /readyz waits for the store before it answers 503 (probes usually give up after 1 s to 5 s). */
export const READY_DEADLINE_MS = 1_000;

/** Resolves when `db` answers `select 1`; rejects when it fails or has not answered within `deadlineMs`. */
export async function storeAnswers(db: Database, deadlineMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`the store did not answer within ${deadlineMs} ms`)), deadlineMs);
  });
  try {
    await Promise.race([db.execute(sql`select 1`), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export function registerHealthRoutes(app: FastifyInstance, db: Database, metrics: Metrics, readyDeadlineMs = READY_DEADLINE_MS): void {
  // /readyz is public: the driver's error (host, user, database) goes to the log, not to the caller.
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await storeAnswers(db, readyDeadlineMs);
      return { status: 'ready' };
    } catch (err) {
      app.log.warn({ err }, 'readiness check: the store does not answer');
      return reply.code(503).header('retry-after', '5').send({ status: 'unavailable', reason: 'the store does not answer' });
    }
  });
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
