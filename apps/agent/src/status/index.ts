// Per-application status as the agent observed it, and the debounced "send on change" of the complete report.
import type { Clock, Timer } from '../clock.js';
import type { HealthResult } from '../health/index.js';
import type { ObjectRef, ResourceHealth } from '../kube/index.js';

export type SyncState = 'Synced' | 'OutOfSync' | 'Failed';

export interface AppStatusValue {
  app: string;
  observedGeneration: bigint;
  observedCommit: string;
  sync: SyncState;
  syncError: string;
  /** A Failed sync the agent keeps retrying (unreachable, overloaded, conflicting): see isTransientSyncError. */
  syncRetryable: boolean;
  health: HealthResult;
  resources: ResourceHealth[];
  /** SHA-256 of the rendered manifests of observedCommit; empty before a render. */
  manifestDigest: string;
  /** Live objects that no longer hold what was applied. */
  drift: DriftedObject[];
  observedAt: Date;
}

export interface DriftedObject {
  ref: ObjectRef;
  /** Field paths whose live value differs from the applied one (empty when deleted). */
  paths: string[];
  deleted: boolean;
}

const refText = (r: ObjectRef) => `${r.apiVersion}/${r.kind}/${r.namespace ?? ''}/${r.name}`;

/** What makes two statuses different for the hub; the observation time alone is not a change. */
export function fingerprint(status: AppStatusValue): string {
  return JSON.stringify([
    status.app,
    status.observedGeneration.toString(),
    status.observedCommit,
    status.sync,
    status.syncError,
    status.syncRetryable,
    status.health.status,
    status.health.message,
    status.resources.map((r) => [refText(r.ref), r.health.status, r.health.message]),
    status.manifestDigest,
    status.drift.map((d) => [refText(d.ref), d.deleted, ...d.paths]),
  ]);
}

export interface StatusReporterOptions {
  clock: Clock;
  debounceMs: number;
  /** Delivers a complete report; returns false when there is no session to deliver it on (it is re-sent on reconnect). */
  send(report: readonly AppStatusValue[]): boolean;
}

/** Keeps the latest status of every application and sends the complete report after changes settle for debounceMs. */
export class StatusReporter {
  private current = new Map<string, AppStatusValue>();
  private sentFingerprint = '';
  private timer: Timer | undefined;

  constructor(private readonly options: StatusReporterOptions) {}

  /** Replaces the statuses with `statuses` (applications absent from it are no longer reported). */
  update(statuses: readonly AppStatusValue[]): void {
    this.current = new Map(statuses.map((s) => [s.app, s]));
    if (this.reportFingerprint() !== this.sentFingerprint) this.schedule();
  }

  report(): AppStatusValue[] {
    return [...this.current.values()].sort((a, b) => a.app.localeCompare(b.app));
  }

  /** Sends the complete report now (a new session starts with it), cancelling any pending debounce. */
  flush(): void {
    this.timer?.cancel();
    this.timer = undefined;
    if (this.options.send(this.report())) this.sentFingerprint = this.reportFingerprint();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private reportFingerprint(): string {
    return this.report().map(fingerprint).join('\n');
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = this.options.clock.setTimer(this.options.debounceMs, () => {
      this.timer = undefined;
      this.flush();
    });
  }
}
