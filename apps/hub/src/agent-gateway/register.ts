// Register and RotateCredential: exchanging a bootstrap token for a cluster credential, all-or-nothing.
import type * as grpc from '@grpc/grpc-js';
import { dns1123LabelProblem, labelsProblems } from '@flotilla/kube-schema';
import { RegisterResponseSchema, RotateCredentialResponseSchema, bearerOf, create, timestampFromDate } from '@flotilla/proto';
import type { RegisterRequest, RegisterResponse, RotateCredentialRequest, RotateCredentialResponse } from '@flotilla/proto';
import { FlotillaError, grpcErrorOf } from '../errors/index.js';
import type { Fleet } from '../fleet/index.js';
import type { GatewayAuth, GatewayLogger } from './ports.js';
import { checkRegistration } from './wire.js';

function validateRegistration(request: RegisterRequest): void {
  const nameProblem = dns1123LabelProblem(request.clusterName);
  if (nameProblem) throw new FlotillaError('InvalidArgument', `cluster_name: ${nameProblem}`, { field: 'cluster_name' });
  const [labelProblem] = labelsProblems(request.labels, 'labels');
  if (labelProblem) throw new FlotillaError('InvalidArgument', labelProblem, { field: 'labels' });
  checkRegistration(request);
}

/** A unique-index race (two registrations of one name at once) is a Conflict, not an internal error. */
function uniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

export async function register(fleet: Fleet, auth: GatewayAuth, request: RegisterRequest): Promise<RegisterResponse> {
  try {
    const { clusterId, issued } = await fleet.transaction(async (tx, changed) => {
      // The token is checked first, so an unauthenticated caller learns nothing about names; a later failure rolls
      // the consumed use back with everything else.
      await auth.consumeRegistrationToken(request.bootstrapToken, tx);
      validateRegistration(request);
      const id = await fleet.registerCluster(tx, changed, { name: request.clusterName, labels: { ...request.labels }, agentVersion: request.agentVersion });
      return { clusterId: id, issued: await auth.issueClusterCredential(id, tx) };
    });
    return create(RegisterResponseSchema, { clusterId, credential: issued.credential, credentialExpiresAt: timestampFromDate(issued.expiresAt) });
  } catch (err) {
    if (uniqueViolation(err)) throw new FlotillaError('Conflict', `cluster "${request.clusterName}" is already registered`, { field: 'cluster_name' });
    throw err;
  }
}

export function registerHandler(fleet: Fleet, auth: GatewayAuth, log: GatewayLogger): grpc.handleUnaryCall<RegisterRequest, RegisterResponse> {
  return (call, callback) => {
    register(fleet, auth, call.request).then(
      (response) => {
        log.info({ cluster: call.request.clusterName, clusterId: response.clusterId }, 'cluster registered');
        callback(null, response);
      },
      (err: unknown) => {
        log.warn({ cluster: call.request.clusterName, err: (err as Error).message }, 'registration refused');
        callback(grpcErrorOf(err));
      },
    );
  };
}

export function rotateHandler(auth: GatewayAuth): grpc.handleUnaryCall<RotateCredentialRequest, RotateCredentialResponse> {
  return (call, callback) => {
    auth.rotateClusterCredential(bearerOf(call.metadata) ?? '').then(
      (issued) =>
        callback(null, create(RotateCredentialResponseSchema, { credential: issued.credential, credentialExpiresAt: timestampFromDate(issued.expiresAt) })),
      (err: unknown) => callback(grpcErrorOf(err)),
    );
  };
}
