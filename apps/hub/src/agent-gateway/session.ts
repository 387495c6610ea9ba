// One agent's Connect stream: authenticated by its credential on open, Hello first (within a deadline), then snapshots
// down (on Hello and on every desired-state change, coalesced while the agent is not reading), statuses/acks/heartbeats
// up, pings on an injected clock. Messages are handled one at a time in arrival order; any bad message ends the stream
// with a clear status and never touches the process.
import type * as grpc from '@grpc/grpc-js';
import { PingSchema, bearerOf, create, timestampFromDate } from '@flotilla/proto';
import type { AppStatus, ConnectRequest, ConnectResponse, DesiredState } from '@flotilla/proto';
import { Outbox, resetStream } from './outbox.js';
import { FlotillaError, asFlotillaError, grpcErrorOf } from '../errors/index.js';
import { every } from '../fleet/index.js';
import type { Fleet } from '../fleet/index.js';
import { appStatusView } from '../fleet/messages.js';
import type { GatewayMetrics } from './metrics.js';
import type { GatewayAuth, GatewayLogger } from './ports.js';
import { checkAppStatus, checkGeneration, checkHello, checkTimestamp } from './wire.js';

export type ConnectCall = grpc.ServerDuplexStream<ConnectRequest, ConnectResponse>;

/** Metadata an agent may send to say which cluster it believes it is; it must agree with the credential. */
export const CLUSTER_METADATA = 'x-flotilla-cluster';

export interface SessionDeps {
  fleet: Fleet;
  auth: GatewayAuth;
  log: GatewayLogger;
  pingIntervalMs: number;
  /** Largest message the gRPC server sends (grpc.max_send_message_length). */
  maxMessageBytes: number;
  /** The store's epoch, stamped on every snapshot. */
  hubEpoch: string;
  /** How long a stream may stay open without saying Hello. */
  helloTimeoutMs: number;
  /** How long a newer snapshot may wait behind an unflushed write before the stream is closed as a slow consumer. */
  behindLimitMs: number;
  /** Makes this the cluster's one stream waiting for Hello; returns the one it replaced, if any. */
  claimPending(session: AgentSession): AgentSession | undefined;
  releasePending(session: AgentSession): void;
  /** Bytes this process holds for agents and has not flushed yet, as they change. */
  buffered(deltaBytes: number): void;
  /** Makes this the cluster's one stream; returns the one it replaced, if any. */
  claim(session: AgentSession): AgentSession | undefined;
  release(session: AgentSession): void;
  metrics(): GatewayMetrics | undefined;
  /** Records the cluster connected or not, in the order the streams opened and closed. */
  recordConnection(clusterId: string, connected: boolean, agentVersion?: string): Promise<void>;
  /** Applications this process has ever sent to the cluster, on any of its streams. */
  sentApps(clusterId: string): Set<string>;
}

const COMMIT = /^[0-9a-f]{40}$/;

export class AgentSession {
  clusterId = '';
  clusterName = '';
  private phase: 'authenticating' | 'awaitingHello' | 'open' | 'closed' = 'authenticating';
  private queue: Promise<void> = Promise.resolve();
  private lastSentGeneration = 0n;
  private warnedFuture = false;
  private currentApps = new Set<string>();
  private readonly cleanups: (() => void)[] = [];
  private readonly outbox: Outbox;
  private stopBehindTimer: (() => void) | undefined;

  constructor(
    private readonly call: ConnectCall,
    private readonly deps: SessionDeps,
  ) {
    this.outbox = new Outbox(call, {
      buffered: (delta) => deps.buffered(delta),
      sent: (snapshot) => {
        this.remember(snapshot);
        deps.metrics()?.snapshots.inc();
      },
      coalesced: () => deps.metrics()?.snapshotsCoalesced.inc(),
      behind: (waiting) => this.behind(waiting),
      tooLarge: (bytes) =>
        this.fail(
          new FlotillaError(
            'ResourceExhausted',
            `the desired state of cluster "${this.clusterName}" is ${bytes} bytes, over the hub's message limit of ${deps.maxMessageBytes} bytes`,
          ),
        ),
    }, deps.maxMessageBytes);
  }

  start(): void {
    const { clock } = this.deps.fleet;
    this.cleanups.push(
      clock.after(this.deps.helloTimeoutMs, () => {
        if (this.phase === 'authenticating' || this.phase === 'awaitingHello') {
          this.fail(new FlotillaError('FailedPrecondition', `no hello within ${this.deps.helloTimeoutMs / 1000}s of opening the stream`));
        }
      }),
    );
    this.call.on('data', (request: ConnectRequest) => this.enqueue(() => this.handle(request)));
    this.call.on('end', () => this.finish());
    this.call.on('cancelled', () => this.finish());
    this.call.on('error', () => this.finish());
    this.enqueue(() => this.authenticate());
  }

