import https from 'node:https';
import * as grpc from '@grpc/grpc-js';
import {
  ApplicationSchema,
  CreatePromotionRequestSchema,
  CreateRegistrationTokenRequestSchema,
  FleetService,
  GetClusterRequestSchema,
  ListClustersRequestSchema,
  PromotionState,
  RenderEngine,
  PutApplicationRequestSchema,
  bearer,
  create,
  createClient,
} from '@flotilla/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flotillaCodeOf } from '../src/errors/index.js';
import { startTestHub } from './support/hub.js';
import type { TestHub } from './support/hub.js';

async function failure(promise: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await promise;
  } catch (err) {
    return err as grpc.ServiceError;
  }
  throw new Error('expected the call to fail');
}

describe('FleetService over gRPC', () => {
  let t: TestHub;
  let client: ReturnType<TestHub['fleetClient']>;
  let viewer: string;

  beforeAll(async () => {
    t = await startTestHub();
    client = t.fleetClient();
    viewer = ((await t.rest('POST', '/api/v1/tokens', { body: { name: 'viewer', role: 'viewer' } })).body as { secret: string }).secret;
    await t.register('eu-1', { env: 'prod' });
  });
  afterAll(() => t.close());

  it('creates a registration token with the same defaults as REST', async () => {
    const response = await client.createRegistrationToken(create(CreateRegistrationTokenRequestSchema, { maxUses: 2 }), {
      metadata: bearer(t.admin),
    });
    expect(response.secret).toMatch(/^flt_reg_/);
    expect(response.token?.maxUses).toBe(2);
    const ttl = Number(response.token!.expiresAt!.seconds - response.token!.createdAt!.seconds);
    expect(ttl).toBe(24 * 60 * 60);
  });

  it('lists and gets clusters as proto messages', async () => {
    const listed = await client.listClusters(create(ListClustersRequestSchema, { labelSelector: 'env=prod' }), { metadata: bearer(viewer) });
    expect(listed.clusters.map((c) => [c.name, c.labels])).toEqual([['eu-1', { env: 'prod' }]]);
    const got = await client.getCluster(create(GetClusterRequestSchema, { name: 'eu-1' }), { metadata: bearer(viewer) });
    expect(got.cluster?.agentVersion).toBe('test');
  });

  it('puts an application and promotes a commit through the same service layer', async () => {
    const application = create(ApplicationSchema, { name: 'web', repoUrl: 'https://git.example/web.git', path: 'deploy' });
    const put = await client.putApplication(create(PutApplicationRequestSchema, { application }), { metadata: bearer(t.admin) });
    expect(put.application?.name).toBe('web');
    expect(put.application?.renderEngine).toBe(RenderEngine.BUILTIN);
    const promoted = await client.createPromotion(create(CreatePromotionRequestSchema, { app: 'web', commit: 'b'.repeat(40) }), {
      metadata: bearer(t.admin),
    });
    expect(promoted.promotion?.state).not.toBe(PromotionState.UNSPECIFIED);
    expect(promoted.promotion?.targets.map((x) => x.cluster)).toEqual(['eu-1']);
    // The REST view of the same promotion: one implementation behind both edges.
    const rest = await t.rest('GET', `/api/v1/promotions/${promoted.promotion!.id}`);
    expect(rest.body).toMatchObject({ promotion: { id: promoted.promotion!.id, commit: 'b'.repeat(40) } });
  });

  it.each([
    ['no credential', undefined, () => create(ListClustersRequestSchema), 'listClusters', grpc.status.UNAUTHENTICATED, 'Unauthenticated', /missing API token/],
    ['a viewer creating a token', 'viewer', () => create(CreateRegistrationTokenRequestSchema), 'createRegistrationToken', grpc.status.PERMISSION_DENIED, 'PermissionDenied', /needs role admin/],
    ['an unknown cluster', 'admin', () => create(GetClusterRequestSchema, { name: 'nowhere' }), 'getCluster', grpc.status.NOT_FOUND, 'NotFound', /cluster "nowhere" not found/],
    [
      'an application with a bad repo URL',
      'admin',
      () => create(PutApplicationRequestSchema, { application: create(ApplicationSchema, { name: 'api', repoUrl: 'git@host:x', path: 'p' }) }),
      'putApplication',
      grpc.status.INVALID_ARGUMENT,
      'InvalidArgument',
      /^application\.repoUrl: "git@host:x" is not an http\(s\) URL$/,
    ],
    [
      'an application with an unknown render engine',
      'admin',
      () => create(PutApplicationRequestSchema, { application: create(ApplicationSchema, { name: 'api', repoUrl: 'https://g/x', path: 'p', renderEngine: 9 as RenderEngine }) }),
      'putApplication',
      grpc.status.INVALID_ARGUMENT,
      'InvalidArgument',
      /^application\.renderEngine: expected one of builtin, kustomize-binary$/,
    ],
    ['a short commit', 'admin', () => create(CreatePromotionRequestSchema, { app: 'web', commit: 'abc' }), 'createPromotion', grpc.status.INVALID_ARGUMENT, 'InvalidArgument', /^commit: expected a full commit id/],
    ['a bad label selector', 'viewer', () => create(ListClustersRequestSchema, { labelSelector: 'env in (' }), 'listClusters', grpc.status.INVALID_ARGUMENT, 'InvalidArgument', /^labelSelector: /],
  ] as const)('maps %s to gRPC status %i', async (_case, who, request, method, status, code, message) => {
    const options = who === undefined ? {} : { metadata: bearer(who === 'admin' ? t.admin : viewer) };
    const call = (client[method] as (r: unknown, o: object) => Promise<unknown>)(request(), options);
    const error = await failure(call);
    expect(error.code).toBe(status);
    expect(error.details).toMatch(message);
    expect(flotillaCodeOf(error.metadata)).toBe(code);
  });
});

