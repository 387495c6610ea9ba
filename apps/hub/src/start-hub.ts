// Composes the hub: store, auth, fleet, rollout, the agent gateway and both user APIs, on one gRPC and one HTTP port.
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { FastifyInstance } from 'fastify';
import { createAgentGateway } from './agent-gateway/index.js';
import type { AgentGateway } from './agent-gateway/index.js';
import { FleetApi, addFleetService, buildRestApp } from './api/index.js';
import { createAuth } from './auth/index.js';
import { addBodyGuard, addErrorBound, addRetryAfter } from './edge/index.js';
import type { ClusterCredentialPolicy } from './auth/index.js';
import { defaultGrpcServerLimits, grpcServerOptions, resolveTls } from './config/index.js';
import type { GrpcServerLimits, TlsSetting } from './config/index.js';
import { createFleet, systemClock } from './fleet/index.js';
import type { Clock, Fleet } from './fleet/index.js';
import { createLogger, createMetrics } from './observability/index.js';
import type { Logger } from './observability/index.js';
import { postgresReplicas, soleReplica } from './coordination/index.js';
import type { Coordination } from './coordination/index.js';
import { createRollout } from './rollout/index.js';
import { registerRolloutMetrics } from './rollout/metrics.js';
import type { Rollout } from './rollout/index.js';
import { defaultDataDir, openStore } from './store/index.js';
import { secureDirectory } from './store/open.js';
import type { StoreTimeouts } from './store/open.js';
import type { Store } from './store/index.js';

export interface HubOptions {
  /** PostgreSQL URL; when absent the hub uses embedded PGlite in `dataDir`. */
  databaseUrl?: string;
  /** PGlite data directory and home of the self-signed CA; `memory://` keeps everything in memory. Default ./.flotilla/data. */
  dataDir?: string;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** REST port; default 0 (any free port). */
  httpPort?: number;
  /** gRPC port; default 0 (any free port). */
  grpcPort?: number;
  /** Server TLS for both ports: PEM cert/key, a CA the hub creates itself, or false for plaintext (default). */
  tls?: TlsSetting;
  /** Extra DNS names or IPs for the self-signed serving certificate. */
  tlsNames?: string[];
  logger?: Logger;
  /** Log level of the logger the hub creates when none is given; default info. */
  logLevel?: string;
  /** The clock: a `() => Date` or a full Clock (with timers); tests inject a fake one. */
  clock?: (() => Date) | Clock;
  credentials?: Partial<ClusterCredentialPolicy>;
  /** How often the hub pings agent streams; default 15 s. */
  pingIntervalMs?: number;
  /** How often buffered statuses are written; default 1 s. */
  statusFlushIntervalMs?: number;
  /** How often the promotion driver looks for expired timers (bake, deadlines, staleness); default 1 s. */
  rolloutTickMs?: number;
  /** PostgreSQL connect and statement time limits (see StoreTimeouts). */
  storeTimeouts?: Partial<StoreTimeouts>;
  /** gRPC connection limits (streams per connection, keepalive, connection age, message sizes); see config/grpc-server.ts. */
  grpcLimits?: Partial<GrpcServerLimits>;
  /** Agent streams: Hello deadline and how long a slow agent may stay behind (see AgentGatewayOptions). */
  agentStreams?: { helloTimeoutMs?: number; behindLimitMs?: number };
}

export interface RunningHub {
  /** Base URL of the REST API, e.g. http://127.0.0.1:8080. */
  httpUrl: string;
  /** host:port of the gRPC server (AgentService and FleetService). */
  grpcAddress: string;
  /** The first admin token, only when this start created it. */
  adminToken?: string;
  /** Where the first admin token was written (0600, in the data directory), when this start created it on disk. */
  adminTokenFile?: string;
  /** PEM of the CA that signed the serving certificate, when known (self-signed mode, or a CA file given). */
  caCertificate?: string;
  store: Store;
  fleet: Fleet;
  rollout: Rollout;
  gateway: AgentGateway;
  coordination: Coordination;
  logger: Logger;
  /** Stops serving, ends agent streams, flushes statuses and closes the store. Safe to call more than once. */
  close(): Promise<void>;
}

/** Writes the first admin token to `<dir>/admin-token`, readable by the hub user only; returns the file. */
async function writeAdminToken(dir: string, token: string): Promise<string> {
  const file = path.join(dir, 'admin-token');
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}

function clockOf(option: HubOptions['clock']): Clock {
  if (option === undefined) return systemClock;
  if (typeof option === 'function') return { now: option, after: systemClock.after };
  return option;
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function bindGrpc(server: grpc.Server, address: string, credentials: grpc.ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => server.bindAsync(address, credentials, (err, port) => (err ? reject(err) : resolve(port))));
}

