// The Flotilla wire contract: generated protobuf-es messages and services, and the grpc-js bridge.
export * from './gen/flotilla/agent/v1/agent_pb.js';
export * from './gen/flotilla/hub/v1/fleet_pb.js';
export { addService, bearer, bearerOf, createClient, serviceDefinition } from './grpc.js';
export type { CallOptions, ServiceClient, ServiceImplementation } from './grpc.js';
export { create, fromBinary, toBinary, fromJson, toJson } from '@bufbuild/protobuf';
export { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
