// Wires the agent together: state store, git source, Kubernetes client, reconciler, status reporter, hub session, probes.
import { randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { BackoffPolicy, Clock } from './clock.js';
import { defaultBackoff, reconnectBackoff, systemClock } from './clock.js';
import type { GitCredential, Guard, KustomizeBinaryConfig, SourceSettings } from './config/index.js';
import { AgentError } from './errors.js';
import { hubScopeOf, KubeClient } from './kube/index.js';
import { startProbes } from './probes/index.js';
import type { Probes } from './probes/index.js';
import { Reconciler } from './reconcile/index.js';
import { Session } from './session/index.js';
import type { SessionStopped } from './session/index.js';
import { Source, emptySignaturePolicy, parseSignaturePolicy } from './source/index.js';
import type { SignaturePolicy } from './source/index.js';
import { FileStateStore, KubeStateStore } from './state/index.js';
import type { StateStore } from './state/index.js';
import { StatusReporter } from './status/index.js';
import type { AppStatusValue } from './status/index.js';
import { agentVersion } from './version.js';

export interface AgentOptions {
  /** The hub's gRPC address, host:port. The agent always dials out; the hub never connects to it. */
  hubAddress: string;
  /** This cluster's name on the hub (a DNS-1123 label). */
  clusterName: string;
  labels?: Record<string, string>;
  /** Needed only for the first start; afterwards the stored credential is used. */
  bootstrapToken?: string;
  /** Directory for the credential (0600), the last desired state and the git cache. One of stateDir / stateNamespace. */
  stateDir?: string;
  /** In cluster: keep the credential in a Secret and the state in a ConfigMap in this namespace. */
  stateNamespace?: string;
  /** Kubeconfig as YAML text or a file path; omitted: the in-cluster service account, else ~/.kube/config. */
  kubeconfig?: string;
  /** Plaintext gRPC to the hub (tests and local demos only). */
  insecure?: boolean;
  /** PEM of the CA that signed the hub's certificate; omitted: the system roots. */
  hubCa?: string;
  /** Only these namespaces may be touched, whatever the hub asks; omitted: all. */
  allowedNamespaces?: readonly string[];
  /** Only these kinds (`Kind` or `group/Kind`, core group `/Kind`); omitted: all. */
  allowedKinds?: readonly string[];
  /**
   * The external kustomize applications may opt into (renderEngine kustomize-binary), for helmCharts and KRM plugins;
   * omitted: such applications fail to sync on this cluster.
   */
  kustomize?: KustomizeBinaryConfig;
  /** Credentials for private repositories, matched by URL prefix. */
  gitCredentials?: readonly GitCredential[];
  /** Git cache directory; default `source.cacheDir`, else `<stateDir>/git`, else a temporary directory. */
  cacheDir?: string;
  /** Fetch, read and render limits, the git cache and the remote sources an external kustomize may fetch. */
  source?: Partial<SourceSettings>;
  /** Serve /healthz and /readyz on this port (0: any free port); omitted: no probe server. */
  healthPort?: number;
  healthHost?: string;
  clock?: Clock;
  random?: () => number;
  logger?: Logger;
  timings?: Partial<AgentTimings>;
}

export interface AgentTimings {
  heartbeatMs: number;
  statusDebounceMs: number;
  resyncMs: number;
  healthPollMs: number;
  steadyHealthPollMs: number;
  reconnect: BackoffPolicy;
  retry: BackoffPolicy;
}

const defaultTimings: AgentTimings = {
  heartbeatMs: 15_000,
  statusDebounceMs: 250,
  resyncMs: 180_000,
  healthPollMs: 2_000,
  steadyHealthPollMs: 30_000,
  reconnect: reconnectBackoff,
  retry: defaultBackoff,
};

export type StopReason = { kind: 'closed' } | { kind: 'stopped'; message: string };

export interface RunningAgent {
  readonly clusterName: string;
  /** The probes' base URL when healthPort was given. */
  readonly probesUrl: string | undefined;
  /** True while a Connect stream to the hub is open. */
  connected(): boolean;
  /** The latest status of every application. */
  statuses(): AppStatusValue[];
  /** Calls `listener` with the complete status list after each change; returns the unsubscribe function. */
  onStatus(listener: (statuses: AppStatusValue[]) => void): () => void;
  /** Runs a reconcile pass now and resolves when it has finished. */
  reconcileNow(): Promise<void>;
  /** Resolves when the agent stops: closed, or stopped by itself (credential revoked, registration refused). */
  readonly stopped: Promise<StopReason>;
  close(): Promise<void>;
}

function guardOf(options: AgentOptions): Guard {
  return {
    namespaces: options.allowedNamespaces ? new Set(options.allowedNamespaces) : '*',
    kinds: options.allowedKinds ? new Set(options.allowedKinds) : '*',
  };
}

function channelCredentials(options: AgentOptions): grpc.ChannelCredentials {
  if (options.insecure) return grpc.credentials.createInsecure();
  return grpc.credentials.createSsl(options.hubCa === undefined ? null : Buffer.from(options.hubCa));
}

/** The commit signature policy file, read once at start; a broken policy stops the agent rather than go unenforced. */
async function loadSignaturePolicy(file: string | undefined): Promise<SignaturePolicy> {
  if (file === undefined) return emptySignaturePolicy;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new AgentError('InvalidArgument', `FLOTILLA_COMMIT_SIGNATURES_FILE: cannot read ${file}: ${(error as Error).message}`);
  }
  return parseSignaturePolicy(text, `FLOTILLA_COMMIT_SIGNATURES_FILE ${file}`);
}

