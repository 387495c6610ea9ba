// The AgentService implementation: registration, credential rotation, and one Connect session per cluster.
import type * as grpc from '@grpc/grpc-js';
import type { Registry } from 'prom-client';
import { AgentService, addService } from '@flotilla/proto';
import type { ServiceImplementation } from '@flotilla/proto';
import { defaultGrpcServerLimits } from '../config/index.js';
import { FlotillaError } from '../errors/index.js';
import type { Fleet } from '../fleet/index.js';
import { createGatewayMetrics } from './metrics.js';
import type { GatewayMetrics } from './metrics.js';
import { silentLogger } from './ports.js';
import type { GatewayAuth, GatewayLogger } from './ports.js';
import { registerHandler, rotateHandler } from './register.js';
import type { FlushFailure } from '../fleet/statuses.js';
import { AgentSession } from './session.js';

export interface AgentGatewayOptions {
  fleet: Fleet;
  auth: GatewayAuth;
  /** How often the hub pings each open stream; default 15 s. Timers run on fleet's clock. */
  pingIntervalMs?: number;
  /** How long a Connect stream may stay open without saying Hello; default 10 s. */
  helloTimeoutMs?: number;
  /**
   * How long a newer snapshot may wait behind an unflushed write (the agent stopped reading) before the stream is
   * closed; default 60 s. Until then the stream holds one unflushed message and the latest snapshot, nothing more.
   */
  behindLimitMs?: number;
  logger?: GatewayLogger;
  /** The gRPC server's grpc.max_send_message_length; default 64 MiB (config/grpc-server.ts). */
  maxMessageBytes?: number;
  /** The store's epoch (Store.epoch), sent in every DesiredState so agents recognise a new hub. */
  hubEpoch?: string;
}

export type AgentServiceImplementation = ServiceImplementation<(typeof AgentService)['method']>;

export class AgentGateway {
  readonly implementation: AgentServiceImplementation;
  private readonly sessions = new Map<string, AgentSession>();
  private readonly pendingSessions = new Map<string, AgentSession>();
  private buffered = 0;
  private readonly fleet: Fleet;
  private metrics: GatewayMetrics | undefined;
  private readonly pendingWrites = new Set<Promise<unknown>>();
  private readonly sentApps = new Map<string, Set<string>>();
  private readonly connectionWrites = new Map<string, Promise<void>>();

  constructor(options: AgentGatewayOptions) {
    this.fleet = options.fleet;
    const log = options.logger ?? silentLogger;
    const deps = {
      fleet: options.fleet,
      auth: options.auth,
      log,
      pingIntervalMs: options.pingIntervalMs ?? 15_000,
      helloTimeoutMs: options.helloTimeoutMs ?? 10_000,
      hubEpoch: options.hubEpoch ?? '',
      maxMessageBytes: options.maxMessageBytes ?? defaultGrpcServerLimits.maxSendMessageBytes,
      behindLimitMs: options.behindLimitMs ?? 60_000,
      claimPending: (session: AgentSession) => {
        const previous = this.pendingSessions.get(session.clusterId);
        this.pendingSessions.set(session.clusterId, session);
        return previous === session ? undefined : previous;
      },
      releasePending: (session: AgentSession) => {
        if (this.pendingSessions.get(session.clusterId) === session) this.pendingSessions.delete(session.clusterId);
      },
      buffered: (delta: number) => {
        this.buffered += delta;
      },
      claim: (session: AgentSession) => {
        const previous = this.sessions.get(session.clusterId);
        this.sessions.set(session.clusterId, session);
        return previous === session ? undefined : previous;
      },
      release: (session: AgentSession) => {
        if (this.sessions.get(session.clusterId) !== session) return;
        this.sessions.delete(session.clusterId);
        this.recordConnection(session.clusterId, false).catch((err: unknown) =>
          log.warn({ cluster: session.clusterName, err: String(err) }, 'could not record disconnect'),
        );
      },
      recordConnection: (clusterId: string, connected: boolean, agentVersion?: string) => this.recordConnection(clusterId, connected, agentVersion),
      metrics: () => this.metrics,
      sentApps: (clusterId: string) => {
        let apps = this.sentApps.get(clusterId);
        if (!apps) this.sentApps.set(clusterId, (apps = new Set()));
        return apps;
      },
    };
    options.fleet.statuses.onFailure((failure) => this.flushFailed(failure, log));
    this.implementation = {
      register: registerHandler(options.fleet, options.auth, log),
      rotateCredential: rotateHandler(options.auth),
      connect: (call) => new AgentSession(call, deps).start(),
    };
  }

