// The external kustomize engine end to end: the hub asks for it per application, the cluster admin grants it per agent.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCluster } from '@flotilla/kube-sim';
import type { SimulatedCluster } from '@flotilla/kube-sim';
import { RenderEngine, SyncStatus } from '@flotilla/proto';
import { startGitServer, tempDir } from '@flotilla/testkit';
import type { GitServer } from '@flotilla/testkit';
import { pino } from 'pino';
import { startAgent } from '../src/index.js';
import type { AgentOptions } from '../src/index.js';
import { KubeClient } from '../src/kube/index.js';
import { FakeHub, appTarget } from './support/fake-hub.js';

const fast = { initialMs: 20, maxMs: 200, factor: 2, jitter: 0.5 };
const timings = { heartbeatMs: 50, statusDebounceMs: 20, resyncMs: 60_000, healthPollMs: 50, steadyHealthPollMs: 60_000, reconnect: fast, retry: fast };

function onPath(command: string): boolean {
  return (process.env['PATH'] ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
const hasKubectl = onPath('kubectl');

// `replacements` is rendered by kustomize itself; the params (${app}, ${cluster.name}) are substituted after its build.
const repo = {
  'charts/kustomization.yaml': [
    'resources:',
    '- namespace.yaml',
    '- configmaps.yaml',
    'replacements:',
    '- source:',
    '    kind: ConfigMap',
    '    name: source',
    '    fieldPath: data.value',
    '  targets:',
    '  - select:',
    '      kind: ConfigMap',
    '      name: target',
    '    fieldPaths:',
    '    - data.copied',
    '',
  ].join('\n'),
  'charts/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${app}\n',
  'charts/configmaps.yaml': [
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: source\ndata:\n  value: from-${cluster.name}\n',
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: target\ndata:\n  copied: unset\n',
  ].join('---\n'),
};

describe('render engine per application', () => {
  let git: GitServer;
  let cluster: SimulatedCluster;
  let kube: KubeClient;
  let commit: string;
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    [git, cluster] = await Promise.all([startGitServer(), startCluster()]);
    kube = KubeClient.from(cluster.kubeconfig());
    await git.createRepo('charts');
    commit = await git.commit('charts', repo);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await Promise.all([git?.close(), cluster?.close()]);
  });

  /** A hub asking for `app` with the kustomize-binary engine, and an agent configured with `extra`. */
  async function run(app: string, extra: Partial<AgentOptions>): Promise<FakeHub> {
    const hub = new FakeHub({ bootstrapToken: 'boot-1' });
    await hub.start();
    cleanups.push(() => hub.stop());
    hub.setApps([appTarget(app, git.repoUrl('charts'), commit, 'charts', app, RenderEngine.KUSTOMIZE_BINARY)]);
    const dir = await tempDir('flotilla-agent-engine-');
    cleanups.push(() => dir.cleanup());
    const agent = await startAgent({
      hubAddress: hub.address,
      clusterName: 'c1',
      labels: { env: 'test' },
      bootstrapToken: 'boot-1',
      stateDir: dir.path,
      kubeconfig: cluster.kubeconfig(),
      insecure: true,
      timings,
      logger: pino({ level: 'silent' }),
      ...extra,
    });
    cleanups.push(() => agent.close());
    return hub;
  }

  const getConfigMap = (ns: string, name: string) => kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name });

  it.skipIf(!hasKubectl)(
    `renders with the external kustomize the admin configured (kubectl kustomize) and applies it${hasKubectl ? '' : ' [SKIPPED: kubectl is not on PATH]'}`,
    async () => {
      const hub = await run('charts-granted', { kustomize: { command: ['kubectl', 'kustomize'], enableHelm: false } });
      const synced = await hub.until(() => hub.latestApp('charts-granted')?.sync === SyncStatus.SYNCED && hub.latestApp('charts-granted'));
      expect(synced.syncError).toBe('');
      expect(synced.observedCommit).toBe(commit);
      expect((await getConfigMap('charts-granted', 'target'))?.['data']).toEqual({ copied: 'from-c1' });
      expect((await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: 'charts-granted' }))?.metadata.labels?.['app.flotilla.dev/name']).toBe('charts-granted');
    },
  );

  it('fails an app asking for the external engine on an agent without FLOTILLA_KUSTOMIZE_COMMAND, naming both, and applies nothing', async () => {
    const hub = await run('charts-denied', {});
    const failed = await hub.until(() => hub.latestApp('charts-denied')?.sync === SyncStatus.FAILED && hub.latestApp('charts-denied'));
    expect(failed.syncError).toContain('app "charts-denied" asks for the kustomize-binary render engine');
    expect(failed.syncError).toContain('FLOTILLA_KUSTOMIZE_COMMAND');
    expect(failed.observedCommit).toBe(commit);
    expect(await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: 'charts-denied' })).toBeUndefined();
    expect(await getConfigMap('charts-denied', 'source')).toBeUndefined();
    expect(await getConfigMap('charts-denied', 'target')).toBeUndefined();
  });
});
