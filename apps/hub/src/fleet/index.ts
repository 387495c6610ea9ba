// fleet/: clusters, applications, per-cluster desired state with its generation, change notifications and status ingest.
//
// Wiring (startHub): const fleet = createFleet({ db: store, auth, clock? }); fleet.start(); ... await fleet.stop().
// REST/gRPC call: putApplication, getApplication, listApplications, deleteApplication, listClusters({ labelSelector }),
// getCluster(name), revokeCluster(name) (revokes through auth and closes the cluster's streams), desiredStateFor(id).
export { Fleet, createFleet } from './service.js';
export type { ChangedClusters, ClusterRevocation, FleetOptions, RevocationHook } from './service.js';
export type { ApplicationInput, ApplicationView, RenderEngineName } from './applications.js';
export { renderEngines, validateApplication } from './applications.js';
export type { AppStatusView, ClusterView, NewCluster } from './clusters.js';
export type { DesiredApp, DesiredStateView } from './desired-state.js';
export { ClusterNotifier } from './notifier.js';
export type { ClusterChange, ClusterListener } from './notifier.js';
export { StatusBuffer } from './statuses.js';
export type { FlushListener, FlushResult } from './statuses.js';
export { systemClock, every } from './clock.js';
export type { Clock } from './clock.js';
export { appStatusMessage, clusterMessage, applicationMessage, renderEngineMessage, renderEngineOf } from './messages.js';
