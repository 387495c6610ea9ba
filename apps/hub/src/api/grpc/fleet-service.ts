// gRPC FleetService: decodes each request into the same inputs REST validates, calls the same service layer, and
// maps errors through errors/grpc-status.ts.
import type * as grpc from '@grpc/grpc-js';
import {
  CreatePromotionResponseSchema,
  CreateRegistrationTokenResponseSchema,
  FleetService,
  GetApplicationResponseSchema,
  GetClusterResponseSchema,
  GetPromotionResponseSchema,
  ListApplicationsResponseSchema,
  ListClustersResponseSchema,
  ListPromotionsResponseSchema,
  ListRegistrationTokensResponseSchema,
  PutApplicationResponseSchema,
  RegistrationTokenSchema,
  RevokeClusterResponseSchema,
  RevokeRegistrationTokenResponseSchema,
  addService,
  bearerOf,
  create,
  timestampFromDate,
} from '@flotilla/proto';
import type { RegistrationToken } from '@flotilla/proto';
import type { Principal, RegistrationTokenInfo } from '../../auth/index.js';
import { FlotillaError, asFlotillaError, grpcErrorOf } from '../../errors/index.js';
import { applicationMessage, clusterMessage, renderEngineOf } from '../../fleet/index.js';
import type { Logger, Metrics } from '../../observability/index.js';
import { promotionMessage } from '../../rollout/index.js';
import {
  applicationBody,
  applicationParams,
  createPromotionInput,
  createRegistrationTokenInput,
  idParams,
  listClustersInput,
  listPromotionsInput,
  nameParams,
} from '../inputs.js';
import type { FleetApi } from '../service.js';
import { parseInput } from '../validation.js';

function registrationTokenMessage(token: RegistrationTokenInfo): RegistrationToken {
  return create(RegistrationTokenSchema, {
    id: token.id,
    description: token.description,
    expiresAt: timestampFromDate(token.expiresAt),
    maxUses: token.maxUses,
    uses: token.uses,
    revoked: token.revoked,
    createdAt: timestampFromDate(token.createdAt),
  });
}

/** Proto3 has no absent scalars: a zero value means "not given", as the .proto documents for each field. */
const given = <T>(value: T): T | undefined => (value === 0 || value === 0n || value === '' ? undefined : value);

export function addFleetService(server: grpc.Server, api: FleetApi, logger: Logger, metrics: Metrics): void {
  function unary<Req, Res>(method: string, handle: (who: Principal, request: Req) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
    return (call, callback) => {
      api
        .authenticate(bearerOf(call.metadata))
        .then((who) => handle(who, call.request))
        .then(
          (response) => {
            metrics.grpcRequests.inc({ method, code: 'OK' });
            callback(null, response);
          },
          (err: unknown) => {
            const error = asFlotillaError(err);
            metrics.grpcRequests.inc({ method, code: error.code });
            if (error.code === 'Internal') logger.error({ err, method }, 'FleetService call failed');
            callback(grpcErrorOf(error));
          },
        );
    };
  }

  addService(server, FleetService, {
    createRegistrationToken: unary('CreateRegistrationToken', async (who, request) => {
      const input = parseInput(createRegistrationTokenInput, {
        description: given(request.description),
        ttlSeconds: given(request.ttlSeconds) === undefined ? undefined : Number(request.ttlSeconds),
        maxUses: given(request.maxUses),
      });
      const { token, secret } = await api.createRegistrationToken(who, input);
      return create(CreateRegistrationTokenResponseSchema, { token: registrationTokenMessage(token), secret });
    }),
    listRegistrationTokens: unary('ListRegistrationTokens', async (who) =>
      create(ListRegistrationTokensResponseSchema, { tokens: (await api.listRegistrationTokens(who)).map(registrationTokenMessage) }),
    ),
    revokeRegistrationToken: unary('RevokeRegistrationToken', async (who, request) => {
      const { id } = parseInput(idParams, { id: request.id });
      return create(RevokeRegistrationTokenResponseSchema, { token: registrationTokenMessage(await api.revokeRegistrationToken(who, id)) });
    }),
    listClusters: unary('ListClusters', async (who, request) => {
      const { labelSelector } = parseInput(listClustersInput, { labelSelector: given(request.labelSelector) });
      return create(ListClustersResponseSchema, { clusters: (await api.listClusters(who, labelSelector)).map(clusterMessage) });
    }),
    getCluster: unary('GetCluster', async (who, request) => {
      const { name } = parseInput(nameParams, { name: request.name });
      return create(GetClusterResponseSchema, { cluster: clusterMessage(await api.getCluster(who, name)) });
    }),
    revokeCluster: unary('RevokeCluster', async (who, request) => {
      const { name } = parseInput(nameParams, { name: request.name });
      return create(RevokeClusterResponseSchema, { cluster: clusterMessage(await api.revokeCluster(who, name)) });
    }),
    putApplication: unary('PutApplication', async (who, request) => {
      const app = request.application;
      if (!app) throw new FlotillaError('InvalidArgument', 'application: required');
      const { name } = parseInput(applicationParams, { name: app.name }, 'application');
      const body = parseInput(
        applicationBody,
        { repoUrl: app.repoUrl, path: app.path, clusterSelector: app.clusterSelector, defaultNamespace: app.defaultNamespace, renderEngine: renderEngineOf(app.renderEngine) },
        'application',
      );
      return create(PutApplicationResponseSchema, { application: applicationMessage(await api.putApplication(who, name, body)) });
    }),
    getApplication: unary('GetApplication', async (who, request) => {
      const { name } = parseInput(nameParams, { name: request.name });
      return create(GetApplicationResponseSchema, { application: applicationMessage(await api.getApplication(who, name)) });
    }),
    listApplications: unary('ListApplications', async (who) =>
      create(ListApplicationsResponseSchema, { applications: (await api.listApplications(who)).map(applicationMessage) }),
    ),
    createPromotion: unary('CreatePromotion', async (who, request) => {
      const input = parseInput(createPromotionInput, { app: request.app, commit: request.commit });
      return create(CreatePromotionResponseSchema, { promotion: promotionMessage(await api.createPromotion(who, input)) });
    }),
    getPromotion: unary('GetPromotion', async (who, request) => {
      const { id } = parseInput(idParams, { id: request.id });
      return create(GetPromotionResponseSchema, { promotion: promotionMessage(await api.getPromotion(who, id)) });
    }),
    listPromotions: unary('ListPromotions', async (who, request) => {
      const { app } = parseInput(listPromotionsInput, { app: given(request.app) });
      return create(ListPromotionsResponseSchema, { promotions: (await api.listPromotions(who, { app })).promotions.map(promotionMessage) });
    }),
  });
}
