// Status ingest: agents' reports are coalesced in memory (latest per cluster and application, never older in
// generation, with the worst health seen and when it last became healthy) and written in one batch per flush, so a
// chatty fleet costs one transaction per interval, not per message, and a brief Degraded between flushes is not lost.
import { eq, inArray, sql } from 'drizzle-orm';
import { clusterAppStatuses, clusterApps, clusters } from '../store/index.js';
import type { Database } from '../store/index.js';
import type { AppStatusView } from './clusters.js';

export interface FlushResult {
  /** Applications that got at least one new status in this flush. */
  apps: Set<string>;
  statuses: number;
}

export type FlushListener = (result: FlushResult) => Promise<void>;

const key = (clusterId: string, app: string): string => `${clusterId}\u0000${app}`;

const severity: Record<string, number> = { Healthy: 0, Suspended: 1, Progressing: 2, Missing: 3, Degraded: 4, Unknown: 5 };

interface Buffered {
  clusterId: string;
  status: AppStatusView;
  receivedAt: Date;
  worst: { health: string; message: string };
  /** The first report of the current healthy streak in this batch; null when the latest is not Synced and Healthy. */
  healthyFrom: Date | null;
  /** A relapse, or a new generation or commit, in this batch: the stored healthy-since time no longer holds. */
  restarted: boolean;
}

export class StatusBuffer {
  private statuses = new Map<string, Buffered>();
  private lastSeen = new Map<string, Date>();
  private running: Promise<FlushResult> = Promise.resolve({ apps: new Set(), statuses: 0 });
  private readonly listeners: FlushListener[] = [];

  constructor(private readonly db: Database) {}

  record(clusterId: string, status: AppStatusView, receivedAt: Date): void {
    const k = key(clusterId, status.app);
    const held = this.statuses.get(k);
    // Reports can cross on the wire; an older generation never replaces a newer one.
    if (held && held.status.observedGeneration > status.observedGeneration) return;
    const same = held !== undefined && held.status.observedGeneration === status.observedGeneration && held.status.observedCommit === status.observedCommit;
    const healthy = status.sync === 'Synced' && status.health === 'Healthy';
    const restarted = (held !== undefined && (!same || held.restarted)) || !healthy;
    const healthyFrom = !healthy ? null : same && held.healthyFrom ? held.healthyFrom : receivedAt;
    const worst = same && (severity[held.worst.health] ?? 0) > (severity[status.health] ?? 0) ? held.worst : { health: status.health, message: status.healthMessage };
    this.statuses.set(k, { clusterId, status, receivedAt, worst, healthyFrom, restarted });
  }

  /** Puts back a batch that failed to write, unless newer reports arrived meanwhile. */
  private restore(item: Buffered): void {
    const held = this.statuses.get(key(item.clusterId, item.status.app));
    if (!held || held.status.observedGeneration < item.status.observedGeneration) this.statuses.set(key(item.clusterId, item.status.app), item);
  }

  touch(clusterId: string, at: Date): void {
    this.lastSeen.set(clusterId, at);
  }

  /** The status waiting to be written for this cluster and application, if any. */
  buffered(clusterId: string, app: string): AppStatusView | undefined {
    return this.statuses.get(key(clusterId, app))?.status;
  }

  pending(): number {
    return this.statuses.size + this.lastSeen.size;
  }

  /** Called after each flush that wrote statuses (the rollout driver re-plans the applications' promotions). */
  onFlushed(listener: FlushListener): void {
    this.listeners.push(listener);
  }

  /** Writes everything buffered so far; concurrent calls queue behind each other. */
  flush(): Promise<FlushResult> {
    this.running = this.running.catch(() => undefined).then(() => this.flushNow());
    return this.running;
  }

  private async flushNow(): Promise<FlushResult> {
    const batch = [...this.statuses.values()];
    const seen = [...this.lastSeen.entries()];
    this.statuses = new Map();
    this.lastSeen = new Map();
    if (batch.length === 0 && seen.length === 0) return { apps: new Set(), statuses: 0 };
    try {
      await this.write(batch, seen);
    } catch (err) {
      // Put the batch back (unless newer reports arrived meanwhile) so the next flush retries it.
      for (const item of batch) this.restore(item);
      for (const [id, at] of seen) if (!this.lastSeen.has(id)) this.lastSeen.set(id, at);
      throw err;
    }
    const result: FlushResult = { apps: new Set(batch.map((b) => b.status.app)), statuses: batch.length };
    if (batch.length > 0) for (const listener of this.listeners) await listener(result);
    return result;
  }

  private async write(batch: Buffered[], seen: [string, Date][]): Promise<void> {
    await this.db.transaction(async (tx) => {
      // Rows whose healthy streak goes on carry the stored healthy-since time forward; the others restart it.
      for (const restarted of [true, false]) {
        const rows = batch.filter((b) => b.restarted === restarted);
        if (rows.length === 0) continue;
        const healthySince = restarted
          ? sql`excluded.healthy_since`
          : sql`case when excluded.healthy_since is null then null
                     when ${clusterAppStatuses.observedGeneration} = excluded.observed_generation and ${clusterAppStatuses.observedCommit} = excluded.observed_commit
                       then coalesce(${clusterAppStatuses.healthySince}, excluded.healthy_since)
                     else excluded.healthy_since end`;
        await tx
          .insert(clusterAppStatuses)
          .values(
            rows.map(({ clusterId, status, receivedAt, worst, healthyFrom }) => ({
              clusterId,
              app: status.app,
              observedGeneration: status.observedGeneration,
              observedCommit: status.observedCommit,
              sync: status.sync,
              syncError: status.syncError,
              syncRetryable: status.syncRetryable,
              health: status.health,
              healthMessage: status.healthMessage,
              healthySince: healthyFrom,
              worstHealth: worst.health,
              worstMessage: worst.message,
              resources: status.resources,
              observedAt: status.observedAt ?? null,
              receivedAt,
            })),
          )
          .onConflictDoUpdate({
            target: [clusterAppStatuses.clusterId, clusterAppStatuses.app],
            set: {
              healthySince,
              observedGeneration: sql`excluded.observed_generation`,
              observedCommit: sql`excluded.observed_commit`,
              sync: sql`excluded.sync`,
              syncError: sql`excluded.sync_error`,
              syncRetryable: sql`excluded.sync_retryable`,
              health: sql`excluded.health`,
              healthMessage: sql`excluded.health_message`,
              worstHealth: sql`excluded.worst_health`,
              worstMessage: sql`excluded.worst_message`,
              resources: sql`excluded.resources`,
              observedAt: sql`excluded.observed_at`,
              receivedAt: sql`excluded.received_at`,
            },
            setWhere: sql`${clusterAppStatuses.observedGeneration} <= excluded.observed_generation`,
          });
      }
      if (batch.length > 0) {
        // A report buffered before its application left the cluster's desired state must not bring its status back.
        const clusterIds = [...new Set(batch.map((b) => b.clusterId))];
        await tx.execute(sql`
          delete from ${clusterAppStatuses} s
          where ${inArray(sql`s.cluster_id`, clusterIds)}
            and not exists (select 1 from ${clusterApps} ca where ca.cluster_id = s.cluster_id and ca.app = s.app)`);
      }
      for (const [clusterId, at] of seen) {
        await tx.update(clusters).set({ lastSeenAt: at }).where(eq(clusters.id, clusterId));
      }
    });
  }
}
