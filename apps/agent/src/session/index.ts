// The agent's session with the hub: register once, dial out, Hello, store and Ack each DesiredState, stream status and
// heartbeats, reconnect with jittered exponential backoff, rotate the credential, stop when the hub revokes it.
import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { AgentService, ConnectRequestSchema, bearer, create, createClient, timestampDate, timestampFromDate } from '@flotilla/proto';
import type { ConnectRequest, ConnectResponse, ServiceClient } from '@flotilla/proto';
import type { BackoffPolicy, Clock, Timer } from '../clock.js';
import { backoffDelay } from '../clock.js';
import type { DesiredSnapshot, StateStore, StoredCredential } from '../state/index.js';
import type { AppStatusValue } from '../status/index.js';
import { toSnapshot, toStatusReport } from './convert.js';
import { rotationDue } from './credentials.js';

export { toSnapshot, toStatusReport } from './convert.js';
export { rotationDue } from './credentials.js';

export interface SessionOptions {
  hubAddress: string;
  channelCredentials: grpc.ChannelCredentials;
  clusterName: string;
  labels: Record<string, string>;
  bootstrapToken: string | undefined;
  agentVersion: string;
  store: StateStore;
  clock: Clock;
  random: () => number;
  reconnect: BackoffPolicy;
  heartbeatMs: number;
  log: Logger;
  /** The last generation applied for this cluster id; 0 when the stored state belongs to another identity. */
  lastAppliedGeneration(clusterId: string): bigint;
  /** Stores and starts reconciling a snapshot; the session Acks once it resolves. */
  onDesiredState(snapshot: DesiredSnapshot): Promise<void>;
  /** The current complete status report for this cluster id, sent first on every new stream. */
  currentStatus(clusterId: string): readonly AppStatusValue[];
}

/** Why the session stopped by itself: the agent cannot go on without an operator. */
export class SessionStopped extends Error {
  override readonly name = 'SessionStopped';
}

type Agent = ServiceClient<(typeof AgentService)['method']>;

const fatalRegisterCodes = new Set([grpc.status.UNAUTHENTICATED, grpc.status.PERMISSION_DENIED, grpc.status.INVALID_ARGUMENT, grpc.status.ALREADY_EXISTS, grpc.status.FAILED_PRECONDITION]);

function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

function grpcDetails(error: unknown): string {
  const details = (error as { details?: unknown }).details;
  return typeof details === 'string' && details !== '' ? details : (error as Error).message;
}

/**
 * Events: 'registered' (clusterId), 'connected', 'disconnected' (reason), 'desiredState' (generation),
 * 'rotated', 'stopped' (SessionStopped).
 */
export class Session extends EventEmitter {
  private readonly client: Agent;
  private credential: StoredCredential | undefined;
  private call: ReturnType<Agent['connect']> | undefined;
  private open = false;
  private stopping = false;
  private wait: { timer: Timer; resolve: () => void } | undefined;
  private running: Promise<void> | undefined;
  private rotationTimer: Timer | undefined;
  private rotated = false;
  /** Hub messages are handled one after another; stop() waits for the last one. */
  private handling: Promise<void> = Promise.resolve();

  constructor(private readonly options: SessionOptions) {
    super();
    this.client = createClient(AgentService, options.hubAddress, options.channelCredentials, {
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      'grpc.keepalive_permit_without_calls': 1,
      // grpc-js backs off its own connection attempts (1 s growing to 120 s by default) underneath ours: a call made
      // while the channel waits fails at once, so a hub back after a long outage would go unseen for up to two
      // minutes. Keep the channel's backoff within the session's own cap.
      'grpc.initial_reconnect_backoff_ms': Math.min(1_000, options.reconnect.initialMs),
      'grpc.max_reconnect_backoff_ms': options.reconnect.maxMs,
    });
  }

  get connected(): boolean {
    return this.open;
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.rotationTimer?.cancel();
    this.call?.cancel();
    if (this.wait) {
      this.wait.timer.cancel();
      this.wait.resolve();
    }
    await this.running;
    await this.handling;
    this.client.close();
  }

  /** Writes a status report on the open stream; false when there is none (the report is re-sent on reconnect). */
  sendStatus(values: readonly AppStatusValue[]): boolean {
    return this.write(create(ConnectRequestSchema, { message: { case: 'status', value: toStatusReport(values) } }));
  }