  /** Mounts AgentService on a grpc-js server. */
  addTo(server: grpc.Server): void {
    addService(server, AgentService, this.implementation);
  }

  /**
   * Connection writes of one cluster run one after another in event order: with a connection pool, a late
   * "disconnected" of a closed stream must never land after the "connected" of the stream that followed it.
   */
  private recordConnection(clusterId: string, connected: boolean, agentVersion?: string): Promise<void> {
    const previous = this.connectionWrites.get(clusterId) ?? Promise.resolve();
    const write = previous
      .catch(() => undefined)
      .then(() => this.fleet.setConnected(clusterId, connected, this.fleet.clock.now(), agentVersion));
    const settled = write.catch(() => undefined);
    this.connectionWrites.set(clusterId, settled);
    this.pendingWrites.add(settled);
    void settled.then(() => {
      this.pendingWrites.delete(settled);
      if (this.connectionWrites.get(clusterId) === settled) this.connectionWrites.delete(clusterId);
    });
    return write;
  }

  private flushFailed(failure: FlushFailure, log: GatewayLogger): void {
    const outcome = failure.dropped ? 'dropped' : 'retried';
    this.metrics?.flushFailures.inc({ stage: failure.stage, outcome });
    const fields = { stage: failure.stage, outcome, clusterId: failure.clusterId, app: failure.app, err: errorText(failure.error) };
    if (failure.dropped) log.error(fields, 'status flush: the store refused this status; it is dropped');
    else log.warn(fields, 'status flush failed; kept for the next flush');
  }

  /** Publishes flotilla_agent_* metrics in the hub's registry (call once). */
  registerMetrics(registry: Registry): void {
    this.metrics ??= createGatewayMetrics(registry, {
      openStreams: () => this.sessions.size,
      bufferedStatuses: () => this.fleet.statuses.pending(),
      bufferedBytes: () => this.buffered,
    });
  }

  /** Bytes of messages handed to agent streams and not yet flushed to their connections, over all streams. */
  bufferedBytes(): number {
    return this.buffered;
  }

  /** Ids of clusters with an authenticated stream that has not said Hello yet. */
  awaitingHello(): string[] {
    return [...this.pendingSessions.keys()];
  }

  /** Ids of clusters with an open stream to this process. */
  connectedClusters(): string[] {
    return [...this.sessions.keys()];
  }

  /**
   * Ends every open stream (hub shutdown; agents reconnect when the hub is back) and resolves once their disconnects
   * are recorded, so the store can be closed after it.
   */
  async close(): Promise<void> {
    for (const session of [...this.sessions.values(), ...this.pendingSessions.values()]) session.fail(new FlotillaError('Unavailable', 'the hub is shutting down'));
    await Promise.all([...this.pendingWrites]);
  }
}

export function createAgentGateway(options: AgentGatewayOptions): AgentGateway {
  return new AgentGateway(options);
}

/** A driver error as log text: its message and SQLSTATE, never the parameters it was sent (they may be anything). */
function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause : undefined;
  const code = (cause as { code?: unknown } | undefined)?.code ?? (err as { code?: unknown }).code;
  const message = cause?.message ?? err.message.split('\nparams:')[0]!;
  return typeof code === 'string' ? `${message} (SQLSTATE ${code})` : message;
}
