// A simulated cluster: one store, one token registry, one loopback HTTPS listener; kubeconfig for clients.

import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { readFile, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import type { PolicyRule } from '../auth/index.js';
import { Authenticator } from '../auth/index.js';
import type { Clock } from '../clock/index.js';
import type { AttachOptions, Controllers } from '../controllers/index.js';
import { attachSimulation } from '../controllers/index.js';
import type { FaultRegistry } from '../faults/index.js';
import type { StoreSnapshot } from '../store/index.js';
import { ObjectStore } from '../store/index.js';
import { servingTls } from '../tls/index.js';
import { listen } from './frontend.js';
import type { Interceptor } from './router.js';
import { route } from './router.js';

export interface StartClusterOptions {
  /** Cluster name (kubeconfig cluster/context name). Default `sim-<n>`. */
  name?: string;
  /** Clock for timestamps, watch timeouts and bookmarks, and controllers. Default real time. */
  clock?: Clock;
  /** Token with full access. Default: random. */
  adminToken?: string;
  /** Watch history kept for resuming watches (default 250 events). */
  historyLimit?: number;
  /** Start from a snapshot file written by `saveSnapshot` instead of an empty cluster. */
  snapshotFile?: string;
  /**
   * The built-in controllers (Deployment -> ReplicaSet -> Pods, Jobs, volumes, ...) and fault injection, on the
   * cluster's clock. Default on; `false` for a bare API server whose objects only change when a client writes.
   */
  controllers?: false | AttachOptions;
}

export interface KubeconfigOptions {
  /** Bearer token of the user; default the admin token. */
  token?: string;
  /** Default namespace of the context. */
  namespace?: string;
}

export interface SimulatedCluster {
  readonly name: string;
  /** `https://127.0.0.1:<port>` */
  readonly server: string;
  readonly adminToken: string;
  /** PEM of the CA that signed the serving certificate (shared by every cluster of the process). */
  readonly caPem: string;
  readonly store: ObjectStore;
  readonly clock: Clock;
  /** The running controllers, unless started with `controllers: false`. */
  readonly controllers?: Controllers;
  /** Fault injection (API unavailable/slow, dropped watches, object faults), unless `controllers: false`. */
  readonly faults?: FaultRegistry;
  kubeconfig(opts?: KubeconfigOptions): string;
  writeKubeconfig(path: string, opts?: KubeconfigOptions): Promise<void>;
  /** Writes the cluster's objects (JSON) to `path`; `startCluster({ snapshotFile })` restores them. */
  saveSnapshot(path: string): Promise<void>;
  /** Allows `token` what `rules` say (RBAC PolicyRule, plus optional `namespaces`); creates the user on first grant. */
  grant(token: string, rules: PolicyRule[], opts?: { user?: string }): void;
  /**
   * Issues a new token for a user or a ServiceAccount whose rights come from the cluster's RBAC objects (Role,
   * ClusterRole and their bindings), like a real cluster's ServiceAccount token. Grants may add to them.
   */
  createToken(identity: { user: string; groups?: string[] } | { serviceAccount: { namespace: string; name: string } }): string;
  /** Forgets a token: later requests with it get 401. */
  revoke(token: string): void;
  /** Runs `fn` before each request; it may answer an error (e.g. 503) or delay it. Returns a remover. */
  intercept(fn: Interceptor): () => void;
  /** Ends every open watch stream, as when an apiserver restarts or a load balancer drops connections. */
  dropWatches(): void;
  close(): Promise<void>;
}

let seq = 0;

export async function startCluster(opts: StartClusterOptions = {}): Promise<SimulatedCluster> {
  const name = opts.name ?? `sim-${++seq}`;
  const storeOpts: ConstructorParameters<typeof ObjectStore>[0] = {};
  if (opts.clock) storeOpts.clock = opts.clock;
  if (opts.historyLimit) storeOpts.historyLimit = opts.historyLimit;
  const store = new ObjectStore(storeOpts);
  if (opts.snapshotFile) store.restore(parseSnapshot(await readFile(opts.snapshotFile, 'utf8'), opts.snapshotFile));
  else bootstrapRbac(store);
  const auth = new Authenticator();
  const adminToken = opts.adminToken ?? randomBytes(24).toString('base64url');
  auth.addAdmin(adminToken);
  const interceptors = new Set<Interceptor>();
  const watches = new Set<ServerResponse>();
  let port = 0;
  const issueServiceAccountToken = (namespace: string, sa: string): string => {
    const token = randomBytes(24).toString('base64url');
    auth.issue(token, `system:serviceaccount:${namespace}:${sa}`, ['system:serviceaccounts', `system:serviceaccounts:${namespace}`]);
    return token;
  };
  const state = { store, auth, serverAddress: () => `127.0.0.1:${port}`, interceptors, watches, issueServiceAccountToken };
  const listener = await listen((req, res) => route(state, req, res));
  port = listener.port;
  const server = `https://127.0.0.1:${port}`;
  const caPem = servingTls().caPem;

  const kubeconfig = (k: KubeconfigOptions = {}): string => {
    const context: Record<string, string> = { cluster: name, user: `${name}-user` };
    if (k.namespace) context.namespace = k.namespace;
    return stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name, cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
      users: [{ name: `${name}-user`, user: { token: k.token ?? adminToken } }],
      contexts: [{ name, context }],
      'current-context': name,
      preferences: {},
    });
  };

  const cluster: SimulatedCluster = {
    name,
    server,
    adminToken,
    caPem,
    store,
    clock: store.clock,
    kubeconfig,
    writeKubeconfig: (path, k) => writeFile(path, kubeconfig(k), { mode: 0o600 }),
    saveSnapshot: (path) => writeFile(path, JSON.stringify(store.snapshot()), { mode: 0o600 }),
    grant: (token, rules, g) => void auth.grant(token, rules, g?.user),
    revoke: (token) => auth.revoke(token),
    createToken: (identity) => {
      if ('serviceAccount' in identity) return issueServiceAccountToken(identity.serviceAccount.namespace, identity.serviceAccount.name);
      const token = randomBytes(24).toString('base64url');
      auth.issue(token, identity.user, identity.groups ?? []);
      return token;
    },
    intercept: (fn) => {
      interceptors.add(fn);
      return () => interceptors.delete(fn);
    },
    dropWatches: () => {
      for (const w of [...watches]) w.destroy();
    },
    close: async () => {
      simulation?.detach();
      await listener.close();
    },
  };
  const simulation = opts.controllers === false ? undefined : attachSimulation(cluster, opts.controllers ?? {});
  if (!simulation) return cluster;
  return Object.assign(cluster, { controllers: simulation.controllers, faults: simulation.faults });
}

function parseSnapshot(text: string, path: string): StoreSnapshot {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not a snapshot: ${e instanceof Error ? e.message : String(e)}`);
  }
  const snap = value as Partial<StoreSnapshot>;
  if (typeof snap?.resourceVersion !== 'number' || !Array.isArray(snap.objects)) throw new Error(`${path}: not a snapshot: expected { resourceVersion, objects }`);
  return snap as StoreSnapshot;
}

/** The bootstrap ClusterRole that charts and people bind to for full access. */
function bootstrapRbac(store: ObjectStore): void {
  store.create({ group: 'rbac.authorization.k8s.io', resource: 'clusterroles' }, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'cluster-admin', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' }, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } },
    rules: [
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ],
  });
}
