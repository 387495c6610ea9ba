// A hostile repository fails its own application and nothing else: the agent stays up, keeps heartbeating, and
// syncs its other applications while one app's render blows its byte budget and another its memory limit.
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

  it('fails the alias bomb and the memory hog with their limits named, and syncs the good app', async () => {
    await git.createRepo('good');
    const good = await git.commit('good', { 'app/cm.yaml': cm('good', 'data:\n  a: "1"\n') });
    await git.createRepo('bomb');
    const aliases = Array.from({ length: 2000 }, (_, i) => `  k${i}: *big`).join('\n');
    const bomb = await git.commit('bomb', { 'app/cm.yaml': cm('bomb', `big: &big ${'a'.repeat(1024 * 1024)}\ndata:\n${aliases}\n`) });
    await git.createRepo('hungry');
    const keys = Array.from({ length: 150_000 }, (_, i) => `  key${i}: value-${i}`).join('\n');
    const hungry = await git.commit('hungry', { 'app/cm.yaml': cm('hungry', `data:\n${keys}\n`) });
    hub.setApps([
      appTarget('bomb', git.repoUrl('bomb'), bomb, 'app'),
      appTarget('hungry', git.repoUrl('hungry'), hungry, 'app'),
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
      source: { render: { memoryMb: 24 } },
      logger: pino({ level: 'silent' }),
    });

    await hub.until(() => hub.latestApp('good')?.sync === SyncStatus.SYNCED && hub.latestApp('good')?.health === HealthStatus.HEALTHY);
    expect(hub.latestApp('bomb')).toMatchObject({ sync: SyncStatus.FAILED, syncError: expect.stringContaining('(limit maxAliasBytes)') });
    expect(hub.latestApp('hungry')).toMatchObject({ sync: SyncStatus.FAILED, syncError: 'render failed: ran out of memory (limit renderMemoryMb 24 MiB)' });
    // Still alive and talking to the hub after both failures.
    const beats = hub.heartbeats;
    await hub.until(() => hub.heartbeats > beats + 2);
    expect(agent.connected()).toBe(true);
  });
});
