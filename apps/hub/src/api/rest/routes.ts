// The REST routes of /api/v1: each validates its input with the shared schemas and calls the one service layer.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Principal } from '../../auth/index.js';
import {
  applicationBody,
  applicationParams,
  clusterLabelsInput,
  commandInput,
  createApiTokenInput,
  eventsInput,
  createPromotionInput,
  previewInput,
  stageParams,
  stageRollbackInput,
  createRegistrationTokenInput,
  idParams,
  listClustersInput,
  listPromotionsInput,
  nameParams,
} from '../inputs.js';
import type { FleetApi } from '../service.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

const secured = [{ bearer: [] }];

function who(request: FastifyRequest): Principal {
  // The onRequest hook sets it for every /api route but the public CA one; reaching here without it is a wiring bug.
  if (!request.principal) throw new Error(`route ${request.url} reached without authentication`);
  return request.principal;
}

export function registerRoutes(root: FastifyInstance, api: FleetApi): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  // Authorization follows the route the router matched, never the raw URL: `/%61pi/v1/clusters` is the clusters route.
  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url;
    if (route === undefined || !route.startsWith('/api/') || route === '/api/v1/ca') return;
    const header = request.headers.authorization;
    const match = header === undefined ? undefined : /^Bearer\s+(\S+)$/i.exec(header);
    request.principal = await api.authenticate(match?.[1] ?? (header === undefined ? undefined : header));
  });

  const tags = (tag: string) => ({ tags: [tag], security: secured });

  app.post('/api/v1/registration-tokens', { schema: { ...tags('registration tokens'), summary: 'Create a registration token (admin)', body: createRegistrationTokenInput } }, async (request, reply) =>
    reply.code(201).send(await api.createRegistrationToken(who(request), request.body)),
  );
  app.get('/api/v1/registration-tokens', { schema: { ...tags('registration tokens'), summary: 'List registration tokens (admin)' } }, async (request) => ({
    tokens: await api.listRegistrationTokens(who(request)),
  }));
  app.delete('/api/v1/registration-tokens/:id', { schema: { ...tags('registration tokens'), summary: 'Revoke a registration token (admin)', params: idParams } }, async (request) => ({
    token: await api.revokeRegistrationToken(who(request), request.params.id),
  }));

  app.post('/api/v1/tokens', { schema: { ...tags('API tokens'), summary: 'Create an API token (admin)', body: createApiTokenInput } }, async (request, reply) =>
    reply.code(201).send(await api.createApiToken(who(request), request.body)),
  );
  app.get('/api/v1/tokens', { schema: { ...tags('API tokens'), summary: 'List API tokens (admin)' } }, async (request) => ({
    tokens: await api.listApiTokens(who(request)),
  }));
  app.delete('/api/v1/tokens/:id', { schema: { ...tags('API tokens'), summary: 'Revoke an API token (admin)', params: idParams } }, async (request) => ({
    token: await api.revokeApiToken(who(request), request.params.id),
  }));

  app.get('/api/v1/clusters', { schema: { ...tags('clusters'), summary: 'List clusters, optionally by label selector', querystring: listClustersInput } }, async (request) => ({
    clusters: await api.listClusters(who(request), request.query.labelSelector, request.query.includeRevoked === 'true'),
  }));
  app.put('/api/v1/clusters/:name/labels', { schema: { ...tags('clusters'), summary: "Replace a cluster's labels (admin); it moves only to its new stage's last succeeded commit", params: nameParams, body: clusterLabelsInput } }, async (request) => ({
    cluster: await api.setClusterLabels(who(request), request.params.name, request.body.labels),
  }));
  app.delete('/api/v1/clusters/:name', { schema: { ...tags('clusters'), summary: 'Revoke and delete a cluster (admin)', params: nameParams } }, async (request, reply) => {
    await api.deleteCluster(who(request), request.params.name);
    return reply.code(204).send();
  });
  app.get('/api/v1/clusters/:name', { schema: { ...tags('clusters'), summary: 'Get a cluster with its per-application status', params: nameParams } }, async (request) => ({
    cluster: await api.getCluster(who(request), request.params.name),
  }));
  app.post('/api/v1/clusters/:name/revoke', { schema: { ...tags('clusters'), summary: "Revoke a cluster's credential and close its stream (admin)", params: nameParams } }, async (request) => ({
    cluster: await api.revokeCluster(who(request), request.params.name),
  }));

  app.put('/api/v1/applications/:name', { schema: { ...tags('applications'), summary: 'Create or replace an application (admin)', params: applicationParams, body: applicationBody } }, async (request) => ({
    application: await api.putApplication(who(request), request.params.name, request.body),
  }));
  app.get('/api/v1/applications', { schema: { ...tags('applications'), summary: 'List applications' } }, async (request) => ({
    applications: await api.listApplications(who(request)),
  }));
  app.get('/api/v1/applications/:name', { schema: { ...tags('applications'), summary: 'Get an application', params: nameParams } }, async (request) => ({
    application: await api.getApplication(who(request), request.params.name),
  }));
  app.delete('/api/v1/applications/:name', { schema: { ...tags('applications'), summary: 'Delete an application; its clusters prune it (admin)', params: applicationParams } }, async (request, reply) => {
    await api.deleteApplication(who(request), request.params.name);
    return reply.code(204).send();
  });
  app.get('/api/v1/applications/:name/history', { schema: { ...tags('applications'), summary: 'Each stage\'s releases, newest first', params: applicationParams } }, async (request) => ({
    stages: await api.history(who(request), request.params.name),
  }));
  app.post('/api/v1/applications/:name/preview', { schema: { ...tags('promotions'), summary: 'Preview a promotion: clusters per wave, order, gates, shortest time', params: applicationParams, body: previewInput } }, async (request) => ({
    preview: await api.preview(who(request), request.params.name, request.body),
  }));
  app.post('/api/v1/applications/:name/stages/:stage/rollback', { schema: { ...tags('promotions'), summary: 'Promote a stage back to a commit it succeeded with before (promoter)', params: stageParams, body: stageRollbackInput } }, async (request, reply) =>
    reply.code(201).send({ promotion: await api.rollbackStage(who(request), request.params.name, request.params.stage, request.body.commit) }),
  );

  app.post('/api/v1/promotions', { schema: { ...tags('promotions'), summary: 'Promote a commit of an application (promoter)', body: createPromotionInput } }, async (request, reply) =>
    reply.code(201).send({ promotion: await api.createPromotion(who(request), request.body) }),
  );
  app.get('/api/v1/promotions', { schema: { ...tags('promotions'), summary: 'List promotions, newest first', querystring: listPromotionsInput } }, async (request) => ({
    ...(await api.listPromotions(who(request), request.query)),
  }));
  app.get('/api/v1/promotions/:id', { schema: { ...tags('promotions'), summary: 'Get a promotion with its per-cluster progress', params: idParams } }, async (request) => ({
    promotion: await api.getPromotion(who(request), request.params.id),
  }));

  for (const type of ['approve', 'reject', 'pause', 'resume', 'abort', 'rollback'] as const) {
    app.post(`/api/v1/promotions/:id/${type}`, { schema: { ...tags('promotions'), summary: `${type[0]!.toUpperCase()}${type.slice(1)} a promotion (promoter)`, params: idParams, body: commandInput.nullish() } }, async (request) => ({
      promotion: await api.command(who(request), request.params.id, type, request.body ?? {}),
    }));
  }

  // Every decision as Server-Sent Events, resumable: a client that reconnects with Last-Event-ID misses nothing.
  app.get('/api/v1/events', { schema: { ...tags('promotions'), summary: 'Watch events (text/event-stream; Last-Event-ID resumes)', querystring: eventsInput } }, async (request, reply) => {
    const principal = who(request);
    const lastEventId = Number(request.headers['last-event-id']);
    let after = Number.isInteger(lastEventId) && lastEventId >= 0 ? lastEventId : (request.query.after ?? 0);
    // Checks the role (and the filter) before the stream opens, so a refusal is an ordinary error reply.
    await api.events(principal, after, request.query, 0);
    const abort = new AbortController();
    request.raw.on('close', () => abort.abort());
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    reply.raw.write(': flotilla events\n\n');
    while (!abort.signal.aborted) {
      let events;
      try {
        events = await api.events(principal, after, request.query, 15_000, abort.signal);
      } catch {
        break;
      }
      if (abort.signal.aborted) break;
      if (events.length === 0) reply.raw.write(': keep-alive\n\n');
      for (const e of events) {
        after = e.seq;
        const data = { seq: e.seq, at: e.at, promotion: e.promotionId, app: e.app, stage: e.stage, wave: e.wave, cluster: e.cluster, type: e.type, reason: e.reason };
        reply.raw.write(`id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(data)}\n\n`);
      }
    }
    reply.raw.end();
  });

  app.get('/api/v1/ca', { schema: { tags: ['TLS'], summary: "The hub's CA certificate (PEM), public", response: { 200: z.string() } } }, async (_request, reply) =>
    reply.type('application/x-pem-file').send(api.caCertificate()),
  );
}
