// @flotilla/fleet-sim: protocol-level simulated agents against a real hub (for fleet-scale tests, benchmarks, demos).
export { SimulatedAgent } from './agent.js';
export type { ReconnectPolicy, SimulatedAgentOptions, SnapshotEvent } from './agent.js';
export { SimulatedFleet, clusterSpecs } from './fleet.js';
export type { ClusterSpec, FleetOptions } from './fleet.js';
export { behaviours, statusReportFor } from './report.js';
export type { Behaviour } from './report.js';
