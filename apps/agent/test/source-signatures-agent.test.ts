// End to end: with a signature policy from the cluster admin's file, the agent applies a commit signed by the trusted
// key, and reports an unsigned commit Failed without applying anything of it.
import { writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster } from '@flotilla/kube-sim';
import type { SimulatedCluster } from '@flotilla/kube-sim';
import { SyncStatus } from '@flotilla/proto';
import { createSshKey, startGitServer, tempDir } from '@flotilla/testkit';
import type { GitServer, TempDir } from '@flotilla/testkit';
import { pino } from 'pino';
import { startAgent } from '../src/index.js';
import type { RunningAgent } from '../src/index.js';
import { KubeClient } from '../src/kube/index.js';
import { FakeHub, appTarget } from './support/fake-hub.js';

const fast = { initialMs: 20, maxMs: 200, factor: 2, jitter: 0.5 };
const timings = { heartbeatMs: 50, statusDebounceMs: 20, resyncMs: 60_000, healthPollMs: 50, steadyHealthPollMs: 60_000, reconnect: fast, retry: fast };
const cm = (value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  value: "${value}"\n`;

// Real gpg and ssh-keygen sign the commits (Debian: gnupg, openssh-client).
const signers = ['gpg', 'ssh-keygen'].every((tool) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch (_error) {
    process.stderr.write(`[agent] skipping commit signature tests: ${tool} is not installed (apt-get install gnupg openssh-client)\n`);
    return false;
  }
});

describe.skipIf(!signers)('agent with a commit signature policy', () => {
  let git: GitServer;
  let cluster: SimulatedCluster;
  let hub: FakeHub;
  let dir: TempDir;
  let agent: RunningAgent | undefined;

  beforeAll(async () => {
    [git, cluster, dir] = await Promise.all([startGitServer(), startCluster(), tempDir('flotilla-agent-signatures-')]);
    hub = new FakeHub({ bootstrapToken: 'boot-1' });
    await hub.start();
  });

  afterAll(async () => {
    await agent?.close();
    await hub?.stop();
    await Promise.all([git?.close(), cluster?.close(), dir?.cleanup()]);
  });

  it('applies the signed commit and refuses the unsigned one that follows, leaving the signed one in place', async () => {
    const key = await createSshKey(dir.path);
    const policyFile = `${dir.path}/commit-signatures.yaml`;
    await writeFile(policyFile, `keys:\n  release: ${key.publicKey}\napps:\n  shop: [release]\n`);
    await git.createRepo('shop');
    const signed = await git.commit('shop', { 'app/cm.yaml': cm('signed') }, 'signed', key.signer);
    hub.setApps([appTarget('shop', git.repoUrl('shop'), signed, 'app')]);
    agent = await startAgent({
      hubAddress: hub.address,
      clusterName: 'c1',
      bootstrapToken: 'boot-1',
      stateDir: `${dir.path}/state`,
      kubeconfig: cluster.kubeconfig(),
      insecure: true,
      timings,
      source: { signaturePolicyFile: policyFile },
      logger: pino({ level: 'silent' }),
    });
    const kube = KubeClient.from(cluster.kubeconfig());
    const settings = () => kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'settings' });
    await hub.until(() => hub.latestApp('shop')?.sync === SyncStatus.SYNCED && hub.latestApp('shop')?.observedCommit === signed);
    expect((await settings())?.['data']).toEqual({ value: 'signed' });

    const unsigned = await git.commit('shop', { 'app/cm.yaml': cm('unsigned') }, 'unsigned');
    hub.setApps([appTarget('shop', git.repoUrl('shop'), unsigned, 'app')]);
    const failed = await hub.until(() => {
      const s = hub.latestApp('shop');
      return s?.observedCommit === unsigned && s.sync === SyncStatus.FAILED && s;
    });
    expect(failed.syncError).toBe(`commit ${unsigned} is refused for app "shop": it is not signed; it must be signed by a trusted key (release)`);
    expect((await settings())?.['data']).toEqual({ value: 'signed' });
    kube.close();
  });
});
