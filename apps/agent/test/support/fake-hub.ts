// A small real AgentService over a loopback gRPC socket, standing in for the hub in the agent's session tests.
import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { AgentService, ConnectResponseSchema, RegisterResponseSchema, RotateCredentialResponseSchema, addService, bearerOf, create, timestampFromDate } from '@flotilla/proto';
import type { AppTarget, ConnectRequest, ConnectResponse, StatusReport } from '@flotilla/proto';
import { DesiredStateSchema, RenderEngine } from '@flotilla/proto';

export interface FakeHubOptions {
  bootstrapToken: string;
  /** Lifetime of issued credentials in ms; undefined: they do not expire. */
  credentialTtlMs?: number;
  port?: number;
  /** Serve TLS with this certificate and key (PEM); plaintext otherwise. */
  tls?: { cert: string; key: string };
}

type Stream = grpc.ServerDuplexStream<ConnectRequest, ConnectResponse>;

export class FakeHub extends EventEmitter {
  server!: grpc.Server;
  port = 0;
  readonly validCredentials = new Set<string>();
  readonly hellos: Array<{ credential: string; lastAppliedGeneration: bigint; agentVersion: string }> = [];
  readonly acks: bigint[] = [];
  readonly reports: StatusReport[] = [];
  readonly registrations: Array<{ clusterName: string; labels: Record<string, string> }> = [];
  rotations = 0;
  heartbeats = 0;
  generation = 0n;
  /** The id of the latest registration, carried by every DesiredState. */
  clusterId = 'id-c1';
  apps: AppTarget[] = [];
  private streams = new Set<Stream>();
  private issued = 0;

  constructor(private readonly options: FakeHubOptions) {
    super();
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  private issue(): { credential: string; credentialExpiresAt?: ReturnType<typeof timestampFromDate> } {
    const credential = `cred-${++this.issued}`;
    this.validCredentials.add(credential);
    const ttl = this.options.credentialTtlMs;
    return ttl === undefined ? { credential } : { credential, credentialExpiresAt: timestampFromDate(new Date(Date.now() + ttl)) };
  }

  async start(): Promise<void> {
    this.server = new grpc.Server();
    addService(this.server, AgentService, {
      register: (call, callback) => {
        if (call.request.bootstrapToken !== this.options.bootstrapToken) {
          callback({ code: grpc.status.UNAUTHENTICATED, details: 'bootstrap token is unknown or expired' });
          return;
        }
        this.registrations.push({ clusterName: call.request.clusterName, labels: { ...call.request.labels } });
        // A name registered again (after a revocation) is a new identity on the hub.
        const again = this.registrations.filter((r) => r.clusterName === call.request.clusterName).length;
        this.clusterId = again === 1 ? `id-${call.request.clusterName}` : `id-${call.request.clusterName}-${again}`;
        callback(null, create(RegisterResponseSchema, { clusterId: this.clusterId, ...this.issue() }));
        this.emit('change');
      },
      rotateCredential: (call, callback) => {
        const presented = bearerOf(call.metadata);
        if (presented === undefined || !this.validCredentials.has(presented)) {
          callback({ code: grpc.status.UNAUTHENTICATED, details: 'credential revoked' });
          return;
        }
        this.rotations += 1;
        callback(null, create(RotateCredentialResponseSchema, this.issue()));
        this.emit('change');
      },
      connect: (call) => {
        const presented = bearerOf(call.metadata);
        if (presented === undefined || !this.validCredentials.has(presented)) {
          call.emit('error', { code: grpc.status.UNAUTHENTICATED, details: 'credential revoked' });
          return;
        }
        this.streams.add(call);
        call.on('data', (message: ConnectRequest) => {
          switch (message.message.case) {
            case 'hello':
              this.hellos.push({ credential: presented, lastAppliedGeneration: message.message.value.lastAppliedGeneration, agentVersion: message.message.value.agentVersion });
              call.write(this.snapshot());
              break;
            case 'ack':
              this.acks.push(message.message.value.generation);
              break;
            case 'status':
              this.reports.push(message.message.value);
              break;
            case 'heartbeat':
              this.heartbeats += 1;
              break;
          }
          this.emit('change');
        });
        call.on('end', () => call.end());
        call.on('close', () => this.streams.delete(call));
        call.on('error', () => this.streams.delete(call));
      },
    });
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(`127.0.0.1:${this.options.port ?? this.port}`, this.credentials(), (error, port) => (error ? reject(error) : resolve(port))),
    );
  }

  private credentials(): grpc.ServerCredentials {
    const tls = this.options.tls;
    if (!tls) return grpc.ServerCredentials.createInsecure();
    return grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(tls.cert), private_key: Buffer.from(tls.key) }], false);
  }

  private snapshot(): ConnectResponse {
    return create(ConnectResponseSchema, {
      message: { case: 'desiredState', value: create(DesiredStateSchema, { generation: this.generation, clusterId: this.clusterId, apps: this.apps }) },
    });
  }

  /** Replaces the desired state and pushes it to every open stream. */
  setApps(apps: AppTarget[]): void {
    this.generation += 1n;
    this.apps = apps;
    for (const stream of this.streams) stream.write(this.snapshot());
  }

  revoke(credential: string): void {
    this.validCredentials.delete(credential);
    for (const stream of this.streams) stream.emit('error', { code: grpc.status.UNAUTHENTICATED, details: 'credential revoked' });
  }

  get openStreams(): number {
    return this.streams.size;
  }

  /** Resolves once `predicate` holds, re-checking on every message the hub receives. */
  until<T>(predicate: () => T | undefined | false): Promise<T> {
    return new Promise((resolve) => {
      const check = () => {
        const value = predicate();
        if (value !== undefined && value !== false) {
          this.off('change', check);
          resolve(value);
        }
      };
      this.on('change', check);
      check();
    });
  }

  latestApp(app: string) {
    for (let i = this.reports.length - 1; i >= 0; i--) {
      const found = this.reports[i]!.apps.find((a) => a.app === app);
      if (found) return found;
    }
    return undefined;
  }

  /** Stops serving (streams are cut) while keeping what it recorded; start() again binds the same port. */
  async stop(): Promise<void> {
    for (const stream of this.streams) stream.destroy();
    this.streams.clear();
    this.server.forceShutdown();
  }
}

export function appTarget(app: string, repoUrl: string, commit: string, path: string, defaultNamespace = '', renderEngine = RenderEngine.UNSPECIFIED): AppTarget {
  return {
    $typeName: 'flotilla.agent.v1.AppTarget',
    app,
    repoUrl,
    commit,
    path,
    defaultNamespace,
    renderEngine,
    healthRules: [],
    parameters: { $typeName: 'flotilla.agent.v1.RenderParameters', clusterName: 'c1', clusterLabels: { env: 'test' }, stage: 'dev' },
  };
}