  private write(message: ConnectRequest): boolean {
    if (!this.open || !this.call) return false;
    this.call.write(message);
    return true;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.options.clock.setTimer(ms, () => {
        this.wait = undefined;
        resolve();
      });
      this.wait = { timer, resolve };
    });
  }

  /** Remembers that the hub refused the stored credential, so the next start registers instead of retrying it. */
  private async rejectCredential(message: string): Promise<void> {
    const current = this.credential;
    if (current !== undefined && current.rejectedAt === undefined) {
      this.credential = { ...current, rejectedAt: this.options.clock.now().toISOString() };
      try {
        await this.options.store.saveCredential(this.credential);
      } catch (error) {
        this.options.log.warn({ err: (error as Error).message }, 'could not record the refused credential');
      }
    }
    this.stopFor(message);
  }

  private stopFor(message: string): void {
    this.options.log.error(message);
    this.stopping = true;
    this.emit('stopped', new SessionStopped(message));
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.stopping) {
      let established = false;
      try {
        const credential = await this.ensureCredential();
        if (credential === undefined) return;
        established = await this.connectOnce(credential);
      } catch (error) {
        this.options.log.warn({ err: grpcDetails(error), code: grpcCode(error) }, 'hub session failed');
      }
      if (this.stopping) break;
      if (established) attempt = 0;
      if (this.rotated) {
        // A fresh credential: reconnect with it at once.
        this.rotated = false;
        continue;
      }
      const delay = backoffDelay(attempt++, this.options.reconnect, this.options.random);
      this.options.log.info({ retryInMs: delay }, 'reconnecting to the hub');
      await this.sleep(delay);
    }
  }

  /** The stored credential (rotated first when due), or a new one from Register; undefined after a fatal refusal. */
  private async ensureCredential(): Promise<StoredCredential | undefined> {
    this.credential ??= await this.options.store.loadCredential();
    if (this.credential?.rejectedAt !== undefined) {
      if (this.options.bootstrapToken === undefined) {
        this.stopFor(`the hub refused this cluster's credential at ${this.credential.rejectedAt} (revoked or expired): set FLOTILLA_BOOTSTRAP_TOKEN to a new bootstrap token to register again`);
        return undefined;
      }
      this.options.log.info({ rejectedAt: this.credential.rejectedAt }, 'the stored credential was refused by the hub: registering again with the bootstrap token');
      this.credential = undefined;
    }
    if (this.credential === undefined) {
      if (this.options.bootstrapToken === undefined) {
        this.stopFor('no stored credential and no FLOTILLA_BOOTSTRAP_TOKEN: cannot register with the hub');
        return undefined;
      }
      try {
        const response = await this.client.register(
          { $typeName: 'flotilla.agent.v1.RegisterRequest', bootstrapToken: this.options.bootstrapToken, clusterName: this.options.clusterName, labels: this.options.labels, agentVersion: this.options.agentVersion },
          { deadline: 30_000 },
        );
        this.credential = {
          clusterId: response.clusterId,
          credential: response.credential,
          expiresAt: response.credentialExpiresAt ? timestampDate(response.credentialExpiresAt).toISOString() : undefined,
          issuedAt: this.options.clock.now().toISOString(),
        };
        await this.options.store.saveCredential(this.credential);
        this.options.log.info({ clusterId: response.clusterId, store: this.options.store.description }, 'registered with the hub');
        this.emit('registered', response.clusterId);
      } catch (error) {
        const code = grpcCode(error);
        if (code !== undefined && fatalRegisterCodes.has(code)) {
          this.stopFor(`the hub refused registration of cluster ${this.options.clusterName}: ${grpcDetails(error)}`);
          return undefined;
        }
        throw error;
      }
    }
    const due = rotationDue(this.credential);
    if (due !== undefined && this.options.clock.now().getTime() >= due) await this.rotate();
    return this.credential;
  }

  /** True when a new credential is stored. */
  private async rotate(): Promise<boolean> {
    const current = this.credential;
    if (!current) return false;
    try {
      const response = await this.client.rotateCredential({ $typeName: 'flotilla.agent.v1.RotateCredentialRequest' }, { metadata: bearer(current.credential), deadline: 30_000 });
      this.credential = {
        clusterId: current.clusterId,
        credential: response.credential,
        expiresAt: response.credentialExpiresAt ? timestampDate(response.credentialExpiresAt).toISOString() : undefined,
        issuedAt: this.options.clock.now().toISOString(),
      };
      await this.options.store.saveCredential(this.credential);
      this.options.log.info({ expiresAt: this.credential.expiresAt }, 'rotated the cluster credential');
      this.emit('rotated');
      return true;
    } catch (error) {
      if (grpcCode(error) === grpc.status.UNAUTHENTICATED) {
        await this.rejectCredential(`the hub rejected the cluster credential while rotating it (revoked or expired): ${grpcDetails(error)}; to register again, restart the agent with a new FLOTILLA_BOOTSTRAP_TOKEN`);
        return false;
      }
      this.options.log.warn({ err: grpcDetails(error) }, 'credential rotation failed; the current credential stays in use');
      return false;
    }
  }

  /** One Connect stream until it ends; true when the hub answered (the backoff then starts over). */
  private connectOnce(credential: StoredCredential): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      let established = false;
      let heartbeat: Timer | undefined;
      const metadata = bearer(credential.credential);
      // Lets the hub catch a credential presented by the wrong cluster.
      metadata.set('x-flotilla-cluster', this.options.clusterName);
      const call = this.client.connect({ metadata });
      this.call = call;
      const finish = (error?: unknown) => {
        heartbeat?.cancel();
        this.rotationTimer?.cancel();
        const wasOpen = this.open;
        this.open = false;
        this.call = undefined;
        if (wasOpen && established) this.options.log.warn({ reason: error === undefined ? 'stream ended' : grpcDetails(error) }, 'lost the hub stream; the stored desired state stays reconciled');
        if (wasOpen) this.emit('disconnected', error === undefined ? 'stream ended' : grpcDetails(error));
        if (error === undefined || grpcCode(error) === grpc.status.CANCELLED) resolve(established);
        else if (grpcCode(error) === grpc.status.UNAUTHENTICATED || grpcCode(error) === grpc.status.PERMISSION_DENIED) {
          void this.rejectCredential(`the hub rejected the cluster credential (revoked?): ${grpcDetails(error)}; stopping. To register again, restart the agent with a new FLOTILLA_BOOTSTRAP_TOKEN.`).then(() => resolve(established));
        } else if (established) resolve(true);
        else reject(error);
      };
      call.on('error', (error) => finish(error));
      call.on('end', () => finish());
      call.on('data', (message: ConnectResponse) => {
        this.handling = this.handling.then(() => this.handle(message, call)).catch((error: unknown) => {
          this.options.log.error({ err: (error as Error).message }, 'handling a hub message failed; reconnecting');
          call.cancel();
        });
        if (!established) {
          established = true;
          this.options.log.info({ hub: this.options.hubAddress }, 'connected to the hub');
          this.emit('connected');
        }
      });

      this.open = true;
      call.write(create(ConnectRequestSchema, { message: { case: 'hello', value: { agentVersion: this.options.agentVersion, lastAppliedGeneration: this.options.lastAppliedGeneration(credential.clusterId) } } }));
      this.sendStatus(this.options.currentStatus(credential.clusterId));
      const beat = () => {
        heartbeat = this.options.clock.setTimer(this.options.heartbeatMs, () => {
          this.write(create(ConnectRequestSchema, { message: { case: 'heartbeat', value: { sentAt: timestampFromDate(this.options.clock.now()) } } }));
          beat();
        });
      };
      beat();
      this.scheduleRotation(call);
    });
  }

  private scheduleRotation(call: ReturnType<Agent['connect']>, retryMs?: number): void {
    const due = this.credential && rotationDue(this.credential);
    if (due === undefined) return;
    const delay = retryMs ?? Math.max(0, due - this.options.clock.now().getTime());
    this.rotationTimer = this.options.clock.setTimer(delay, () => {
      void this.rotate().then((ok) => {
        if (this.stopping) call.cancel();
        else if (ok) {
          // Reconnect at once so the hub sees the new credential used and can retire the old one.
          this.rotated = true;
          call.cancel();
        } else if (this.call === call) this.scheduleRotation(call, 60_000);
      });
    });
  }

  private async handle(message: ConnectResponse, call: ReturnType<Agent['connect']>): Promise<void> {
    if (message.message.case !== 'desiredState') return;
    const { snapshot, duplicates } = toSnapshot(message.message.value);
    if (duplicates.length > 0) this.options.log.warn({ duplicates }, 'desired state names an application twice; the first wins');
    await this.options.onDesiredState(snapshot);
    if (this.call === call && this.open) {
      call.write(create(ConnectRequestSchema, { message: { case: 'ack', value: { generation: snapshot.generation } } }));
    }
    this.emit('desiredState', snapshot.generation);
  }
}
