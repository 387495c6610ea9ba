// What a simulated agent reports for a desired state, as a pure function of the snapshot, its behaviour and whether
// its "rollout" has had time to settle: Synced at the desired commit and generation, then Healthy or Degraded.
import { HealthStatus, SyncStatus, create, AppStatusSchema, StatusReportSchema } from '@flotilla/proto';
import type { DesiredState, StatusReport } from '@flotilla/proto';
import { timestampFromDate } from '@flotilla/proto';

/** healthy: Synced then Healthy; degraded: Synced then Degraded; silent: keeps its stream open and sends nothing. */
export type Behaviour = 'healthy' | 'degraded' | 'silent';

export const behaviours: readonly Behaviour[] = ['healthy', 'degraded', 'silent'];

/** `settled` is false until the configured delay after the snapshot has passed (the apps are still Progressing). */
export function statusReportFor(snapshot: DesiredState, behaviour: Exclude<Behaviour, 'silent'>, settled: boolean, now: Date): StatusReport {
  const health = !settled ? HealthStatus.PROGRESSING : behaviour === 'degraded' ? HealthStatus.DEGRADED : HealthStatus.HEALTHY;
  const healthMessage = !settled
    ? 'simulated: waiting for the configured healthy delay'
    : behaviour === 'degraded'
      ? 'simulated: Degraded on demand'
      : 'simulated: all resources healthy';
  return create(StatusReportSchema, {
    apps: snapshot.apps.map((target) =>
      create(AppStatusSchema, {
        app: target.app,
        observedGeneration: snapshot.generation,
        observedCommit: target.commit,
        sync: SyncStatus.SYNCED,
        health,
        healthMessage,
        observedAt: timestampFromDate(now),
      }),
    ),
  });
}
