// Builds the REST server: Fastify with zod validation, the OpenAPI document, auth, health and metrics.
import swagger from '@fastify/swagger';
import Fastify, { LogController } from 'fastify';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger, Metrics } from '../../observability/index.js';
import { registerHealthRoutes } from '../../observability/index.js';
import type { Database } from '../../store/index.js';
import type { FleetApi } from '../service.js';
import { installErrorHandling } from './errors.js';
import { registerRoutes } from './routes.js';

export interface RestOptions {
  api: FleetApi;
  db: Database;
  logger: Logger;
  metrics: Metrics;
  /** Serve HTTPS with this PEM certificate and key. */
  https?: { cert: string; key: string };
}

export async function buildRestApp(options: RestOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger,
    // One line per request is written by the onResponse hook below, with the route pattern and the token id.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    ...(options.https ? { https: options.https } : {}),
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  observe(app, options.metrics);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Flotilla hub API', version: '1.0.0', description: 'Clusters, applications and promotions. Authenticate with `Authorization: Bearer <API token>`.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  registerRoutes(app, options.api);
  registerHealthRoutes(app, options.db, options.metrics);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}

function observe(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    if (route.startsWith('/api/')) {
      request.log.info(
        { method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime), tokenId: request.principal?.tokenId },
        'request',
      );
    }
  });
}
