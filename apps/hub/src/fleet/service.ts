// The fleet service: applications, clusters, desired state and status ingest behind one object, with the rule that
// gateways hear about a desired-state change only after the transaction that made it has committed.
import type { DesiredState } from '@flotilla/proto';
import { eq } from 'drizzle-orm';
import { labelsProblems } from '@flotilla/kube-schema';
import { clusterStates, clusters } from '../store/index.js';
import { reconcileDesiredState } from './desired-state.js';
import type { Database, Transaction } from '../store/index.js';
import { findApplication, listApplicationViews, removeApplication, upsertApplication } from './applications.js';
import type { ApplicationInput, ApplicationView } from './applications.js';
import { every, systemClock } from './clock.js';
import type { Clock } from './clock.js';
import { findClusterById, findClusterByName, insertCluster, listClusterViews, setConnected } from './clusters.js';
import type { ClusterView, NewCluster } from './clusters.js';
import { desiredStateMessage, loadDesiredState } from './desired-state.js';
import { ClusterNotifier } from './notifier.js';
import { StatusBuffer } from './statuses.js';
import type { FlushResult } from './statuses.js';
import { FlotillaError } from '../errors/index.js';

/** What fleet needs from auth/: revoking a cluster's identity inside a caller's transaction. */
export interface ClusterRevocation {
  revokeCluster(clusterId: string, db?: Transaction): Promise<unknown>;
}

export interface FleetOptions {
  db: Database;
  auth: ClusterRevocation;
  clock?: Clock;
  /** How often buffered statuses and last-seen times are written; default 1000 ms. */
  statusFlushIntervalMs?: number;
}

/**
 * Runs inside the revocation's transaction (rollout drops the cluster from in-flight promotions); may return work to
 * run once it has committed.
 */
export type RevocationHook = (tx: Transaction, cluster: { id: string; name: string }, now: Date) => Promise<(() => Promise<void>) | void>;

/** Clusters whose desired state a unit of work changed; published once it commits. */
export type ChangedClusters = Set<string>;

export class Fleet {
  readonly notifier = new ClusterNotifier();
  readonly statuses: StatusBuffer;
  readonly clock: Clock;
  private readonly db: Database;
  private readonly auth: ClusterRevocation;
  private readonly flushIntervalMs: number;
  private stopFlushing: (() => void) | undefined;
  private sessionsReset: Promise<void> | undefined;
  private readonly revocationHooks: RevocationHook[] = [];
  private readonly labelHooks: ((tx: Transaction) => Promise<void>)[] = [];

  constructor(options: FleetOptions) {
    this.db = options.db;
    this.auth = options.auth;
    this.clock = options.clock ?? systemClock;
    this.flushIntervalMs = options.statusFlushIntervalMs ?? 1000;
    this.statuses = new StatusBuffer(this.db);
  }

  /**
   * Starts the periodic status flush and forgets sessions a previous process left marked connected (it cannot have
   * streams open any more). One hub process per store for now: replicas would each track their own streams.
   */
  start(): void {
    this.sessionsReset ??= this.db
      .update(clusterStates)
      .set({ connected: false })
      .then(() => undefined);
    this.stopFlushing ??= every(this.clock, this.flushIntervalMs, () => {
      // A failed flush keeps its batch for the next interval; nothing to do here but not crash.
      this.statuses.flush().catch(() => undefined);
    });
  }

  /** Stops the periodic flush and writes what is still buffered. */
  async stop(): Promise<void> {
    this.stopFlushing?.();
    this.stopFlushing = undefined;
    await this.statuses.flush();
  }

  /** Writes buffered statuses now and re-plans the promotions they concern (tests call this instead of waiting). */
  flush(): Promise<FlushResult> {
    return this.statuses.flush();
  }

  /**
   * Runs `work` in one transaction; clusters it adds to `changed` are notified after commit (never on rollback), so a
   * stream never pushes a snapshot that was not durably written.
   */
  async transaction<T>(work: (tx: Transaction, changed: ChangedClusters) => Promise<T>): Promise<T> {
    const changed: ChangedClusters = new Set();
    const result = await this.db.transaction((tx) => work(tx, changed));
    this.notifier.publish(changed, 'desired-state');
    return result;
  }

  putApplication(input: ApplicationInput): Promise<ApplicationView> {
    return this.transaction(async (tx, changed) => {
      const { application, changed: ids } = await upsertApplication(tx, input, this.clock.now());
      for (const id of ids) changed.add(id);
      return application;
    });
  }

