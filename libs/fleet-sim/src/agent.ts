// One simulated agent: its own cluster identity, credential and gRPC connection. It speaks AgentService exactly as the
// real agent does (Register with a bootstrap token, then Connect: Hello, an Ack per DesiredState, Status, Heartbeats)
// but renders and applies nothing: it reports Synced at once and Healthy (or Degraded) after a delay.
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import type { Clock } from '@flotilla/clock';
import { AgentService, ConnectRequestSchema, bearer, create, createClient, timestampFromDate } from '@flotilla/proto';
import type { ConnectRequest, ConnectResponse, DesiredState, ServiceClient } from '@flotilla/proto';
import { statusReportFor } from './report.js';
import type { Behaviour } from './report.js';

type AgentClient = ServiceClient<(typeof AgentService)['method']>;

export interface ReconnectPolicy {
  initialMs: number;
  maxMs: number;
}

export interface SimulatedAgentOptions {
  hubAddress: string;
  /** How the connection is secured: grpc.credentials.createSsl(hubCa) or createInsecure(). */
  channelCredentials: grpc.ChannelCredentials;
  name: string;
  labels: Record<string, string>;
  bootstrapToken: string;
  clock: Clock;
  /** Heartbeat period; the first one is jittered within it so a fleet does not beat in lockstep. Default 10 s. */
  heartbeatMs?: number;
  /** Time from a snapshot to reporting its apps Healthy (or Degraded); until then they are Progressing. Default 0. */
  healthyAfterMs?: number;
  behaviour?: Behaviour;
  reconnect?: ReconnectPolicy;
  agentVersion?: string;
  random?: () => number;
}

export interface SnapshotEvent {
  generation: bigint;
  snapshot: DesiredState;
  /** performance.now() when the snapshot was decoded, for latency measurements across a fleet. */
  receivedAt: number;
}

/**
 * Events: 'registered' (clusterId), 'connected', 'snapshot' (SnapshotEvent), 'disconnected' (reason),
 * 'refused' (message: the hub rejected registration or the credential; the agent stops).
 */
export class SimulatedAgent extends EventEmitter {
  clusterId = '';
  /** The latest DesiredState received, undefined before the first. */
  snapshot: DesiredState | undefined;
  /** Streams opened that delivered at least one snapshot, for reconnect measurements. */
  sessions = 0;
  private credential = '';
  private readonly client: AgentClient;
  private call: grpc.ClientDuplexStream<ConnectRequest, ConnectResponse> | undefined;
  private open = false;
  private stopped = false;
  private attempt = 0;
  private behaviourNow: Behaviour;
  private settled = false;
  private readonly timers = new Set<() => void>();
  private settleTimer: (() => void) | undefined;
  private heartbeatTimer: (() => void) | undefined;
  private readonly heartbeatMs: number;
  private readonly healthyAfterMs: number;
  private readonly reconnect: ReconnectPolicy;
  private readonly random: () => number;

  constructor(private readonly options: SimulatedAgentOptions) {
    super();
    this.behaviourNow = options.behaviour ?? 'healthy';
    this.heartbeatMs = options.heartbeatMs ?? 10_000;
    this.healthyAfterMs = options.healthyAfterMs ?? 0;
    this.reconnect = options.reconnect ?? { initialMs: 200, maxMs: 5_000 };
    this.random = options.random ?? Math.random;
    this.client = createClient(AgentService, options.hubAddress, options.channelCredentials, {
      // Each agent is its own cluster: its own HTTP/2 connection, never a subchannel shared with its neighbours.
      'grpc.use_local_subchannel_pool': 1,
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.initial_reconnect_backoff_ms': this.reconnect.initialMs,
      'grpc.max_reconnect_backoff_ms': this.reconnect.maxMs,
    });
  }

  get name(): string {
    return this.options.name;
  }

  get connected(): boolean {
    return this.open;
  }

  get behaviour(): Behaviour {
    return this.behaviourNow;
  }

  /** Switches behaviour; a reporting agent re-reports its current snapshot at once under the new one. */
  setBehaviour(behaviour: Behaviour): void {
    const wasSilent = this.behaviourNow === 'silent';
    this.behaviourNow = behaviour;
    if (behaviour !== 'silent') {
      if (wasSilent) this.ack();
      this.report();
      if (!this.heartbeatTimer && this.open) this.scheduleHeartbeat(this.heartbeatMs);
    }
  }

  /** Registers with the bootstrap token (once); resolves with the cluster id. */
  async register(): Promise<string> {
    if (this.clusterId) return this.clusterId;
    try {
      const response = await this.client.register(
        {
          $typeName: 'flotilla.agent.v1.RegisterRequest',
          bootstrapToken: this.options.bootstrapToken,
          clusterName: this.options.name,
          labels: this.options.labels,
          agentVersion: this.options.agentVersion ?? 'fleet-sim',
        },
        { deadline: 60_000 },
      );
      this.clusterId = response.clusterId;
      this.credential = response.credential;
      this.emit('registered', this.clusterId);
      return this.clusterId;
    } catch (err) {
      throw new Error(`simulated cluster ${this.options.name}: Register failed: ${(err as grpc.ServiceError).details ?? String(err)}`, { cause: err });
    }
  }

