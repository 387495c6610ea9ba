// The one service layer behind REST and gRPC FleetService: role checks, then auth/, fleet/ and rollout/. Inputs are
// already validated by the edge (inputs.ts); outputs are domain views that each edge renders in its own form.
import { requireRole } from '../auth/index.js';
import type { ApiTokenInfo, Auth, Principal, RegistrationTokenInfo } from '../auth/index.js';
import { FlotillaError } from '../errors/index.js';
import type { ApplicationView, ClusterView, Fleet } from '../fleet/index.js';
import { resolveRef } from '../rollout/index.js';
import type { CommandType, PromotionPreview, PromotionView, Rollout } from '../rollout/index.js';
import type { ApplicationBody, CommandInput, CreateApiTokenInput, CreatePromotionInput, CreateRegistrationTokenInput, PreviewInput } from './inputs.js';

/** What the API needs from rollout/. */
export type PromotionsPort = Pick<Rollout, 'createPromotion' | 'getPromotion' | 'listPromotions' | 'command' | 'preview' | 'history' | 'rollbackStage' | 'runDue' | 'eventsSince'>;

export type FleetPort = Pick<
  Fleet,
  'putApplication' | 'getApplication' | 'listApplications' | 'deleteApplication' | 'listClusters' | 'getCluster' | 'revokeCluster' | 'setClusterLabels' | 'deleteCluster'
>;

/** Which role each promotion command needs. */
const commandRoles: Record<CommandType, 'promoter' | 'admin'> = { approve: 'promoter', reject: 'promoter', pause: 'promoter', resume: 'promoter', abort: 'promoter', rollback: 'promoter' };

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
  async listClusters(who: Principal, labelSelector?: string, includeRevoked = false): Promise<ClusterView[]> {
    requireRole(who, 'viewer', 'listing clusters');
    const all = await this.deps.fleet.listClusters(labelSelector === undefined ? {} : { labelSelector });
    // A revoked identity stays on record (its promotions name it) but is not a cluster of the fleet any more.
    return includeRevoked ? all : all.filter((c) => !c.revoked);
  }

  setClusterLabels(who: Principal, name: string, labels: Record<string, string>): Promise<ClusterView> {
    requireRole(who, 'admin', "editing a cluster's labels");
    return this.deps.fleet.setClusterLabels(name, labels);
  }

  async deleteCluster(who: Principal, name: string): Promise<void> {
    requireRole(who, 'admin', 'deleting a cluster');
    await this.deps.fleet.revokeCluster(name);
    // Promotions judge the cluster on what it last said before it goes, so a failure it reported stands.
    await this.deps.promotions.runDue();
    await this.deps.fleet.deleteCluster(name);
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

  deleteApplication(who: Principal, name: string): Promise<void> {
    requireRole(who, 'admin', 'deleting an application');
    return this.deps.fleet.deleteApplication(name);
  }

  history(who: Principal, name: string) {
    requireRole(who, 'viewer', "reading an application's history");
    return this.deps.promotions.history(name);
  }

  private async commitOf(app: string, input: { commit?: string | undefined; ref?: string | undefined }): Promise<string> {
    if (input.commit !== undefined) return input.commit;
    const application = await this.deps.fleet.getApplication(app);
    return resolveRef(application.repoUrl, input.ref!);
  }

  // Promotions (viewer; create and commands: promoter; force: admin).
  async createPromotion(who: Principal, input: CreatePromotionInput): Promise<PromotionView> {
    requireRole(who, 'promoter', 'creating a promotion');
    if (input.force) requireRole(who, 'admin', 'forcing a promotion past its upstream stages');
    const commit = await this.commitOf(input.app, input);
    return this.deps.promotions.createPromotion({
      app: input.app,
      commit,
      actor: who.name,
      ...(input.ref !== undefined && input.commit === undefined ? { ref: input.ref } : {}),
      ...(input.stage !== undefined ? { stage: input.stage } : {}),
      ...(input.force !== undefined ? { force: input.force } : {}),
    });
  }

  async preview(who: Principal, app: string, input: PreviewInput): Promise<PromotionPreview> {
    requireRole(who, 'viewer', 'previewing a promotion');
    return this.deps.promotions.preview(app, await this.commitOf(app, input), input.stage);
  }

  command(who: Principal, id: string, type: CommandType, input: CommandInput): Promise<PromotionView> {
    requireRole(who, commandRoles[type], `${type} of a promotion`);
    return this.deps.promotions.command(id, type, who.name, {
      ...(input.reason !== undefined ? { reason: input.reason } : {}),
      ...(input.stage !== undefined ? { stage: input.stage } : {}),
      ...(input.wave !== undefined ? { wave: input.wave } : {}),
    });
  }

  events(who: Principal, after: number, filter: { app?: string | undefined; promotion?: string | undefined }, waitMs: number, signal?: AbortSignal) {
    requireRole(who, 'viewer', 'watching events');
    return this.deps.promotions.eventsSince(after, { ...(filter.app ? { app: filter.app } : {}), ...(filter.promotion ? { promotionId: filter.promotion } : {}) }, waitMs, signal);
  }

  rollbackStage(who: Principal, app: string, stage: string, commit?: string): Promise<PromotionView> {
    requireRole(who, 'promoter', 'rolling a stage back');
    return this.deps.promotions.rollbackStage(app, stage, who.name, commit);
  }

  getPromotion(who: Principal, id: string): Promise<PromotionView> {
    requireRole(who, 'viewer', 'reading a promotion');
    return this.deps.promotions.getPromotion(id);
  }

  listPromotions(who: Principal, filter: { app?: string | undefined; limit?: number | undefined; before?: number | undefined } = {}) {
    requireRole(who, 'viewer', 'listing promotions');
    return this.deps.promotions.listPromotions({
      ...(filter.app !== undefined ? { app: filter.app } : {}),
      ...(filter.limit !== undefined ? { limit: filter.limit } : {}),
      ...(filter.before !== undefined ? { before: filter.before } : {}),
    });
  }
}