function shutdownGrpc(server: grpc.Server): Promise<void> {
  return new Promise((resolve) => {
    // Streams were already ended by the gateway; anything still open after a moment is cut.
    const force = setTimeout(() => server.forceShutdown(), 2000);
    force.unref();
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}

export async function startHub(options: HubOptions = {}): Promise<RunningHub> {
  const logger = options.logger ?? createLogger({ level: options.logLevel ?? 'info' });
  const clock = clockOf(options.clock);
  const host = options.host ?? '127.0.0.1';
  const inMemory = (options.dataDir ?? '').startsWith('memory://');
  const store = await openStore({
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.storeTimeouts ? { timeouts: options.storeTimeouts } : {}),
  });
  const cleanups: (() => Promise<void> | void)[] = [() => store.close()];
  const closeAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (err) {
        logger.warn({ err }, 'hub shutdown step failed');
      }
    }
  };
  try {
    const auth = createAuth({ db: store, now: () => clock.now(), ...(options.credentials ? { credentials: options.credentials } : {}) });
    const fleet = createFleet({ db: store, auth, clock, ...(options.statusFlushIntervalMs ? { statusFlushIntervalMs: options.statusFlushIntervalMs } : {}) });
    const rollout = createRollout({ db: store, fleet, logger, ...(options.rolloutTickMs ? { tickMs: options.rolloutTickMs } : {}) });
    const gateway = createAgentGateway({
      fleet,
      auth,
      logger,
      hubEpoch: store.epoch,
      maxMessageBytes: options.grpcLimits?.maxSendMessageBytes ?? defaultGrpcServerLimits.maxSendMessageBytes,
      ...(options.pingIntervalMs ? { pingIntervalMs: options.pingIntervalMs } : {}),
      ...options.agentStreams,
    });
    fleet.start();
    cleanups.push(() => fleet.stop());
    const hooks = { onLead: () => rollout.startDriving(), onLoseLead: () => void rollout.stopDriving(), onDue: () => rollout.kick() };
    const coordination = options.databaseUrl ? postgresReplicas(options.databaseUrl, fleet.notifier, hooks, logger) : soleReplica(hooks);
    fleet.notifier.setRelay((ids, change) => coordination.relay(ids, change));
    rollout.setDueRelay(() => coordination.relayDue());
    await coordination.start();
    cleanups.push(async () => {
      await coordination.close();
      await rollout.stopDriving();
    });

    // The self-signed CA lives beside the embedded data (also with PostgreSQL), so restarts keep the CA agents pinned.
    const tlsDir = inMemory ? undefined : (options.dataDir ?? defaultDataDir());
    if (tlsDir !== undefined) await secureDirectory(tlsDir);
    const tls = await resolveTls(options.tls, tlsDir, options.tlsNames ?? [], clock.now());
    if (!tls) logger.warn({ host }, 'serving gRPC and REST in plaintext: use TLS outside tests and loopback');
    const metrics = createMetrics();
    gateway.registerMetrics(metrics.registry);
    registerRolloutMetrics(metrics.registry, store, rollout);
    const api = new FleetApi({ auth, fleet, promotions: rollout, ...(tls?.ca ? { caCertificate: tls.ca } : {}) });

    const grpcServer = new grpc.Server(grpcServerOptions(options.grpcLimits));
    addFleetService(grpcServer, api, logger, metrics);
    gateway.addTo(grpcServer);
    const credentials = tls
      ? grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(tls.cert), private_key: Buffer.from(tls.key) }], false)
      : grpc.ServerCredentials.createInsecure();
    const bindHost = host.includes(':') ? `[${host}]` : host;
    const grpcPort = await bindGrpc(grpcServer, `${bindHost}:${options.grpcPort ?? 0}`, credentials);
    cleanups.push(async () => {
      await gateway.close();
      await shutdownGrpc(grpcServer);
    });

    const rest: FastifyInstance = await buildRestApp({ api, db: store, logger, metrics, ...(tls ? { https: { cert: tls.cert, key: tls.key } } : {}) });
    addRetryAfter(rest);
    addBodyGuard(rest);
    addErrorBound(rest);
    cleanups.push(() => rest.close());
    await rest.listen({ host, port: options.httpPort ?? 0 });
    const address = rest.server.address();
    const httpPort = typeof address === 'object' && address ? address.port : 0;

    // Created only once both ports serve, so a start that fails (a port in use) never leaves an admin token nobody saw.
    const adminToken = await auth.ensureAdminToken();
    // Kept where logs are not shipped: a file only the hub user can read, beside the data it unlocks.
    const adminTokenFile = adminToken && tlsDir !== undefined ? await writeAdminToken(tlsDir, adminToken) : undefined;
    const hub: RunningHub = {
      httpUrl: `${tls ? 'https' : 'http'}://${hostForUrl(host)}:${httpPort}`,
      grpcAddress: `${hostForUrl(host)}:${grpcPort}`,
      ...(adminToken ? { adminToken } : {}),
      ...(adminTokenFile ? { adminTokenFile } : {}),
      ...(tls?.ca ? { caCertificate: tls.ca } : {}),
      store,
      fleet,
      rollout,
      gateway,
      coordination,
      logger,
      close: closeAll,
    };
    logger.info({ httpUrl: hub.httpUrl, grpcAddress: hub.grpcAddress, store: store.driver, tls: Boolean(tls) }, 'hub started');
    return hub;
  } catch (err) {
    await closeAll();
    throw err;
  }
}
