// Health through the watch cache: a change in the cluster reaches the hub within a second, with no polling.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster } from '@flotilla/kube-sim';
import type { SimulatedCluster, StoreEvent } from '@flotilla/kube-sim';
import { HealthStatus, SyncStatus } from '@flotilla/proto';
import { startGitServer, tempDir } from '@flotilla/testkit';
import type { GitServer, TempDir } from '@flotilla/testkit';
import { pino } from 'pino';
import { startAgent } from '../src/index.js';
import type { RunningAgent } from '../src/index.js';
import { FakeHub, appTarget } from './support/fake-hub.js';

const fast = { initialMs: 20, maxMs: 200, factor: 2, jitter: 0.5 };
// Health polls every minute at most: anything faster than that comes from the watches.
const timings = { heartbeatMs: 1000, resyncMs: 600_000, healthPollMs: 60_000, steadyHealthPollMs: 60_000, reconnect: fast, retry: fast };

const deployment = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 1
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec: { containers: [{ name: ${name}, image: nginx:1.27 }] }
`;

function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const waitingReason = (e: StoreEvent) =>
  ((e.object['status'] as { containerStatuses?: Array<{ state?: { waiting?: { reason?: string } } }> } | undefined)?.containerStatuses ?? []).map((c) => c.state?.waiting?.reason);

describe('health from the watch cache', () => {
  let git: GitServer;
  let cluster: SimulatedCluster;
  let hub: FakeHub;
  let dir: TempDir;
  let agent: RunningAgent;

  beforeAll(async () => {
    [git, cluster, dir] = await Promise.all([startGitServer(), startCluster({ controllers: { stepMs: 20 } }), tempDir('flotilla-agent-watch-')]);
    hub = new FakeHub({ bootstrapToken: 'boot-1' });
    await hub.start();
    hub.setApps([]);
    agent = await startAgent({ hubAddress: hub.address, clusterName: 'c1', bootstrapToken: 'boot-1', stateDir: dir.path, kubeconfig: cluster.kubeconfig(), insecure: true, timings, logger: pino({ level: 'silent' }) });
  });
  afterAll(async () => {
    await agent?.close();
    await hub?.stop();
    await Promise.all([git?.close(), cluster?.close(), dir?.cleanup()]);
  });

  /** Deploys `name` healthy, injects `fault`, waits for the simulator to show it, then awaits Degraded at the hub within a second. */
  async function degradedWithinASecond(name: string, fault: 'crash-loop' | 'oom-kill', beforeFault: () => void = () => {}) {
    await git.createRepo(name);
    const commit = await git.commit(name, { 'app/ns.yaml': `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`, 'app/web.yaml': deployment(name) });
    hub.setApps([appTarget(name, git.repoUrl(name), commit, 'app', name)]);
    await hub.until(() => hub.latestApp(name)?.sync === SyncStatus.SYNCED && hub.latestApp(name)?.health === HealthStatus.HEALTHY);

    const crashing = new Promise<void>((resolve) => {
      const stop = cluster.store.watch({ group: '', resource: 'pods', namespace: name }, (e) => {
        if (!waitingReason(e).includes('CrashLoopBackOff')) return;
        stop();
        resolve();
      });
    });
    beforeFault();
    cluster.faults!.inject({ kind: 'Deployment', namespace: name, name, fault });
    await crashing;
    const degraded = await within(
      1000,
      hub.until(() => {
        const s = hub.latestApp(name);
        return s?.health === HealthStatus.DEGRADED && s;
      }),
      `${name}: Degraded at the hub after the pod crash-looped`,
    );
    expect(degraded.resources.find((r) => r.kind === 'Deployment')?.health).toBe(HealthStatus.DEGRADED);
    return degraded.healthMessage;
  }

  it('reports a Deployment whose pods start crash-looping Degraded, naming the pod and CrashLoopBackOff, within a second', async () => {
    expect(await degradedWithinASecond('web', 'crash-loop')).toMatch(/^Deployment web\/web: pod web-[a-z0-9]+-[a-z0-9]+: container web: CrashLoopBackOff: back-off/);
  });

  it('reports a Deployment whose container is OOM-killed Degraded, naming OOMKilled, within a second', async () => {
    expect(await degradedWithinASecond('hungry', 'oom-kill')).toMatch(/^Deployment hungry\/hungry: pod hungry-[a-z0-9]+-[a-z0-9]+: container hungry: OOMKilled \(CrashLoopBackOff\)/);
  });

  it('keeps watching after the API server drops every watch: the next change still arrives', async () => {
    expect(await degradedWithinASecond('dropped', 'crash-loop', () => cluster.dropWatches())).toContain('CrashLoopBackOff');
  });
});
