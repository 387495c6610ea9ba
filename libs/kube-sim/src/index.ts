// @flotilla/kube-sim: a Kubernetes API simulator that kubectl and @kubernetes/client-node take for a kube-apiserver.

export type { Clock, CancelTimer } from './clock/index.js';
export { RealClock } from './clock/index.js';
// The one FakeClock lives in @flotilla/testkit; re-exported so a test drives clusters and hub with one instance.
export { FakeClock } from '@flotilla/testkit';
export type { Status, StatusCause, StatusDetails, StatusReason, QualifiedResource } from './errors/index.js';
export { ApiError, isApiError, notFound, alreadyExists, conflict, invalid, badRequest, forbidden, fieldCause } from './errors/index.js';
export type { KubeObject, ObjectMeta, OwnerReference, ManagedFieldsEntry, ResourceType, TypeRef, ScaleSubresource } from './types/index.js';
export { TypeRegistry, parseApiVersion, groupVersion } from './types/index.js';
// Label selectors are @flotilla/kube-schema's; parseLabelSelector here throws the apiserver's 400 BadRequest.
export type { LabelSelector, LabelSelectorSpec } from '@flotilla/kube-schema';
export { matchesLabels, fromLabelSelectorSpec } from '@flotilla/kube-schema';
export { parseLabelSelector } from './selectors/index.js';
export type {
  StoreEvent,
  WatchEventType,
  WatchFilter,
  WatchOptions,
  WriteOptions,
  DeleteOptions,
  DeleteResult,
  PropagationPolicy,
  ListOptions,
  ListResult,
  StoreOptions,
  StoreSnapshot,
} from './store/index.js';
export { ObjectStore } from './store/index.js';
export type { PolicyRule } from './auth/index.js';
export type { StartClusterOptions, KubeconfigOptions, SimulatedCluster } from './server/cluster.js';
export { startCluster } from './server/cluster.js';
export type { StartSimulatorOptions, Simulator } from './server/simulator.js';
export { startSimulator } from './server/simulator.js';
export type { Interceptor, Interception } from './server/router.js';
export type { RequestInfo } from './server/request-info.js';
export { serverSideApply, trackUpdate, defaultListTypes } from './apply/index.js';
export type { ListType, ListTypeOf, OwnershipContext } from './apply/index.js';
export * from './controllers/index.js';
export * from './faults/index.js';
