// The one service layer behind REST and gRPC FleetService: role checks, then auth/, fleet/ and rollout/. Inputs are
// already validated by the edge (inputs.ts); outputs are domain views that each edge renders in its own form.
import { requireRole } from '../auth/index.js';
import type { ApiTokenInfo, Auth, Principal, RegistrationTokenInfo } from '../auth/index.js';
import { FlotillaError } from '../errors/index.js';
import type { ApplicationView, ClusterView, Fleet } from '../fleet/index.js';
import type { PromotionView, Rollout } from '../rollout/index.js';
import type { ApplicationBody, CreateApiTokenInput, CreatePromotionInput, CreateRegistrationTokenInput } from './inputs.js';

/** What the API needs from rollout/: create, read and list promotions. */
export type PromotionsPort = Pick<Rollout, 'createPromotion' | 'getPromotion' | 'listPromotions'>;

export type FleetPort = Pick<
  Fleet,
  'putApplication' | 'getApplication' | 'listApplications' | 'listClusters' | 'getCluster' | 'revokeCluster'
>;

export interface FleetApiDeps {
  auth: Auth;
  fleet: FleetPort;
  promotions: PromotionsPort;
  /** The CA certificate (PEM) agents should trust, when the hub serves TLS from its own CA or was given one. */
  caCertificate?: string;
}

export class FleetApi {
  constructor(private readonly deps: FleetApiDeps) {}

  authenticate(secret: string | undefined): Promise<Principal> {
    return this.deps.auth.authenticate(secret);
  }

  caCertificate(): string {
    if (!this.deps.caCertificate) throw new FlotillaError('NotFound', 'this hub does not serve TLS from a CA it can share');
    return this.deps.caCertificate;
  }

  // Registration tokens (admin).
  createRegistrationToken(who: Principal, input: CreateRegistrationTokenInput) {
    requireRole(who, 'admin', 'creating a registration token');
    return this.deps.auth.createRegistrationToken(input);
  }

  listRegistrationTokens(who: Principal): Promise<RegistrationTokenInfo[]> {
    requireRole(who, 'admin', 'listing registration tokens');
    return this.deps.auth.listRegistrationTokens();
  }

  revokeRegistrationToken(who: Principal, id: string): Promise<RegistrationTokenInfo> {
    requireRole(who, 'admin', 'revoking a registration token');
    return this.deps.auth.revokeRegistrationToken(id);
  }

  // API tokens (admin).
  createApiToken(who: Principal, input: CreateApiTokenInput) {
    requireRole(who, 'admin', 'creating an API token');
    return this.deps.auth.createApiToken(input);
  }

  listApiTokens(who: Principal): Promise<ApiTokenInfo[]> {
    requireRole(who, 'admin', 'listing API tokens');
    return this.deps.auth.listApiTokens();
  }

  revokeApiToken(who: Principal, id: string): Promise<ApiTokenInfo> {
    requireRole(who, 'admin', 'revoking an API token');
    return this.deps.auth.revokeApiToken(id);
  }

  // Clusters (viewer; revoke: admin).
  listClusters(who: Principal, labelSelector?: string): Promise<ClusterView[]> {
    requireRole(who, 'viewer', 'listing clusters');
    return this.deps.fleet.listClusters(labelSelector === undefined ? {} : { labelSelector });
  }

  getCluster(who: Principal, name: string): Promise<ClusterView> {
    requireRole(who, 'viewer', 'reading a cluster');
    return this.deps.fleet.getCluster(name);
  }

  revokeCluster(who: Principal, name: string): Promise<ClusterView> {
    requireRole(who, 'admin', 'revoking a cluster');
    return this.deps.fleet.revokeCluster(name);
  }

  // Applications (viewer; put: admin).
  putApplication(who: Principal, name: string, body: ApplicationBody): Promise<ApplicationView> {
    requireRole(who, 'admin', 'creating or replacing an application');
    return this.deps.fleet.putApplication({ name, ...body });
  }

  getApplication(who: Principal, name: string): Promise<ApplicationView> {
    requireRole(who, 'viewer', 'reading an application');
    return this.deps.fleet.getApplication(name);
  }

  listApplications(who: Principal): Promise<ApplicationView[]> {
    requireRole(who, 'viewer', 'listing applications');
    return this.deps.fleet.listApplications();
  }

  // Promotions (viewer; create: promoter).
  createPromotion(who: Principal, input: CreatePromotionInput): Promise<PromotionView> {
    requireRole(who, 'promoter', 'creating a promotion');
    return this.deps.promotions.createPromotion({ ...input, actor: who.name });
  }

  getPromotion(who: Principal, id: string): Promise<PromotionView> {
    requireRole(who, 'viewer', 'reading a promotion');
    return this.deps.promotions.getPromotion(id);
  }

  listPromotions(who: Principal, app?: string): Promise<PromotionView[]> {
    requireRole(who, 'viewer', 'listing promotions');
    return this.deps.promotions.listPromotions(app === undefined ? {} : { app });
  }
}
