// The values the rollout planner decides on: a promotion, its targets, what each target last reported.

export const promotionStates = [
  'Pending',
  'WaitingApproval',
  'Progressing',
  'Paused',
  'Succeeded',
  'Failed',
  'RolledBack',
  'Aborted',
  'Superseded',
] as const;
export type PromotionState = (typeof promotionStates)[number];

/** States a promotion never leaves. */
export const terminalStates: ReadonlySet<PromotionState> = new Set(['Succeeded', 'Failed', 'RolledBack', 'Aborted', 'Superseded']);

export type SyncState = 'Unknown' | 'Synced' | 'OutOfSync' | 'Failed';
export type HealthState = 'Unknown' | 'Healthy' | 'Progressing' | 'Degraded' | 'Missing' | 'Suspended';

/** One cluster a promotion moves, and the desired-state generation that carries the commit there. */
export interface PlannedTarget {
  clusterId: string;
  clusterName: string;
  /** Null until the driver has written the commit into the cluster's desired state (a WriteDesiredState action). */
  generation: number | null;
}

/** What the driver must do, in the same transaction that persists the step. */
export type PlannedAction = {
  /** Pin the promotion's commit in these clusters' desired state and record the generation that carries it. */
  type: 'WriteDesiredState';
  clusterIds: string[];
};

export interface PlannedPromotion {
  id: string;
  app: string;
  commit: string;
  state: PromotionState;
  message: string;
  targets: readonly PlannedTarget[];
}

/** What a cluster last reported for the promotion's application. */
export interface ReportedStatus {
  observedGeneration: number;
  observedCommit: string;
  sync: SyncState;
  syncError: string;
  health: HealthState;
  healthMessage: string;
}

export interface PromotionEvent {
  at: Date;
  /** A stable word for machines: Succeeded, Failed, Superseded, Started, ... */
  type: string;
  /** The human reason, e.g. "3/3 clusters Synced and Healthy at abc1234: succeeded". */
  reason: string;
}

export interface PlanResult {
  state: PromotionState;
  message: string;
  actions: PlannedAction[];
  /** Decisions taken in this step, to append; empty when nothing changed. */
  events: PromotionEvent[];
}