  /** Opens the Connect stream, and opens it again (with backoff) whenever it ends, until stop(). */
  connect(): void {
    if (this.stopped || this.call) return;
    if (!this.credential) throw new Error(`simulated cluster ${this.options.name}: connect() before register()`);
    const metadata = bearer(this.credential);
    metadata.set('x-flotilla-cluster', this.options.name);
    const call = this.client.connect({ metadata });
    this.call = call;
    let delivered = false;
    const finish = (error?: grpc.ServiceError) => {
      if (this.call !== call) return;
      this.call = undefined;
      this.open = false;
      this.cancelTimers();
      this.emit('disconnected', error?.details ?? 'stream ended');
      if (this.stopped) return;
      if (error?.code === grpc.status.UNAUTHENTICATED || error?.code === grpc.status.PERMISSION_DENIED) {
        this.stopped = true;
        this.emit('refused', `simulated cluster ${this.options.name}: the hub refused its credential: ${error.details}`);
        return;
      }
      if (delivered) this.attempt = 0;
      const base = Math.min(this.reconnect.maxMs, this.reconnect.initialMs * 2 ** this.attempt++);
      this.later(base * (0.5 + this.random() / 2), () => this.connect());
    };
    call.on('error', (error: grpc.ServiceError) => finish(error));
    call.on('end', () => finish());
    call.on('data', (message: ConnectResponse) => {
      if (message.message.case !== 'desiredState') return;
      if (!delivered) {
        delivered = true;
        this.sessions++;
      }
      this.receive(message.message.value);
    });
    this.open = true;
    const lastAppliedGeneration = this.snapshot?.generation ?? 0n;
    this.write({ case: 'hello', value: { $typeName: 'flotilla.agent.v1.Hello', agentVersion: this.options.agentVersion ?? 'fleet-sim', lastAppliedGeneration } }, true);
    this.emit('connected');
    this.scheduleHeartbeat(this.heartbeatMs * this.random());
  }

  /** Cuts the stream as a crashed agent would; it reconnects after its backoff unless stopped. */
  disconnect(): void {
    this.call?.cancel();
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimers();
    for (const cancel of this.timers) cancel();
    this.timers.clear();
    this.call?.cancel();
    this.client.close();
  }

  private receive(snapshot: DesiredState): void {
    this.snapshot = snapshot;
    const event: SnapshotEvent = { generation: snapshot.generation, snapshot, receivedAt: performance.now() };
    this.emit('snapshot', event);
    // A silent agent "applies" too; it only keeps quiet about it (write() drops everything while silent).
    this.ack();
    this.settleTimer?.();
    this.settled = this.healthyAfterMs === 0;
    this.report();
    if (!this.settled) {
      this.settleTimer = this.later(this.healthyAfterMs, () => {
        this.settleTimer = undefined;
        if (this.snapshot !== snapshot) return;
        this.settled = true;
        this.report();
      });
    }
  }

  private ack(): void {
    if (this.snapshot) this.write({ case: 'ack', value: { $typeName: 'flotilla.agent.v1.Ack', generation: this.snapshot.generation } });
  }

  private report(): void {
    if (!this.snapshot || this.behaviourNow === 'silent' || this.snapshot.apps.length === 0) return;
    this.write({ case: 'status', value: statusReportFor(this.snapshot, this.behaviourNow, this.settled, this.options.clock.now()) });
  }

  private scheduleHeartbeat(ms: number): void {
    this.heartbeatTimer = this.later(ms, () => {
      this.heartbeatTimer = undefined;
      if (this.behaviourNow === 'silent' || !this.open) return;
      this.write({ case: 'heartbeat', value: { $typeName: 'flotilla.agent.v1.Heartbeat', sentAt: timestampFromDate(this.options.clock.now()) } });
      this.scheduleHeartbeat(this.heartbeatMs);
    });
  }

  private write(message: ConnectRequest['message'], evenIfSilent = false): void {
    if (!this.open || !this.call || (!evenIfSilent && this.behaviourNow === 'silent')) return;
    this.call.write(create(ConnectRequestSchema, { message }));
  }

  private later(ms: number, fn: () => void): () => void {
    const cancel = this.options.clock.after(ms, () => {
      this.timers.delete(cancel);
      fn();
    });
    this.timers.add(cancel);
    return () => {
      this.timers.delete(cancel);
      cancel();
    };
  }

  private cancelTimers(): void {
    this.settleTimer?.();
    this.settleTimer = undefined;
    this.heartbeatTimer?.();
    this.heartbeatTimer = undefined;
  }
}
