// The promotion graph end to end, through the REST API only: nine agents on simulated clusters in three stages and
// three regions; a good commit goes dev -> staging -> prod (prod in three waves); a bad one halts in prod's second wave,
// never reaches the third, and a promoter rolls it back wave by wave.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startFleet } from './support.js';
import type { Fleet } from './support.js';

interface Target { cluster: string; stage: string; wave: string; phase: string; revert?: { phase: string } }
interface Promotion {
  id: string;
  state: string;
  message: string;
  stages: { stage: string; state: string; waves: { name: string; state: string; healthy: number; total: number; digests: Record<string, number> }[] }[];
  targets: Target[];
  events: { type: string; reason: string }[];
}
interface Cluster { name: string; apps: { app: string; observedCommit: string; sync: string; health: string }[] }

const regions = ['eu', 'us', 'ap'] as const;
const stages = ['dev', 'staging', 'prod'] as const;

const deployment = (version: string, annotations?: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  labels: { version: "${version}" }
spec:
  replicas: 1
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }${annotations ? `\n      annotations: ${annotations}` : ''}
    spec:
      containers:
        - name: web
          image: nginx:${version}
`;

const pipeline = [
  { name: 'dev', selector: 'env=dev', waves: [{ name: 'all', bake: '1s' }] },
  { name: 'staging', after: ['dev'], autoPromote: true, selector: 'env=staging', waves: [{ name: 'all', bake: '1s' }] },
  {
    name: 'prod',
    after: ['staging'],
    autoPromote: true,
    selector: { matchLabels: { env: 'prod' } },
    waves: regions.map((r) => ({ name: r, selector: `region=${r}`, bake: '1s', progressDeadline: '20s' })),
  },
];

describe('a pipeline of three stages over nine clusters', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet({ dataDir: 'memory://' });
  }, 120_000);
  afterAll(async () => {
    await fleet?.close();
  });

  it('promotes a good commit all the way, halts a bad one in prod wave 2, and rolls it back wave by wave', async () => {
    const { git, rest } = fleet;
    await git.createRepo('web');
    const good = await git.commit('web', { 'deploy/web.yaml': deployment('1.27') }, 'good');
    const token = await rest<{ secret: string }>('POST', '/api/v1/registration-tokens', { description: 'pipeline', maxUses: 9 });
    await fleet.startAgents(
      token.body.secret,
      stages.flatMap((env) => regions.map((region) => ({ name: `${env}-${region}`, labels: { env, region, ...(env === 'prod' && region === 'us' ? { fault: 'crash-loop' } : {}) } }))),
    );
    const applied = await rest<{ application: { revision: number; pipeline: { name: string; waves: { name: string }[] }[]; warnings: unknown[] } }>('PUT', '/api/v1/applications/web', {
      repoUrl: git.repoUrl('web'),
      path: 'deploy',
      stages: pipeline,
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    // Each stage ends with the implicit wave for clusters no declared wave selects.
    expect(applied.body.application.pipeline.map((s) => [s.name, s.waves.map((w) => w.name)])).toEqual([
      ['dev', ['all', 'remaining']],
      ['staging', ['all', 'remaining']],
      ['prod', ['eu', 'us', 'ap', 'remaining']],
    ]);

    // The preview says who gets it, in which order, and how long it takes at least.
    const preview = await rest<{ preview: { stages: { stage: string; waves: { name: string; batches: string[][] }[] }[]; minimumMs: number } }>('POST', '/api/v1/applications/web/preview', { commit: good });
    expect(preview.body.preview.stages.map((s) => [s.stage, s.waves.map((w) => w.batches)])).toEqual([
      ['dev', [[['dev-ap', 'dev-eu', 'dev-us']]]],
      ['staging', [[['staging-ap', 'staging-eu', 'staging-us']]]],
      ['prod', [[['prod-eu']], [['prod-us']], [['prod-ap']]]],
    ]);
    expect(preview.body.preview.minimumMs).toBe(5000);

    // prod cannot be entered before staging has the commit.
    const early = await rest<{ code: string; message: string }>('POST', '/api/v1/promotions', { app: 'web', commit: good, stage: 'prod' });
    expect(early.status).toBe(412);
    expect(early.body.message).toMatch(/prod comes after staging, which has not succeeded/);

    const first = await rest<{ promotion: Promotion }>('POST', '/api/v1/promotions', { app: 'web', commit: good });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const done = await eventually(
      'the good commit through all three stages',
      async () => (await rest<{ promotion: Promotion }>('GET', `/api/v1/promotions/${first.body.promotion.id}`)).body.promotion,
      (p) => !['Progressing', 'Pending'].includes(p.state),
      120_000,
    );
    expect(done.state, done.message).toBe('Succeeded');
    expect(done.stages.map((s) => [s.stage, s.state])).toEqual([['dev', 'Succeeded'], ['staging', 'Succeeded'], ['prod', 'Succeeded']]);
    // Every cluster of dev's wave rendered the same content: one manifest digest, reported three times.
    expect(Object.values(done.stages[0]!.waves[0]!.digests)).toEqual([3]);
    const waveOrder = done.events.filter((e) => e.type === 'WaveStarted').map((e) => e.reason.split(' ').slice(0, 2).join(' '));
    expect(waveOrder).toEqual(['wave all', 'wave all', 'wave eu', 'wave us', 'wave ap']);

    // The bad commit: prod-us crash-loops. It passes dev, staging and prod's first wave, then halts.
    // prod-us carries the label fault=crash-loop; from this commit on the pod template names it (the agent substitutes
    // cluster labels), so the simulator crash-loops the pods there and nowhere else.
    const bad = await git.commit('web', { 'deploy/web.yaml': deployment('1.28', '{ sim.flotilla.dev/fault: "${cluster.labels.fault:=none}" }') }, 'bad');
    const second = await rest<{ promotion: Promotion }>('POST', '/api/v1/promotions', { app: 'web', commit: bad });
    const halted = await eventually(
      'the bad commit halted',
      async () => (await rest<{ promotion: Promotion }>('GET', `/api/v1/promotions/${second.body.promotion.id}`)).body.promotion,
      (p) => !['Progressing', 'Pending'].includes(p.state),
      120_000,
    );
    expect(halted.state, halted.message).toBe('Failed');
    expect(halted.message).toMatch(/^halted: wave us: prod-us /);
    const prodWaves = halted.stages.find((s) => s.stage === 'prod')!.waves.map((w) => [w.name, w.state]);
    expect(prodWaves).toEqual([['eu', 'Succeeded'], ['us', 'Failed'], ['ap', 'Pending']]);
    const commitOn = async (name: string) => (await rest<{ cluster: Cluster }>('GET', `/api/v1/clusters/${name}`)).body.cluster.apps[0]?.observedCommit;
    expect(await commitOn('prod-eu')).toBe(bad);
    // Wave 3 never received it.
    expect(await commitOn('prod-ap')).toBe(good);
    expect(halted.targets.find((t) => t.cluster === 'prod-ap')?.phase).toBe('Pending');

    // A promoter rolls the halted promotion back: every cluster it changed returns to its previous commit.
    const rollback = await rest<{ promotion: Promotion }>('POST', `/api/v1/promotions/${second.body.promotion.id}/rollback`, { reason: 'prod-us crash-loops' });
    expect(rollback.status, JSON.stringify(rollback.body)).toBe(200);
    const rolledBack = await eventually(
      'the rollback',
      async () => (await rest<{ promotion: Promotion }>('GET', `/api/v1/promotions/${second.body.promotion.id}`)).body.promotion,
      (p) => p.state === 'RolledBack',
      120_000,
    );
    expect(rolledBack.message).toMatch(/clusters back on their previous commit/);
    for (const name of ['dev-eu', 'staging-us', 'prod-eu', 'prod-us', 'prod-ap']) {
      await eventually(`${name} back on the good commit`, () => commitOn(name), (c) => c === good);
    }
    // Reverse order: prod's waves first (us before eu), then staging, then dev.
    const reverted = rolledBack.events.filter((e) => e.type === 'RollbackWaveDone').map((e) => e.reason.split(' rolled back')[0]);
    expect(reverted).toEqual(['wave us of stage prod', 'wave eu of stage prod', 'wave all of stage staging', 'wave all of stage dev']);
    const history = await rest<{ stages: Record<string, { commit: string; kind: string }[]> }>('GET', '/api/v1/applications/web/history');
    expect(history.body.stages['staging']?.map((r) => [r.commit, r.kind])).toEqual([[good, 'rollback'], [bad, 'release'], [good, 'release']]);
  }, 400_000);
});