describe('AgentService errors through the same mapping', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(() => t.close());

  it('answers a second registration of a live cluster name with ALREADY_EXISTS (Conflict)', async () => {
    await t.register('eu-1');
    const error = await failure(t.register('eu-1'));
    expect(error.code).toBe(grpc.status.ALREADY_EXISTS);
    expect(flotillaCodeOf(error.metadata)).toBe('Conflict');
    expect(error.details).toMatch(/eu-1/);
  });
});

describe('FleetService over TLS from the self-signed CA', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ tls: 'self-signed' });
  });
  afterAll(() => t.close());

  it('serves its CA at /api/v1/ca and accepts clients that pin it', async () => {
    expect(t.hub.httpUrl).toMatch(/^https:/);
    expect(t.hub.caCertificate).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const pinned = createClient(FleetService, t.hub.grpcAddress, grpc.credentials.createSsl(Buffer.from(t.hub.caCertificate!)));
    try {
      const response = await pinned.listClusters(create(ListClustersRequestSchema), { metadata: bearer(t.admin) });
      expect(response.clusters).toEqual([]);
    } finally {
      pinned.close();
    }
  });

  it('serves REST over HTTPS with the same certificate', async () => {
    const pem = await new Promise<string>((resolve, reject) => {
      https
        .get(`${t.hub.httpUrl}/api/v1/ca`, { ca: t.hub.caCertificate! }, (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve(body));
        })
        .on('error', reject);
    });
    expect(pem).toBe(t.hub.caCertificate);
  });

  it('is refused by clients that do not trust the CA', async () => {
    const untrusting = createClient(FleetService, t.hub.grpcAddress, grpc.credentials.createSsl());
    try {
      const error = await failure(untrusting.listClusters(create(ListClustersRequestSchema), { metadata: bearer(t.admin), deadline: 10_000 }));
      expect(error.code).toBe(grpc.status.UNAVAILABLE);
    } finally {
      untrusting.close();
    }
  });
});
