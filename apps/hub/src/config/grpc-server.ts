// The gRPC server's connection limits: how many streams a connection may open, keepalive both ends agree on, how long
// a connection lives, and how large a message may be. Agents hold one long Connect stream per connection.
import type { ServerOptions } from '@grpc/grpc-js';

export interface GrpcServerLimits {
  /** Concurrent streams per HTTP/2 connection (an agent needs one or two; the HTTP/2 default advertises 2^32-1). */
  maxConcurrentStreams: number;
  /** The hub pings a connection idle this long, and drops it when the ping is not answered within keepaliveTimeoutMs. */
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
  /** Clients may keep pinging without an open call (agents do between reconnects); set in agents to no less than 10 s. */
  keepalivePermitWithoutCalls: boolean;
  /** A connection with no call open this long is closed. */
  maxConnectionIdleMs: number;
  /**
   * A connection is told to go away after this long (so load spreads over hubs), and cut after the grace; the agent
   * reconnects and gets the full snapshot again (level-triggered, nothing is lost).
   */
  maxConnectionAgeMs: number;
  maxConnectionAgeGraceMs: number;
  /**
   * Largest message the hub sends. A DesiredState snapshot is one message and is never chunked: the hub allows 64 MiB
   * (tens of thousands of applications) and agents must accept as much (grpc.max_receive_message_length).
   */
  maxSendMessageBytes: number;
  /** Largest message the hub accepts (an agent's status report). */
  maxReceiveMessageBytes: number;
}

export const defaultGrpcServerLimits: GrpcServerLimits = {
  maxConcurrentStreams: 100,
  keepaliveTimeMs: 30_000,
  keepaliveTimeoutMs: 10_000,
  keepalivePermitWithoutCalls: true,
  maxConnectionIdleMs: 5 * 60_000,
  maxConnectionAgeMs: 60 * 60_000,
  maxConnectionAgeGraceMs: 5 * 60_000,
  maxSendMessageBytes: 64 * 1024 * 1024,
  maxReceiveMessageBytes: 4 * 1024 * 1024,
};

/** grpc-js channel options for `new grpc.Server(...)`. */
export function grpcServerOptions(overrides: Partial<GrpcServerLimits> = {}): ServerOptions {
  const limits = { ...defaultGrpcServerLimits, ...overrides };
  return {
    'grpc.max_concurrent_streams': limits.maxConcurrentStreams,
    'grpc.keepalive_time_ms': limits.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': limits.keepaliveTimeoutMs,
    'grpc.keepalive_permit_without_calls': limits.keepalivePermitWithoutCalls ? 1 : 0,
    'grpc.max_connection_idle_ms': limits.maxConnectionIdleMs,
    'grpc.max_connection_age_ms': limits.maxConnectionAgeMs,
    'grpc.max_connection_age_grace_ms': limits.maxConnectionAgeGraceMs,
    'grpc.max_send_message_length': limits.maxSendMessageBytes,
    'grpc.max_receive_message_length': limits.maxReceiveMessageBytes,
  };
}