export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  if (options.stateDir === undefined && options.stateNamespace === undefined) {
    throw new AgentError('InvalidArgument', 'startAgent: one of stateDir or stateNamespace is required');
  }
  const timings = { ...defaultTimings, ...options.timings };
  const clock = options.clock ?? systemClock;
  const random = options.random ?? (() => randomInt(0, 1_000_000) / 1_000_000);
  const log = (options.logger ?? pino({ name: 'flotilla-agent', redact: ['credential', 'bootstrapToken', '*.credential', '*.password'] })).child({ cluster: options.clusterName });
  const kube = KubeClient.from(options.kubeconfig);
  const store: StateStore = options.stateNamespace !== undefined ? new KubeStateStore(kube, options.stateNamespace) : new FileStateStore(options.stateDir!);
  const state = await store.loadState();
  const cacheDir = options.cacheDir ?? options.source?.cacheDir ?? (options.stateDir !== undefined ? path.join(options.stateDir, 'git') : path.join(os.tmpdir(), `flotilla-agent-${options.clusterName}-git`));
  const source = new Source({
    signatures: await loadSignaturePolicy(options.source?.signaturePolicyFile),
    cacheDir,
    credentials: options.gitCredentials ?? [],
    limits: options.source?.limits ?? {},
    render: options.source?.render ?? {},
    kustomizeAllowRemote: options.source?.kustomizeAllowRemote ?? [],
  });
  const listeners = new Set<(statuses: AppStatusValue[]) => void>();

  // The reporter, reconciler and session refer to each other only through callbacks that run after all three exist.
  const reporter = new StatusReporter({ clock, debounceMs: timings.statusDebounceMs, send: (report) => session.sendStatus(report) });
  const reconciler = new Reconciler({
    store,
    state,
    source,
    kube,
    guard: guardOf(options),
    hub: hubScopeOf(options.hubAddress),
    kustomize: options.kustomize,
    clock,
    random,
    log,
    resyncMs: timings.resyncMs,
    healthPollMs: timings.healthPollMs,
    steadyHealthPollMs: timings.steadyHealthPollMs,
    retry: timings.retry,
    onStatus: (statuses) => {
      reporter.update(statuses);
      for (const listener of listeners) listener(statuses);
    },
  });
  const session: Session = new Session({
    hubAddress: options.hubAddress,
    channelCredentials: channelCredentials(options),
    clusterName: options.clusterName,
    labels: options.labels ?? {},
    bootstrapToken: options.bootstrapToken,
    agentVersion,
    store,
    clock,
    random,
    reconnect: timings.reconnect,
    heartbeatMs: timings.heartbeatMs,
    log,
    // After a re-registration the hub knows this cluster under a new id whose generations start over: until its
    // first snapshot arrives, the stored one (still reconciled) is another identity's and is not reported.
    lastAppliedGeneration: (clusterId) => (reconciler.state.desired?.clusterId === clusterId ? reconciler.state.lastAppliedGeneration : 0n),
    onDesiredState: async (snapshot) => {
      await reconciler.setDesired(snapshot);
    },
    currentStatus: (clusterId) => (reconciler.state.desired?.clusterId === clusterId ? reporter.report() : []),
  });

  // The agent must outlive the hub: every timer it arms is unref'd and a failed dial leaves no socket, so without
  // this handle Node would exit as soon as the hub goes away. It is released only by close().
  const keepAlive = setInterval(() => undefined, 2 ** 30);
  let resolveStopped!: (reason: StopReason) => void;
  const stopped = new Promise<StopReason>((resolve) => (resolveStopped = resolve));
  let probes: Probes | undefined;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      reporter.stop();
      await Promise.all([session.stop(), reconciler.stop(), probes?.close()]);
      kube.close();
      clearInterval(keepAlive);
      resolveStopped({ kind: 'closed' });
    })());

  session.on('stopped', (reason: SessionStopped) => {
    resolveStopped({ kind: 'stopped', message: reason.message });
    void close();
  });

  log.info(
    { hub: options.hubAddress, state: store.description, allowedNamespaces: options.allowedNamespaces ?? '*', allowedKinds: options.allowedKinds ?? '*', storedGeneration: state.desired?.generation.toString() },
    'flotilla agent starting',
  );
  if (options.healthPort !== undefined) {
    probes = await startProbes(options.healthPort, { live: () => closing === undefined, ready: () => closing === undefined && (session.connected || state.desired !== undefined) }, options.healthHost);
  }
  // The stored desired state is reconciled at once, whether or not the hub is there.
  if (state.desired !== undefined) reconciler.trigger();
  session.start();

  return {
    clusterName: options.clusterName,
    probesUrl: probes?.url,
    connected: () => session.connected,
    statuses: () => reconciler.statuses(),
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reconcileNow: () => reconciler.reconcileNow(),
    stopped,
    close,
  };
}
