// agent-gateway/: the gRPC AgentService agents dial into (Register, RotateCredential, Connect).
//
// Wiring (startHub), after fleet and rollout:
//   const gateway = createAgentGateway({ fleet, auth, logger, hubEpoch: store.epoch, maxMessageBytes (= the server's
//     grpc.max_send_message_length), pingIntervalMs?, helloTimeoutMs?, behindLimitMs? });
//   Bounds per stream: Hello within helloTimeoutMs; one message in flight plus the latest snapshot (coalesced) while
//   the agent does not read, closed after behindLimitMs behind (gateway.bufferedBytes(), flotilla_agent_stream_buffered_bytes).
//   gateway.addTo(grpcServer);            // mounts AgentService next to FleetService
//   gateway.registerMetrics(metrics.registry);   // flotilla_agent_* in the hub's Prometheus registry
//   on shutdown: await gateway.close(); await fleet.stop();   (close resolves once disconnects are recorded)
// Revoking a cluster: call fleet.revokeCluster(name): it revokes through auth and closes the cluster's open streams.
export { AgentGateway, createAgentGateway } from './gateway.js';
export type { AgentGatewayOptions, AgentServiceImplementation } from './gateway.js';
export { CLUSTER_METADATA } from './session.js';
export type { GatewayAuth, GatewayLogger } from './ports.js';
export type { GatewayMetrics } from './metrics.js';
