// rollout/: promotions through each application's pipeline. pipeline/ validates the stages DAG and waves; planner/ is
// the pure decision; driver.ts loads, applies and persists each step in one transaction; preview.ts is the dry run.
export { Rollout, createRollout } from './driver.js';
export type { CreatePromotionInput, RolloutOptions } from './driver.js';
export { promotionMessage } from './views.js';
export type { PromotionTargetView, PromotionView, PromotionEventView, StageRunView, WaveView } from './views.js';
export type { PromotionPreview } from './preview.js';
export { DEFAULT_STAGE, parsePipeline, pipelineView } from './pipeline/spec.js';
export type { PipelineSpec } from './pipeline/spec.js';
export { plan, countsFor, promotionStates, terminalStates, inFlightStates } from './planner/index.js';
export type { HealthState, PlanResult, PromotionState, ReportedStatus, SyncState, CommandType } from './planner/index.js';
export { resolveRef } from '../git/refs.js';
