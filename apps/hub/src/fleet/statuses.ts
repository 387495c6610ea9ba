// Status ingest: agents' reports are coalesced in memory (latest per cluster and application, never older in
// generation, with the worst health seen and when it last became healthy) and written in one batch per flush, so a
// chatty fleet costs one transaction per interval, not per message, and a brief Degraded between flushes is not lost;
// a batch the store refuses is retried row by row, so one bad row never blocks the others.
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

/** One failed write of a flush: logged and counted by whoever listens (the gateway), never swallowed. */
export interface FlushFailure {
  /** batch: the one-transaction write; row: one status alone; lastSeen: the last-seen times; listener: a re-plan after the write. */
  stage: 'batch' | 'row' | 'lastSeen' | 'listener';
  error: unknown;
  clusterId?: string;
  app?: string;
  /** The row was given up on (it cannot be stored) rather than kept for the next flush. */
  dropped: boolean;
}

export type FlushFailureListener = (failure: FlushFailure) => void;

interface Held {
  clusterId: string;
  status: AppStatusView;
  receivedAt: Date;
  /** Flushes in which this very row failed on its own. */
  failures: number;
  worst: { health: string; message: string };
  /** The first report of the current healthy streak in this batch; null when the latest is not Synced and Healthy. */
  healthyFrom: Date | null;
  /** A relapse, or a new generation or commit, in this batch: the stored healthy-since time no longer holds. */
  restarted: boolean;
}

const severity: Record<string, number> = { Healthy: 0, Suspended: 1, Progressing: 2, Missing: 3, Degraded: 4, Unknown: 5 };

/** A row that failed on its own this many times (for reasons other than the store being away) is dropped. */
export const MAX_ROW_FAILURES = 5;

