// Status ingest: agents' reports are coalesced in memory (latest per cluster and application, never older in
// generation) and written in one batch per flush, so a chatty fleet costs one transaction per interval, not per message.
import { inArray, sql } from 'drizzle-orm';
import { clusterAppStatuses, clusterApps, clusters } from '../store/index.js';
import type { Database } from '../store/index.js';
import type { AppStatusView } from './clusters.js';

export interface FlushResult {
  /** Applications that got at least one new status in this flush. */
  apps: Set<string>;
  statuses: number;
}

export type FlushListener = (result: FlushResult) => Promise<void>;

/** Clusters whose last-seen time one UPDATE writes, at most (two parameters each). */
const LAST_SEEN_BATCH = 5_000;

const key = (clusterId: string, app: string): string => `${clusterId}\u0000${app}`;

export class StatusBuffer {
  private statuses = new Map<string, { clusterId: string; status: AppStatusView; receivedAt: Date }>();
  private lastSeen = new Map<string, Date>();
  private running: Promise<FlushResult> = Promise.resolve({ apps: new Set(), statuses: 0 });
  private readonly listeners: FlushListener[] = [];

  constructor(private readonly db: Database) {}

  record(clusterId: string, status: AppStatusView, receivedAt: Date): void {
    const k = key(clusterId, status.app);
    const held = this.statuses.get(k);
    // Reports can cross on the wire; an older generation never replaces a newer one.
    if (held && held.status.observedGeneration > status.observedGeneration) return;
    this.statuses.set(k, { clusterId, status, receivedAt });
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
      for (const item of batch) this.record(item.clusterId, item.status, item.receivedAt);
      for (const [id, at] of seen) if (!this.lastSeen.has(id)) this.lastSeen.set(id, at);
      throw err;
    }
    const result: FlushResult = { apps: new Set(batch.map((b) => b.status.app)), statuses: batch.length };
    if (batch.length > 0) for (const listener of this.listeners) await listener(result);
    return result;
  }

  private async write(batch: { clusterId: string; status: AppStatusView; receivedAt: Date }[], seen: [string, Date][]): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (batch.length > 0) {
        await tx
          .insert(clusterAppStatuses)
          .values(
            batch.map(({ clusterId, status, receivedAt }) => ({
              clusterId,
              app: status.app,
              observedGeneration: status.observedGeneration,
              observedCommit: status.observedCommit,
              sync: status.sync,
              syncError: status.syncError,
              health: status.health,
              healthMessage: status.healthMessage,
              resources: status.resources,
              observedAt: status.observedAt ?? null,
              receivedAt,
            })),
          )
          .onConflictDoUpdate({
            target: [clusterAppStatuses.clusterId, clusterAppStatuses.app],
            set: {
              observedGeneration: sql`excluded.observed_generation`,
              observedCommit: sql`excluded.observed_commit`,
              sync: sql`excluded.sync`,
              syncError: sql`excluded.sync_error`,
              health: sql`excluded.health`,
              healthMessage: sql`excluded.health_message`,
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
      // One statement per chunk, not one per cluster: at 10,000 clusters heartbeating every 10 s that is 1,000
      // single-row updates a second, which alone saturate an embedded store.
      for (let i = 0; i < seen.length; i += LAST_SEEN_BATCH) {
        const rows = sql.join(seen.slice(i, i + LAST_SEEN_BATCH).map(([id, at]) => sql`(${id}, ${at.toISOString()}::timestamptz)`), sql`, `);
        await tx.execute(sql`update ${clusters} set last_seen_at = seen.at from (values ${rows}) as seen(id, at) where ${clusters.id} = seen.id`);
      }
    });
  }
}
