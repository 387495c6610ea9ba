// Promotions as the API shows them, and their wire form.
import { PromotionSchema, PromotionState as WirePromotionState, PromotionTargetSchema, create, timestampFromDate } from '@flotilla/proto';
import type { Promotion } from '@flotilla/proto';
import { appStatusMessage } from '../fleet/index.js';
import type { AppStatusView } from '../fleet/index.js';
import type { PromotionEvent, PromotionState } from './planner/index.js';

export interface PromotionTargetView {
  clusterId: string;
  cluster: string;
  /** The desired-state generation that carries the commit to this cluster; null until it has been written. */
  generation: number | null;
  /** The cluster's last reported status of the application, if any (it may be for an older generation). */
  status: AppStatusView | undefined;
}

export interface PromotionView {
  id: string;
  app: string;
  commit: string;
  state: PromotionState;
  message: string;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  targets: PromotionTargetView[];
  /** Every decision, oldest first. */
  events: PromotionEvent[];
}

const wireState: Record<PromotionState, WirePromotionState> = {
  Pending: WirePromotionState.PENDING,
  WaitingApproval: WirePromotionState.WAITING_APPROVAL,
  Progressing: WirePromotionState.PROGRESSING,
  Paused: WirePromotionState.PAUSED,
  Succeeded: WirePromotionState.SUCCEEDED,
  Failed: WirePromotionState.FAILED,
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
