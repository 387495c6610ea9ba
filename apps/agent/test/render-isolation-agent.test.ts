// A hostile repository fails its own application and nothing else: the agent stays up, keeps heartbeating, and
// syncs its other applications while one app's render blows its byte budget and another (a 7.5 MB ConfigMap of
// 300,000 keys) its time or memory limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster } from '@flotilla/kube-sim';
import type { SimulatedCluster } from '@flotilla/kube-sim';
import { HealthStatus, SyncStatus } from '@flotilla/proto';
import { startGitServer, tempDir } from '@flotilla/testkit';
import type { GitServer, TempDir } from '@flotilla/testkit';
import { pino } from 'pino';
import { startAgent } from '../src/index.js';
import type { RunningAgent } from '../src/index.js';
import { FakeHub, appTarget } from './support/fake-hub.js';

const fast = { initialMs: 20, maxMs: 200, factor: 2, jitter: 0.5 };
const timings = { heartbeatMs: 50, statusDebounceMs: 20, resyncMs: 60_000, healthPollMs: 50, steadyHealthPollMs: 60_000, reconnect: fast, retry: { initialMs: 60_000, maxMs: 60_000, factor: 1, jitter: 0 } };
const cm = (name: string, body = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\n${body}`;

describe('agent with a hostile repository', () => {
  let git: GitServer;
  let cluster: SimulatedCluster;
  let hub: FakeHub;
  let dir: TempDir;
  let agent: RunningAgent | undefined;

  beforeAll(async () => {
    [git, cluster, dir] = await Promise.all([startGitServer(), startCluster(), tempDir('flotilla-agent-hostile-')]);
    hub = new FakeHub({ bootstrapToken: 'boot-1' });
    await hub.start();
  });

  afterAll(async () => {
    await agent?.close();
    await hub?.stop();
    await Promise.all([git?.close(), cluster?.close(), dir?.cleanup()]);
  });

  it('fails the alias bomb and the huge ConfigMap with their limits named, heartbeats throughout, and syncs the good app', async () => {
    await git.createRepo('good');
    const good = await git.commit('good', { 'app/cm.yaml': cm('good', 'data:\n  a: "1"\n') });
    await git.createRepo('bomb');
    const aliases = Array.from({ length: 2000 }, (_, i) => `  k${i}: *big`).join('\n');
    const bomb = await git.commit('bomb', { 'app/cm.yaml': cm('bomb', `big: &big ${'a'.repeat(1024 * 1024)}\ndata:\n${aliases}\n`) });
    await git.createRepo('slow');
    const slowKeys = Array.from({ length: 300_000 }, (_, i) => `  key${i}: value-${i}`).join('\n');
    const slow = await git.commit('slow', { 'app/cm.yaml': cm('slow', `data:\n${slowKeys}\n`) });
    hub.setApps([
      appTarget('bomb', git.repoUrl('bomb'), bomb, 'app'),
      appTarget('slow', git.repoUrl('slow'), slow, 'app'),
      appTarget('good', git.repoUrl('good'), good, 'app'),
    ]);
    agent = await startAgent({
      hubAddress: hub.address,
      clusterName: 'c1',
      bootstrapToken: 'boot-1',
      stateDir: dir.path,
      kubeconfig: cluster.kubeconfig(),
      insecure: true,
      timings,
      source: { render: { timeoutMs: 6000 } },
      logger: pino({ level: 'silent' }),
    });

    // Apps reconcile in order: the slow render runs between the bomb's failure and its own.
    const beatsBefore = await hub.until(() => hub.latestApp('bomb')?.sync === SyncStatus.FAILED && hub.heartbeats);
    const beatsAfter = await hub.until(() => hub.latestApp('slow')?.sync === SyncStatus.FAILED && hub.heartbeats);
    // Which limit it meets first depends on the machine; either fails this app alone.
    expect(hub.latestApp('slow')?.syncError).toMatch(/^render failed: (did not finish within 6000 ms \(limit renderTimeoutMs\)|ran out of memory \(limit renderMemoryMb 256 MiB\))$/);
    // Heartbeats every 50 ms went on through the seconds of that render: a blocked main thread would send at most one.
    expect(beatsAfter - beatsBefore).toBeGreaterThan(10);
    await hub.until(() => hub.latestApp('good')?.sync === SyncStatus.SYNCED && hub.latestApp('good')?.health === HealthStatus.HEALTHY);
    expect(hub.latestApp('bomb')).toMatchObject({ sync: SyncStatus.FAILED, syncError: expect.stringContaining('(limit maxAliasBytes)') });
    // Still alive and talking to the hub after both failures.
    const beats = hub.heartbeats;
    await hub.until(() => hub.heartbeats > beats + 2);
    expect(agent.connected()).toBe(true);
  });
});
