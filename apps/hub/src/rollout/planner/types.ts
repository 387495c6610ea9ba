// The values the rollout planner decides on: a promotion's run (stage runs, waves, targets), what the fleet observed,
// pending commands, and what the planner returns (the next run, actions for the driver, events, the next wake-up).
import type { PipelineSpec } from '../pipeline/spec.js';

export const promotionStates = [
  'Pending',
  'WaitingApproval',
  'Progressing',
  'Paused',
  'Succeeded',
  'Failed',
  'RollingBack',
  'RolledBack',
  'Aborted',
  'Superseded',
] as const;
export type PromotionState = (typeof promotionStates)[number];

/** States a promotion never leaves. Failed is final for progress, but a promoter may still roll it back. */
export const terminalStates: ReadonlySet<PromotionState> = new Set(['Succeeded', 'RolledBack', 'Aborted', 'Superseded', 'Failed']);
/** States the driver keeps stepping. */
export const inFlightStates: readonly PromotionState[] = ['Pending', 'WaitingApproval', 'Progressing', 'Paused', 'RollingBack'];

export type StageRunState = 'Pending' | 'WaitingApproval' | 'Progressing' | 'Succeeded' | 'Failed' | 'RollingBack' | 'RolledBack' | 'Aborted' | 'Superseded';
export type WaveRunState = 'Pending' | 'WaitingApproval' | 'Progressing' | 'Succeeded' | 'Failed';
/**
 * Pending: not yet changed. Updating: carries the commit, not yet verified. Baking: Synced and Healthy, bake running.
 * Done: stayed healthy for the bake. Failed: a failure that stands (also when the cluster leaves). Skipped: offline at
 * wave start with `offline: skip`. Dropped: left the stage before anything failed.
 */
export type TargetPhase = 'Pending' | 'Updating' | 'Baking' | 'Done' | 'Failed' | 'Skipped' | 'Dropped';
export type RevertPhase = 'Pending' | 'Reverting' | 'Reverted' | 'Stuck';

export interface Pin {
  commit: string;
  revision: number;
}

export interface TargetRun {
  clusterId: string;
  cluster: string;
  /** What the cluster ran for this application before this promotion changed it; null: nothing (rollback removes it). */
  previous: Pin | null;
  phase: TargetPhase;
  /** The desired-state generation that carries the commit; null until pinned (the driver fills it in). */
  generation: number | null;
  pinnedAt: number | null;
  /** The last time the planner saw the target unhealthy: a relapse restarts its bake from here. */
  lastUnhealthyAt: number | null;
  /** Whether the last evaluation found it unhealthy (Degraded, failed, silent, late). */
  unhealthy: boolean;
  /** The last human account of the target, e.g. "Degraded: Deployment web 0/3 available". */
  note: string;
  revert?: { phase: RevertPhase; generation: number | null; pinnedAt: number | null; note: string };
}

export interface WaveRun {
  name: string;
  implicit: boolean;
  state: WaveRunState;
  startedAt: number | null;
  finishedAt: number | null;
  approval?: Approval;
  targets: TargetRun[];
}

export interface Approval {
  by: string;
  reason: string;
  at: number;
}

export interface StageRun {
  stage: string;
  state: StageRunState;
  startedAt: number | null;
  finishedAt: number | null;
  approval?: Approval;
  message: string;
  waves: WaveRun[];
}

/** The rollback of a promotion: its changed clusters, wave by wave in reverse order, back to what they ran before. */
export interface RollbackRun {
  reason: string;
  /** Index into `steps` of the step running now. */
  current: number;
  steps: { stage: string; wave: string }[];
}

export interface PromotionRun {
  state: PromotionState;
  message: string;
  paused: boolean;
  stages: StageRun[];
  rollback?: RollbackRun;
}

export interface PromotionHeader {
  id: string;
  app: string;
  commit: string;
  revision: number;
  targetStage: string;
  forced: boolean;
}

export type SyncState = 'Unknown' | 'Synced' | 'OutOfSync' | 'Failed';
export type HealthState = 'Unknown' | 'Healthy' | 'Progressing' | 'Degraded' | 'Missing' | 'Suspended';

/** What a cluster last reported for the promotion's application. */
export interface ReportedStatus {
  observedGeneration: number;
  observedCommit: string;
  sync: SyncState;
  syncRetryable: boolean;
  syncError: string;
  health: HealthState;
  healthMessage: string;
  /** Since when it has been Synced and Healthy without a relapse at this generation; null when it is not. */
  healthySince: number | null;
}

export interface ObservedCluster {
  id: string;
  name: string;
  labels: Readonly<Record<string, string>>;
  /** False once revoked: it will never report again, but what it last said still counts. */
  live: boolean;
  lastSeenAt: number | null;
  status: ReportedStatus | undefined;
  /** What its desired state pins for this application now. */
  current: Pin | null;
}

export type CommandType = 'approve' | 'reject' | 'pause' | 'resume' | 'abort' | 'rollback';

export interface Command {
  id: string;
  type: CommandType;
  actor: string;
  reason: string;
  /** For approve/reject: the gate's stage and (optional) wave. */
  stage?: string;
  wave?: string;
}

export interface PlanInput {
  promotion: PromotionHeader;
  pipeline: PipelineSpec;
  run: PromotionRun;
  clusters: readonly ObservedCluster[];
  /** Per stage, every commit it has succeeded with (any order). */
  succeeded: Readonly<Record<string, readonly string[]>>;
  commands: readonly Command[];
  now: number;
}

export type PlannedAction =
  /** Pin `commit` of the application in these clusters' desired state; the driver records the generations. */
  | { type: 'Pin'; stage: string; clusterIds: string[]; pin: Pin; purpose: 'rollout' | 'revert' }
  /** Remove the application from these clusters (a rollback of clusters that had nothing before). */
  | { type: 'Unpin'; stage: string; clusterIds: string[] }
  /** The stage succeeded with `pin`: where joining clusters start; `catchUp` clusters get it now. */
  | { type: 'Release'; stage: string; pin: Pin; catchUp: string[] }
  /** A rollback of a succeeded stage: its release goes back to what it was. */
  | { type: 'Unrelease'; stage: string; pin: Pin };

export interface PlannedEvent {
  type: string;
  reason: string;
  stage?: string;
  wave?: string;
  cluster?: string;
}

export interface PlanResult {
  run: PromotionRun;
  actions: PlannedAction[];
  events: PlannedEvent[];
  /** Command ids taken in this step (applied or refused with an event). */
  consumed: string[];
  /** When the planner must run again even if nothing is reported (bake end, deadline, staleness); null: no timer. */
  wakeAt: number | null;
}