/** The SQLSTATE of a driver error, looked up through drizzle's wrapping (`cause`). */
export function sqlStateOf(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** Data exceptions (class 22: bad text, numbers out of range) and integrity violations (23): this row, not the store. */
function rowCannotBeStored(err: unknown): boolean {
  const state = sqlStateOf(err);
  return state !== undefined && (state.startsWith('22') || state.startsWith('23'));
}

export class StatusBuffer {
  private statuses = new Map<string, Held>();
  private lastSeen = new Map<string, Date>();
  private running: Promise<FlushResult> = Promise.resolve({ apps: new Set(), statuses: 0 });
  private readonly listeners: FlushListener[] = [];
  private readonly failureListeners: FlushFailureListener[] = [];

  constructor(private readonly db: Database) {}

  record(clusterId: string, status: AppStatusView, receivedAt: Date): void {
    const held = this.statuses.get(key(clusterId, status.app));
    const same = held !== undefined && held.status.observedGeneration === status.observedGeneration && held.status.observedCommit === status.observedCommit;
    const healthy = status.sync === 'Synced' && status.health === 'Healthy';
    const restarted = (held !== undefined && (!same || held.restarted)) || !healthy;
    const healthyFrom = !healthy ? null : same && held.healthyFrom ? held.healthyFrom : receivedAt;
    const worst = same && (severity[held.worst.health] ?? 0) > (severity[status.health] ?? 0) ? held.worst : { health: status.health, message: status.healthMessage };
    this.hold({ clusterId, status, receivedAt, failures: 0, worst, healthyFrom, restarted });
  }

  private hold(item: Held): void {
    const k = key(item.clusterId, item.status.app);
    const held = this.statuses.get(k);
    // Reports can cross on the wire; an older generation never replaces a newer one.
    if (held && held.status.observedGeneration > item.status.observedGeneration) return;
    this.statuses.set(k, item);
  }

  /** Puts a row back for the next flush unless a newer report arrived meanwhile. */
  private putBack(item: Held): void {
    if (!this.statuses.has(key(item.clusterId, item.status.app))) this.statuses.set(key(item.clusterId, item.status.app), item);
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

  /** Called for every failed write of a flush. */
  onFailure(listener: FlushFailureListener): void {
    this.failureListeners.push(listener);
  }

  /** Writes everything buffered so far; concurrent calls queue behind each other. */
  flush(): Promise<FlushResult> {
    this.running = this.running.catch(() => undefined).then(() => this.flushNow());
    return this.running;
  }

  private report(failure: FlushFailure): void {
    for (const listener of this.failureListeners) {
      try {
        listener(failure);
      } catch {
        // a listener's own failure must not stop the flush
      }
    }
  }

  private async flushNow(): Promise<FlushResult> {
    const batch = [...this.statuses.values()];
    const seen = [...this.lastSeen.entries()];
    this.statuses = new Map();
    this.lastSeen = new Map();
    if (batch.length === 0 && seen.length === 0) return { apps: new Set(), statuses: 0 };
    let written = batch;
    try {
      await this.write(batch, seen);
    } catch (err) {
      this.report({ stage: 'batch', error: err, dropped: false });
      const pass = await this.writeOneByOne(batch, seen);
      if (pass.storeAway !== undefined) throw pass.storeAway;
      written = pass.written;
    }
    const result: FlushResult = { apps: new Set(written.map((b) => b.status.app)), statuses: written.length };
    if (written.length > 0) {
      for (const listener of this.listeners) {
        try {
          await listener(result);
        } catch (err) {
          this.report({ stage: 'listener', error: err, dropped: false });
          throw err;
        }
      }
    }
    return result;
  }

  /**
   * After a failed batch: each status in its own transaction, so one row the store refuses (a NUL byte that slipped
   * past the edge, a cluster deleted meanwhile) cannot hold back the fleet's. A row the store cannot hold (a data or
   * integrity error) is dropped at once. Other failures count against a row only when other rows of the same pass were
   * written (the store takes writes, so the row is the problem); when none was, the store is away (down, read-only
   * after a failover) and everything is kept for the next flush.
   */
  private async writeOneByOne(batch: Held[], seen: [string, Date][]): Promise<{ written: Held[]; storeAway: unknown }> {
    const written: Held[] = [];
    const suspects: { item: Held; error: unknown }[] = [];
    for (const [i, item] of batch.entries()) {
      // Three failures in a row with nothing written: do not spend a timeout on every remaining row.
      if (written.length === 0 && suspects.length >= 3) {
        for (const rest of batch.slice(i)) this.putBack(rest);
        break;
      }
      try {
        await this.write([item], []);
        written.push(item);
      } catch (err) {
        if (rowCannotBeStored(err)) this.report({ stage: 'row', error: err, clusterId: item.clusterId, app: item.status.app, dropped: true });
        else suspects.push({ item, error: err });
      }
    }
    const storeAway = written.length === 0 && suspects.length > 0 ? suspects[0]!.error : undefined;
    for (const { item, error } of suspects) {
      if (storeAway !== undefined) {
        this.putBack(item);
        continue;
      }
      const failures = item.failures + 1;
      const dropped = failures >= MAX_ROW_FAILURES;
      this.report({ stage: 'row', error, clusterId: item.clusterId, app: item.status.app, dropped });
      if (!dropped) this.putBack({ ...item, failures });
    }
    if (seen.length > 0) {
      try {
        if (storeAway !== undefined) throw storeAway;
        await this.write([], seen);
      } catch (err) {
        if (storeAway === undefined) this.report({ stage: 'lastSeen', error: err, dropped: false });
        for (const [id, at] of seen) if (!this.lastSeen.has(id)) this.lastSeen.set(id, at);
      }
    }
    return { written, storeAway };
  }

  private async write(batch: Held[], seen: [string, Date][]): Promise<void> {
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
              manifestDigest: status.manifestDigest ?? '',
              drifted: status.drifted ?? [],
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
              manifestDigest: sql`excluded.manifest_digest`,
              drifted: sql`excluded.drifted`,
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
