// Promotions as the API shows them (per-stage, per-wave and per-cluster progress), and their wire form.
import { PromotionSchema, PromotionState as WirePromotionState, PromotionTargetSchema, create, timestampFromDate } from '@flotilla/proto';
import type { Promotion } from '@flotilla/proto';
import { appStatusMessage } from '../fleet/index.js';
import type { AppStatusView } from '../fleet/index.js';
import type { PromotionRun, PromotionState, RevertPhase, TargetPhase } from './planner/index.js';

export interface PromotionTargetView {
  clusterId: string;
  cluster: string;
  stage: string;
  wave: string;
  phase: TargetPhase;
  /** The desired-state generation that carries the commit to this cluster; null until it has been written. */
  generation: number | null;
  /** What it ran before this promotion changed it (the rollback target); null: nothing. */
  previousCommit: string | null;
  note: string;
  revert?: { phase: RevertPhase; note: string };
  /** The cluster's last reported status of the application, if any (it may be for an older generation). */
  status: AppStatusView | undefined;
}

export interface WaveView {
  name: string;
  implicit: boolean;
  state: string;
  startedAt: Date | null;
  finishedAt: Date | null;
  approval?: { by: string; reason: string; at: Date };
  healthy: number;
  total: number;
  /** Manifest digests the wave's clusters report for this commit, with how many report each: one key means one content. */
  digests: Record<string, number>;
}

export interface StageRunView {
  stage: string;
  state: string;
  message: string;
  startedAt: Date | null;
  finishedAt: Date | null;
  approval?: { by: string; reason: string; at: Date };
  waves: WaveView[];
}

export interface PromotionEventView {
  seq: number;
  at: Date;
  /** A stable word for machines: Created, WaveStarted, WaveSucceeded, Halted, RolledBack, ... */
  type: string;
  /** The human reason, e.g. "wave eu: 12/12 healthy for 10m, advancing". */
  reason: string;
  stage: string;
  wave: string;
  cluster: string;
}

export interface PromotionView {
  id: string;
  app: string;
  commit: string;
  /** The branch or tag the promoter named, '' when they named the commit. */
  ref: string;
  /** The stage it was asked to enter (autoPromote may carry it further). */
  stage: string;
  revision: number;
  forced: boolean;
  state: PromotionState;
  message: string;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  /** When the driver will look again even if nothing is reported (bake end, deadline, staleness). */
  wakeAt: Date | null;
  stages: StageRunView[];
  /** Every cluster of every stage run, accounted for. */
  targets: PromotionTargetView[];
  rollback?: { reason: string; step: number; steps: { stage: string; wave: string }[] };
  /** Every decision, oldest first. */
  events: PromotionEventView[];
}

export interface PromotionRow {
  id: string;
  app: string;
  commit: string;
  ref: string;
  stage: string;
  revision: number;
  forced: boolean;
  state: string;
  message: string;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  wakeAt: Date | null;
  run: unknown;
}

function digestsOf(reported: (AppStatusView | undefined)[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const st of reported) if (st?.manifestDigest) out[st.manifestDigest] = (out[st.manifestDigest] ?? 0) + 1;
  return out;
}

const date = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));
const approvalView = (a: { by: string; reason: string; at: number } | undefined) => (a ? { approval: { by: a.by, reason: a.reason, at: new Date(a.at) } } : {});

export function toPromotionView(row: PromotionRow, statuses: Map<string, AppStatusView>, events: PromotionEventView[]): PromotionView {
  const run = (row.run ?? { state: row.state, message: row.message, paused: false, stages: [] }) as PromotionRun;
  const targets: PromotionTargetView[] = [];
  const stages: StageRunView[] = run.stages.map((s) => ({
    stage: s.stage,
    state: s.state,
    message: s.message,
    startedAt: date(s.startedAt),
    finishedAt: date(s.finishedAt),
    ...approvalView(s.approval),
    waves: s.waves.map((w) => {
      for (const t of w.targets) {
        targets.push({
          clusterId: t.clusterId,
          cluster: t.cluster,
          stage: s.stage,
          wave: w.name,
          phase: t.phase,
          generation: t.generation,
          previousCommit: t.previous?.commit ?? null,
          note: t.note,
          ...(t.revert ? { revert: { phase: t.revert.phase, note: t.revert.note } } : {}),
          status: statuses.get(t.clusterId),
        });
      }
      return {
        name: w.name,
        implicit: w.implicit,
        state: w.state,
        startedAt: date(w.startedAt),
        finishedAt: date(w.finishedAt),
        ...approvalView(w.approval),
        healthy: w.targets.filter((t) => t.phase === 'Done').length,
        total: w.targets.length,
        digests: digestsOf(w.targets.map((t) => statuses.get(t.clusterId)).filter((st) => st?.observedCommit === row.commit && st.manifestDigest)),
      };
    }),
  }));
  return {
    id: row.id,
    app: row.app,
    commit: row.commit,
    ref: row.ref,
    stage: row.stage,
    revision: row.revision,
    forced: row.forced,
    state: row.state as PromotionState,
    message: row.message,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    wakeAt: row.wakeAt,
    stages,
    targets,
    ...(run.rollback ? { rollback: { reason: run.rollback.reason, step: run.rollback.current, steps: run.rollback.steps } } : {}),
    events,
  };
}

const wireState: Record<PromotionState, WirePromotionState> = {
  Pending: WirePromotionState.PENDING,
  WaitingApproval: WirePromotionState.WAITING_APPROVAL,
  Progressing: WirePromotionState.PROGRESSING,
  Paused: WirePromotionState.PAUSED,
  Succeeded: WirePromotionState.SUCCEEDED,
  Failed: WirePromotionState.FAILED,
  // The wire enum predates the rollback run: a rollback in progress is still Progressing there.
  RollingBack: WirePromotionState.PROGRESSING,
  RolledBack: WirePromotionState.ROLLED_BACK,
  Aborted: WirePromotionState.ABORTED,
  Superseded: WirePromotionState.SUPERSEDED,
};

export function promotionMessage(view: PromotionView): Promotion {
  return create(PromotionSchema, {
    id: view.id,
    app: view.app,
    commit: view.commit,
    state: wireState[view.state],
    message: view.message,
    createdBy: view.createdBy,
    createdAt: timestampFromDate(view.createdAt),
    updatedAt: timestampFromDate(view.updatedAt),
    targets: view.targets.map((t) =>
      create(PromotionTargetSchema, {
        cluster: t.cluster,
        generation: BigInt(t.generation ?? 0),
        ...(t.status ? { status: appStatusMessage(t.status) } : {}),
      }),
    ),
  });
}
