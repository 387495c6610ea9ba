// The user-facing API: one service layer (service.ts) behind REST (rest/) and gRPC FleetService (grpc/).
export { FleetApi } from './service.js';
export type { FleetApiDeps, FleetPort, PromotionsPort } from './service.js';
export { buildRestApp } from './rest/app.js';
export type { RestOptions } from './rest/app.js';
export { addFleetService } from './grpc/fleet-service.js';
