// Per-application health rules in CEL: table tests of the evaluator, and a rule sent by the hub judging live objects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster } from '@flotilla/kube-sim';
import type { SimulatedCluster } from '@flotilla/kube-sim';
import { create, HealthRuleSchema, HealthStatus, SyncStatus } from '@flotilla/proto';
import { startGitServer, tempDir } from '@flotilla/testkit';
import type { GitServer, TempDir } from '@flotilla/testkit';
import { pino } from 'pino';
import { applyCustomRules } from '../src/health/index.js';
import type { HealthResult, HealthStatus as Status } from '../src/health/index.js';
import { startAgent } from '../src/index.js';
import type { RunningAgent } from '../src/index.js';
import { FakeHub, appTarget } from './support/fake-hub.js';

const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { replicas: 3 }, status: { phase: 'Ready', ready: 2, ratio: 0.5 } };
const builtin: HealthResult = { status: 'Healthy', message: 'exists' };

describe('CEL health rules', () => {
  it.each<[string, string, Status, string?]>([
    ['a status name', "object.status.phase == 'Ready' ? 'Healthy' : 'Progressing'", 'Healthy'],
    ['a map with a message, ints compared as ints', "object.status.ready >= object.spec.replicas ? 'Healthy' : {'status': 'Progressing', 'message': string(object.status.ready) + '/' + string(object.spec.replicas) + ' ready'}", 'Progressing', '2/3 ready'],
    ['the built-in verdict', "has(object.status.error) ? 'Degraded' : builtin.status", 'Healthy'],
    ['doubles', "object.status.ratio > 0.4 ? 'Degraded' : 'Healthy'", 'Degraded'],
    ['string extensions', "object.status.phase.lowerAscii() == 'ready' ? 'Suspended' : 'Healthy'", 'Suspended'],
    ['a missing field is Unknown, naming it', 'object.status.nope == 1', 'Unknown', 'health rule for example.com/Widget: field not found: nope'],
    ['a result that is no status is Unknown', "'Fine'", 'Unknown'],
    ['an expression that does not compile is Unknown, saying where', '1 +', 'Unknown', 'health rule for example.com/Widget: does not compile: <input>:1:3'],
  ])('%s', (_name, expression, status, message) => {
    const result = applyCustomRules(widget, builtin, [{ kind: 'example.com/Widget', expression }]);
    expect(result.status).toBe(status);
    if (message !== undefined) expect(result.message).toContain(message);
  });

  it('applies the first rule whose kind matches (Kind, group/Kind, /Kind for the core group) and otherwise keeps the built-in verdict', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { ready: 'no' } };
    const rules = [
      { kind: 'apps/ConfigMap', expression: "'Degraded'" },
      { kind: '/ConfigMap', expression: "object.data.ready == 'yes' ? 'Healthy' : 'Progressing'" },
      { kind: 'ConfigMap', expression: "'Suspended'" },
    ];
    expect(applyCustomRules(cm, builtin, rules).status).toBe('Progressing');
    expect(applyCustomRules(widget, builtin, [{ kind: 'Widget', expression: "'Degraded'" }]).status).toBe('Degraded');
    expect(applyCustomRules(widget, builtin, rules)).toBe(builtin);
  });
});

describe('CEL health rules sent by the hub', () => {
  let git: GitServer;
  let cluster: SimulatedCluster;
  let hub: FakeHub;
  let dir: TempDir;
  let agent: RunningAgent | undefined;

  beforeAll(async () => {
    [git, cluster, dir] = await Promise.all([startGitServer(), startCluster({ controllers: false }), tempDir('flotilla-agent-cel-')]);
    hub = new FakeHub({ bootstrapToken: 'boot-1' });
    await hub.start();
  });
  afterAll(async () => {
    await agent?.close();
    await hub?.stop();
    await Promise.all([git?.close(), cluster?.close(), dir?.cleanup()]);
  });

  it("judges the app's objects by its own rule and reports the rule's message", async () => {
    await git.createRepo('cel');
    const commit = await git.commit('cel', { 'app/flag.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flag\ndata:\n  ready: "no"\n' });
    const rule = create(HealthRuleSchema, { kind: '/ConfigMap', expression: "object.data.ready == 'yes' ? 'Healthy' : {'status': 'Progressing', 'message': 'flag says ' + object.data.ready}" });
    hub.setApps([{ ...appTarget('cel', git.repoUrl('cel'), commit, 'app', 'default'), healthRules: [rule] }]);
    agent = await startAgent({ hubAddress: hub.address, clusterName: 'c1', bootstrapToken: 'boot-1', stateDir: dir.path, kubeconfig: cluster.kubeconfig(), insecure: true, timings: { statusDebounceMs: 20 }, logger: pino({ level: 'silent' }) });
    const reported = await hub.until(() => {
      const s = hub.latestApp('cel');
      return s?.sync === SyncStatus.SYNCED && s.health === HealthStatus.PROGRESSING && s;
    });
    expect(reported.healthMessage).toBe('ConfigMap default/flag: flag says no');
  });
});
