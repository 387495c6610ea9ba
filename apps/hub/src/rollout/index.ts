// rollout/: promotions. A pure planner (planner/) decides; this driver loads, applies and persists in one transaction.
//
// Wiring (startHub): const rollout = createRollout({ db: store, fleet }); it re-plans after every fleet status flush.
// REST/gRPC call:
//   createPromotion({ app, commit, actor }): Promise<PromotionView>   NotFound (app) / InvalidArgument (commit)
//   getPromotion(id): Promise<PromotionView>                          NotFound
//   listPromotions({ app? }): Promise<PromotionView[]>                newest first
//   promotionMessage(view): Promotion                                 the flotilla.hub.v1 wire form
export { Rollout, createRollout, DEFAULT_STAGE } from './service.js';
export type { CreatePromotionInput, RolloutOptions } from './service.js';
export { promotionMessage } from './views.js';
export type { PromotionTargetView, PromotionView } from './views.js';
export { plan, countsFor, promotionStates, terminalStates } from './planner/index.js';
export type {
  HealthState,
  PlanResult,
  PlannedPromotion,
  PlannedTarget,
  PromotionEvent,
  PromotionState,
  ReportedStatus,
  SyncState,
} from './planner/index.js';
