// The rollout planner: a pure, deterministic step from (promotion, statuses, now) to its next state and the events
// explaining it. No I/O and no clock of its own (lint enforces it), so tests drive it with tables and fast-check.
import type { PlannedPromotion, PlanResult, PlannedTarget, ReportedStatus } from './types.js';
import { terminalStates } from './types.js';

export * from './types.js';

export function shortCommit(commit: string): string {
  return commit.slice(0, 7);
}

/** Whether `status` speaks for the generation and commit this target was asked to run; older reports do not count. */
export function countsFor(target: PlannedTarget, commit: string, status: ReportedStatus | undefined): status is ReportedStatus {
  return status !== undefined && target.generation !== null && status.observedGeneration >= target.generation && status.observedCommit === commit;
}

function clusterList(targets: readonly PlannedTarget[]): string {
  return `${targets.length} cluster${targets.length === 1 ? '' : 's'} (${targets.map((t) => t.clusterName).join(', ')})`;
}

function failureReason(target: PlannedTarget, status: ReportedStatus): string {
  return `${target.clusterName} Failed: ${status.syncError || 'sync failed without an error message'}`;
}

/**
 * One planning step. Targets whose desired state does not carry the commit yet are written first (the walking
 * skeleton has one wave: all of them at once; waves, maxParallel and bake times slot in here). Then: Succeeded only
 * when every target reported Synced and Healthy for its generation and the commit; Failed as soon as one target reports
 * sync Failed for them; Progressing otherwise. Terminal states never change.
 */
export function plan(promotion: PlannedPromotion, statuses: ReadonlyMap<string, ReportedStatus>, now: Date): PlanResult {
  const unchanged: PlanResult = { state: promotion.state, message: promotion.message, actions: [], events: [] };
  if (terminalStates.has(promotion.state)) return unchanged;
  const commit = shortCommit(promotion.commit);
  const total = promotion.targets.length;

  const unwritten = promotion.targets.filter((t) => t.generation === null);
  if (unwritten.length > 0) {
    const reason = `rolling out ${commit} to ${clusterList(unwritten)}`;
    return {
      state: 'Progressing',
      message: reason,
      actions: [{ type: 'WriteDesiredState', clusterIds: unwritten.map((t) => t.clusterId) }],
      events: [{ at: now, type: 'Started', reason }],
    };
  }

  const failures: string[] = [];
  let done = 0;
  for (const target of promotion.targets) {
    const status = statuses.get(target.clusterId);
    if (!countsFor(target, promotion.commit, status)) continue;
    if (status.sync === 'Failed') failures.push(failureReason(target, status));
    else if (status.sync === 'Synced' && status.health === 'Healthy') done++;
  }

  if (failures.length > 0) {
    const reason = failures.join('; ');
    return { state: 'Failed', message: reason, actions: [], events: [{ at: now, type: 'Failed', reason }] };
  }
  if (done === total) {
    const reason =
      total === 0
        ? `no cluster matches the application's selector: nothing to roll out, succeeded`
        : `${done}/${total} clusters Synced and Healthy at ${commit}: succeeded`;
    return { state: 'Succeeded', message: reason, actions: [], events: [{ at: now, type: 'Succeeded', reason }] };
  }
  const message = `${done}/${total} clusters Synced and Healthy at ${commit}`;
  if (promotion.state === 'Progressing') return { state: 'Progressing', message, actions: [], events: [] };
  return { state: 'Progressing', message, actions: [], events: [{ at: now, type: 'Progressing', reason: `rolling out ${commit}: ${message}` }] };
}