  async getApplication(name: string): Promise<ApplicationView> {
    const app = await findApplication(this.db, name);
    if (!app) throw new FlotillaError('NotFound', `application "${name}" not found`);
    return app;
  }

  listApplications(): Promise<ApplicationView[]> {
    return listApplicationViews(this.db);
  }

  deleteApplication(name: string): Promise<void> {
    return this.transaction(async (tx, changed) => {
      for (const id of await removeApplication(tx, name, this.clock.now())) changed.add(id);
    });
  }

  /** Creates a cluster inside the caller's (registration) transaction. */
  async registerCluster(tx: Transaction, changed: ChangedClusters, input: NewCluster): Promise<string> {
    const { id, changed: ids } = await insertCluster(tx, input, this.clock.now());
    for (const c of ids) changed.add(c);
    return id;
  }

  listClusters(options: { labelSelector?: string } = {}): Promise<ClusterView[]> {
    return listClusterViews(this.db, options.labelSelector);
  }

  getCluster(name: string): Promise<ClusterView> {
    return findClusterByName(this.db, name);
  }

  getClusterById(id: string): Promise<ClusterView> {
    return findClusterById(this.db, id);
  }

  onClusterRevoked(hook: RevocationHook): void {
    this.revocationHooks.push(hook);
  }

  /** Revokes a cluster's credentials (through auth) and closes its open streams at once. */
  async revokeCluster(name: string): Promise<ClusterView> {
    const cluster = await findClusterByName(this.db, name);
    // What it reported before it goes is judged first: a failure it reported stands after the revocation.
    await this.statuses.flush();
    const afterCommit: (() => Promise<void>)[] = [];
    if (!cluster.revoked) {
      await this.db.transaction(async (tx) => {
        await this.auth.revokeCluster(cluster.id, tx);
        for (const hook of this.revocationHooks) {
          const after = await hook(tx, cluster, this.clock.now());
          if (after) afterCommit.push(after);
        }
      });
    }
    this.notifier.publish([cluster.id], 'revoked');
    for (const after of afterCommit) await after();
    return findClusterById(this.db, cluster.id);
  }

  /**
   * Replaces a cluster's labels. Where that moves it between stages it follows the documented policy: it gets its new
   * stage's last succeeded commit (or keeps what it runs until one succeeds) and in-flight promotions re-plan.
   */
  async setClusterLabels(name: string, labels: Record<string, string>): Promise<ClusterView> {
    const [problem] = labelsProblems(labels, 'labels');
    if (problem) throw new FlotillaError('InvalidArgument', problem, { field: 'labels' });
    const cluster = await findClusterByName(this.db, name);
    if (cluster.revoked) throw new FlotillaError('FailedPrecondition', `cluster "${name}" is revoked`);
    await this.transaction(async (tx, changed) => {
      await tx.update(clusters).set({ labels }).where(eq(clusters.id, cluster.id));
      for (const id of await reconcileDesiredState(tx, this.clock.now(), [cluster.id])) changed.add(id);
      for (const hook of this.labelHooks) await hook(tx);
    });
    return findClusterById(this.db, cluster.id);
  }

  /** Deletes a cluster's record (revoke it first: its streams close, its promotions drop it). */
  async deleteCluster(name: string): Promise<void> {
    const cluster = await findClusterByName(this.db, name);
    await this.db.delete(clusters).where(eq(clusters.id, cluster.id));
    this.notifier.publish([cluster.id], 'revoked');
  }

  /** Runs inside a label change's transaction (rollout marks its promotions due). */
  onClusterLabelsChanged(hook: (tx: Transaction) => Promise<void>): void {
    this.labelHooks.push(hook);
  }

  /** Records a stream opening (with the agent's version) or closing. */
  async setConnected(clusterId: string, connected: boolean, now: Date, agentVersion?: string): Promise<void> {
    await this.sessionsReset;
    await setConnected(this.db, clusterId, connected, now, agentVersion);
  }

  async applicationExists(name: string): Promise<boolean> {
    return (await findApplication(this.db, name)) !== undefined;
  }

  /** The complete DesiredState snapshot of a cluster. */
  async desiredStateFor(clusterId: string): Promise<DesiredState> {
    return desiredStateMessage(await loadDesiredState(this.db, clusterId));
  }
}

export function createFleet(options: FleetOptions): Fleet {
  return new Fleet(options);
}