  get open(): boolean {
    return this.phase === 'open';
  }

  /** Ends the stream with an error status (revocation, replacement, shutdown, bad input). */
  fail(error: FlotillaError): void {
    if (this.phase === 'closed') return;
    this.deps.log.warn({ cluster: this.clusterName || undefined, code: error.code, err: error.message }, 'closing agent stream');
    this.deps.metrics()?.streamsClosed.inc({ code: error.code });
    this.teardown();
    this.call.emit('error', grpcErrorOf(error));
  }

  /** Bytes handed to this stream's transport and not flushed yet. */
  get bufferedBytes(): number {
    return this.outbox.bufferedBytes;
  }

  private behind(waiting: boolean): void {
    this.stopBehindTimer?.();
    this.stopBehindTimer = undefined;
    if (!waiting) return;
    this.stopBehindTimer = this.deps.fleet.clock.after(this.deps.behindLimitMs, () => {
      this.fail(
        new FlotillaError(
          'ResourceExhausted',
          `cluster "${this.clusterName}" has not read its stream for ${this.deps.behindLimitMs / 1000}s while a newer desired state waited; reconnect`,
        ),
      );
      // The status would wait behind the unflushed data of an agent that is not reading: drop the stream instead.
      resetStream(this.call);
    });
  }

  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(async () => {
      if (this.phase === 'closed') return;
      try {
        await work();
      } catch (err) {
        const error = asFlotillaError(err);
        if (error.code === 'Internal') this.deps.log.error({ cluster: this.clusterName, err: String(err) }, 'agent stream failed');
        this.fail(error);
      }
    });
  }

  private async authenticate(): Promise<void> {
    const { clusterId, expiresAt } = await this.deps.auth.checkClusterCredential(bearerOf(this.call.metadata));
    const cluster = await this.deps.fleet.getClusterById(clusterId);
    const [claimed] = this.call.metadata.get(CLUSTER_METADATA);
    if (claimed !== undefined && claimed !== cluster.name && claimed !== cluster.id) {
      throw new FlotillaError(
        'PermissionDenied',
        `this stream's credential belongs to cluster "${cluster.name}" but the stream presents itself as "${String(claimed)}"`,
      );
    }
    this.clusterId = cluster.id;
    this.clusterName = cluster.name;
    this.phase = 'awaitingHello';
    // One stream per cluster waiting for Hello too, so one credential cannot hold thousands of silent streams open.
    this.deps.claimPending(this)?.fail(new FlotillaError('FailedPrecondition', `replaced by a newer stream of cluster "${this.clusterName}" before its hello`));
    // A stream lives no longer than the credential that opened it; the agent rotates before then and reconnects.
    const clock = this.deps.fleet.clock;
    this.cleanups.push(
      clock.after(Math.max(0, expiresAt.getTime() - clock.now().getTime()), () =>
        this.fail(new FlotillaError('Unauthenticated', `the credential of cluster "${this.clusterName}" expired at ${expiresAt.toISOString()}`)),
      ),
    );
    // Subscribed from authentication on, so a revocation closes even a stream that has not said Hello yet.
    this.cleanups.push(
      this.deps.fleet.notifier.subscribe(this.clusterId, (change) => {
        if (change === 'revoked') this.fail(new FlotillaError('Unauthenticated', `cluster "${this.clusterName}" was revoked`));
        else if (this.phase === 'open') this.enqueue(() => this.pushSnapshot());
      }),
    );
  }

  private async handle(request: ConnectRequest): Promise<void> {
    const message = request.message;
    if (message.case === undefined) {
      throw new FlotillaError('InvalidArgument', 'ConnectRequest carries no message: expected hello, status, ack or heartbeat');
    }
    if (this.phase === 'awaitingHello' && message.case !== 'hello') {
      throw new FlotillaError('FailedPrecondition', `the first message on a Connect stream must be hello, got ${message.case}`);
    }
    this.deps.metrics()?.messages.inc({ kind: message.case });
    const now = this.deps.fleet.clock.now();
    switch (message.case) {
      case 'hello':
        if (this.phase !== 'awaitingHello') throw new FlotillaError('FailedPrecondition', 'hello was already sent on this stream');
        checkHello(message.value);
        return this.hello(message.value.agentVersion);
      case 'status':
        this.deps.fleet.statuses.touch(this.clusterId, now);
        return this.ingest(message.value.apps, now);
      case 'ack':
        checkGeneration(message.value.generation, 'ack.generation');
        if (message.value.generation > this.lastSentGeneration) this.ignoreFuture('ack.generation', message.value.generation);
        this.deps.fleet.statuses.touch(this.clusterId, now);
        return;
      case 'heartbeat':
        checkTimestamp(message.value.sentAt, 'heartbeat.sent_at');
        this.deps.fleet.statuses.touch(this.clusterId, now);
        return;
    }
  }

  private async hello(agentVersion: string): Promise<void> {
    this.phase = 'open';
    this.deps.releasePending(this);
    const replaced = this.deps.claim(this);
    replaced?.fail(new FlotillaError('FailedPrecondition', `replaced by a newer stream of cluster "${this.clusterName}"`));
    this.cleanups.push(every(this.deps.fleet.clock, this.deps.pingIntervalMs, () => this.ping()));
    await this.deps.recordConnection(this.clusterId, true, agentVersion);
    this.deps.log.info({ cluster: this.clusterName, agentVersion }, 'agent connected');
    await this.pushSnapshot(true);
  }

  private async pushSnapshot(always = false): Promise<void> {
    const snapshot = await this.deps.fleet.desiredStateFor(this.clusterId);
    if (!always && snapshot.generation <= this.lastSentGeneration) return;
    if (this.phase !== 'open') return;
    snapshot.hubEpoch = this.deps.hubEpoch;
    this.outbox.snapshot(snapshot);
  }

  private remember(snapshot: DesiredState): void {
    this.lastSentGeneration = snapshot.generation;
    this.currentApps = new Set(snapshot.apps.map((a) => a.app));
    const sent = this.deps.sentApps(this.clusterId);
    for (const app of this.currentApps) sent.add(app);
  }

  private ping(): void {
    if (this.phase !== 'open') return;
    this.outbox.ping(create(PingSchema, { sentAt: timestampFromDate(this.deps.fleet.clock.now()) }));
  }

  /** Validates the whole report before recording any of it, so a bad entry leaves nothing half-taken. */
  private async ingest(apps: AppStatus[], now: Date): Promise<void> {
    const accepted: AppStatus[] = [];
    const seen = new Set<string>();
    for (const [i, status] of apps.entries()) {
      const field = `status.apps[${i}]`;
      checkAppStatus(status, field);
      if (status.app === '') throw new FlotillaError('InvalidArgument', `${field}.app: must name an application`);
      if (seen.has(status.app)) throw new FlotillaError('InvalidArgument', `${field}.app: application "${status.app}" is reported twice`);
      seen.add(status.app);
      if (status.observedGeneration > this.lastSentGeneration) {
        this.ignoreFuture(`${field}.observed_generation`, status.observedGeneration);
        continue;
      }
      if (status.observedCommit !== '' && !COMMIT.test(status.observedCommit)) {
        throw new FlotillaError('InvalidArgument', `${field}.observed_commit: "${status.observedCommit}" is not a 40-character hexadecimal commit id`);
      }
      if (this.currentApps.has(status.app)) {
        accepted.push(status);
        continue;
      }
      // Not in the latest snapshot: a status crossing a prune (or an application's deletion) is stale and dropped; an
      // application the hub never sent this cluster and does not know is a broken agent, and says so.
      if (this.deps.sentApps(this.clusterId).has(status.app)) continue;
      if (!(await this.deps.fleet.applicationExists(status.app))) {
        throw new FlotillaError('InvalidArgument', `${field}.app: application "${status.app}" does not exist on this hub`);
      }
    }
    for (const status of accepted) this.deps.fleet.statuses.record(this.clusterId, appStatusView(status), now);
  }

  /**
   * A generation newer than any this stream sent is not a broken agent but a hub that went back in time (its database
   * was lost or restored from a backup, and the agent kept what it applied): ending the stream would only make the
   * agent reconnect and send it again. The report is ignored (it is about a desired state this hub never had) and said
   * once per stream; the agent is in step again when it takes the hub's snapshot.
   */
  private ignoreFuture(field: string, generation: bigint): void {
    this.deps.metrics()?.futureGenerations.inc();
    if (this.warnedFuture) return;
    this.warnedFuture = true;
    this.deps.log.warn(
      { cluster: this.clusterName, field, generation: String(generation), latestSent: String(this.lastSentGeneration) },
      'agent reports a generation newer than this hub sent (the hub lost or restored its database?); ignored',
    );
  }

  private finish(): void {
    if (this.phase === 'closed') return;
    this.teardown();
    // The agent half-closed or went away: end our side cleanly.
    try {
      this.call.end();
    } catch {
      /* already ended */
    }
  }

  private teardown(): void {
    const wasOpen = this.phase === 'open';
    this.phase = 'closed';
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.behind(false);
    this.outbox.close();
    this.deps.releasePending(this);
    if (!wasOpen) return;
    this.deps.release(this);
  }
}
