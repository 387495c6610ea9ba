// Starts a whole fleet for end-to-end tests: a real git server, simulated clusters, a hub on a chosen store, agents.
import { request } from 'node:https';
import { startAgent } from '@flotilla/agent';
import type { RunningAgent } from '@flotilla/agent';
import { startHub } from '@flotilla/hub';
import type { HubOptions, RunningHub } from '@flotilla/hub';
import { startCluster } from '@flotilla/kube-sim';
import type { SimulatedCluster } from '@flotilla/kube-sim';
import { startGitServer, tempDir, waitFor } from '@flotilla/testkit';
import type { GitServer, TempDir } from '@flotilla/testkit';
import { pino } from 'pino';

export interface Reply<T = unknown> {
  status: number;
  body: T;
}

/** A JSON client of the hub's REST API that trusts the hub's own CA when it serves TLS. */
export function restClient(hub: RunningHub, token: string) {
  return async function rest<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<Reply<T>> {
    const url = new URL(path, hub.httpUrl);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (payload !== undefined) headers['content-type'] = 'application/json';
    if (url.protocol === 'http:') {
      const response = await fetch(url, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
      return { status: response.status, body: (await response.json()) as T };
    }
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers, ...(hub.caCertificate ? { ca: hub.caCertificate } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as T }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  };
}

export interface Fleet {
  git: GitServer;
  hub: RunningHub;
  admin: string;
  clusters: SimulatedCluster[];
  agents: RunningAgent[];
  rest: ReturnType<typeof restClient>;
  startAgents(bootstrapToken: string, specs: { name: string; labels: Record<string, string> }[]): Promise<void>;
  close(): Promise<void>;
}

const quiet = pino({ level: 'silent' });

export async function startFleet(hubOptions: HubOptions): Promise<Fleet> {
  const dirs: TempDir[] = [];
  const git = await startGitServer();
  const hub = await startHub({ logger: quiet, statusFlushIntervalMs: 50, ...hubOptions });
  const admin = hub.adminToken;
  if (!admin) throw new Error('a fresh hub must create its first admin token');
  const clusters: SimulatedCluster[] = [];
  const agents: RunningAgent[] = [];
  const fleet: Fleet = {
    git,
    hub,
    admin,
    clusters,
    agents,
    rest: restClient(hub, admin),
    async startAgents(bootstrapToken, specs) {
      for (const spec of specs) {
        const cluster = await startCluster({ name: spec.name });
        clusters.push(cluster);
        const state = await tempDir('flotilla-agent-');
        dirs.push(state);
        agents.push(
          await startAgent({
            hubAddress: hub.grpcAddress,
            clusterName: spec.name,
            labels: spec.labels,
            bootstrapToken,
            stateDir: state.path,
            kubeconfig: cluster.kubeconfig(),
            ...(hub.caCertificate ? { hubCa: hub.caCertificate } : { insecure: true }),
            logger: quiet,
            timings: { statusDebounceMs: 20, healthPollMs: 100, reconnect: { initialMs: 50, maxMs: 500, factor: 2, jitter: 0.5 } },
          }),
        );
      }
    },
    async close() {
      for (const agent of agents) await agent.close();
      await hub.close();
      for (const cluster of clusters) await cluster.close();
      await git.close();
      for (const dir of dirs) await dir.cleanup();
    },
  };
  return fleet;
}

/** Polls the hub's REST API (another component's state, with no event to await) until `check` holds. */
export async function eventually<T>(description: string, read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  let last: T | undefined;
  try {
    return await waitFor(
      async () => {
        last = await read();
        return check(last) ? last : undefined;
      },
      { timeoutMs, intervalMs: 50, description },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last seen: ${JSON.stringify(last)}`);
  }
}
