// The planner's rules, one table row or scenario each, on a fake timeline: waves in order, pacing, bake with relapse,
// tolerance, deadlines, staleness, gates, pause, halt and coordinated rollback, autoPromote, offline skip.
import { describe, expect, it } from 'vitest';
import { NEW, OLD, PlannerSim, pipeline } from './support/planner-sim.js';

const s = 1000;
const m = 60 * s;

function prod(waves: unknown[], extra: Record<string, unknown> = {}) {
  return pipeline([{ name: 'prod', selector: 'env=prod', waves, ...extra }]);
}

function threeRegions(waveExtra: Record<string, unknown> = {}, stageExtra: Record<string, unknown> = {}) {
  const sim = new PlannerSim(
    prod(
      [
        { name: 'eu', selector: 'region=eu', bake: '10m', staleAfter: '1h', ...waveExtra },
        { name: 'us', selector: 'region=us', bake: '10m', staleAfter: '1h', ...waveExtra },
        { name: 'ap', selector: 'region=ap', bake: '10m', staleAfter: '1h', ...waveExtra },
      ],
      stageExtra,
    ),
    'prod',
  );
  for (const r of ['eu', 'us', 'ap']) for (const n of [1, 2]) sim.add(`prod-${r}-${n}`, { env: 'prod', region: r });
  return sim;
}

const healthyAll = (sim: PlannerSim, names: string[]) => names.forEach((n) => sim.report(n, 'Healthy'));

describe('planner', () => {
  it('runs waves strictly in order and pins only the first wave at start', () => {
    const sim = threeRegions();
    sim.step();
    expect(sim.run.state).toBe('Progressing');
    expect(sim.phase('prod', 'eu', 'Updating')).toEqual(['prod-eu-1', 'prod-eu-2']);
    expect(sim.waveState('prod', 'us')).toBe('Pending');
    expect(sim.get('prod-us-1').pin?.commit).toBe(OLD);
    expect(sim.events.map((e) => e.type)).toEqual(['Started', 'StageStarted', 'WaveStarted']);
  });

  it('counts a cluster done only after it stays Healthy for the bake, measured from its first Healthy report', () => {
    const sim = threeRegions();
    sim.step();
    healthyAll(sim, ['prod-eu-1', 'prod-eu-2']);
    const first = sim.step();
    expect(sim.phase('prod', 'eu', 'Baking')).toHaveLength(2);
    expect(first.wakeAt).toBe(sim.now + 10 * m);
    sim.advance(9 * m);
    healthyAll(sim, ['prod-eu-1', 'prod-eu-2']);
    sim.step();
    expect(sim.waveState('prod', 'eu')).toBe('Progressing');
    sim.advance(1 * m);
    sim.step();
    expect(sim.waveState('prod', 'eu')).toBe('Succeeded');
    expect(sim.events.find((e) => e.type === 'WaveSucceeded')?.reason).toBe('wave eu: 2/2 healthy for 10m, advancing');
    expect(sim.phase('prod', 'us', 'Updating')).toEqual(['prod-us-1', 'prod-us-2']);
  });

  it('restarts the bake of a cluster that relapses', () => {
    const sim = threeRegions({ maxUnhealthy: 1, progressDeadline: '30m' });
    sim.step();
    healthyAll(sim, ['prod-eu-1', 'prod-eu-2']);
    sim.step();
    sim.advance(8 * m);
    sim.report('prod-eu-1', 'Progressing');
    sim.step();
    sim.advance(1 * m);
    sim.report('prod-eu-1', 'Healthy');
    sim.heartbeat('prod-eu-2');
    sim.step();
    sim.advance(2 * m);
    sim.heartbeat('prod-eu-1');
    sim.heartbeat('prod-eu-2');
    sim.step();
    // eu-2 baked its 10 minutes; eu-1 healthy again only 2 minutes ago.
    expect(sim.phase('prod', 'eu', 'Done')).toEqual(['prod-eu-2']);
    expect(sim.phase('prod', 'eu', 'Baking')).toEqual(['prod-eu-1']);
    expect(sim.waveState('prod', 'eu')).toBe('Progressing');
  });

  it('never changes more than maxParallel clusters ahead of verification', () => {
    const sim = new PlannerSim(prod([{ name: 'all', maxParallel: 2, bake: '0s' }]), 'prod');
    for (let i = 1; i <= 5; i++) sim.add(`c${i}`, { env: 'prod' });
    sim.step();
    expect(sim.phase('prod', 'all', 'Updating')).toEqual(['c1', 'c2']);
    sim.report('c1', 'Healthy');
    sim.step();
    expect(sim.phase('prod', 'all', 'Updating')).toEqual(['c2', 'c3']);
    expect(sim.phase('prod', 'all', 'Pending')).toEqual(['c4', 'c5']);
  });

  it('halts the stage at once when a cluster of the wave turns Degraded, naming it and why', () => {
    const sim = threeRegions();
    sim.step();
    sim.report('prod-eu-1', 'Healthy');
    sim.report('prod-eu-2', 'Degraded', 'Synced', { message: 'Deployment checkout 0/3 available' });
    sim.step();
    expect(sim.run.state).toBe('Failed');
    expect(sim.run.message).toBe('halted: wave eu: prod-eu-2 Degraded: Deployment checkout 0/3 available');
    expect(sim.get('prod-us-1').pin?.commit).toBe(OLD);
    expect(sim.events.map((e) => e.type).slice(-2)).toEqual(['StageFailed', 'Halted']);
  });

  it('tolerates maxUnhealthy clusters and advances without them', () => {
    const sim = threeRegions({ maxUnhealthy: '50%', bake: '0s', progressDeadline: '5m' });
    sim.step();
    sim.report('prod-eu-1', 'Healthy');
    sim.report('prod-eu-2', 'Degraded', 'Synced', { message: 'pods crash' });
    sim.step();
    expect(sim.run.state).toBe('Progressing');
    // The Degraded one keeps its slot until its deadline, then counts as failed within tolerance.
    sim.advance(5 * m);
    sim.heartbeat('prod-eu-1');
    sim.report('prod-eu-2', 'Degraded', 'Synced', { message: 'pods crash' });
    sim.step();
    expect(sim.waveState('prod', 'eu')).toBe('Succeeded');
    expect(sim.events.find((e) => e.type === 'WaveSucceeded')?.reason).toMatch(/tolerated: prod-eu-2/);
  });

  it.each([
    { name: 'a non-retryable sync failure fails at once', sync: 'Failed' as const, retryable: false, failsAt: 0 },
    { name: 'a retryable sync failure fails only at the progress deadline', sync: 'Failed' as const, retryable: true, failsAt: 10 * m },
    { name: 'a cluster that never gets Healthy fails at the progress deadline', sync: 'Synced' as const, retryable: false, failsAt: 10 * m },
  ])('$name', ({ sync, retryable, failsAt }) => {
    const sim = new PlannerSim(prod([{ name: 'all', bake: '0s' }]), 'prod');
    sim.add('c1', { env: 'prod' });
    sim.step();
    sim.report('c1', sync === 'Failed' ? 'Unknown' : 'Progressing', sync, { retryable, message: 'boom' });
    sim.step();
    if (failsAt > 0) {
      expect(sim.run.state).toBe('Progressing');
      sim.advance(failsAt - 1);
      sim.heartbeat('c1');
      sim.step();
      expect(sim.run.state).toBe('Progressing');
      sim.advance(1);
      sim.heartbeat('c1');
      sim.step();
    }
    expect(sim.run.state).toBe('Failed');
  });

  it('counts a cluster that goes silent as Unknown once past its staleness limit', () => {
    const sim = new PlannerSim(prod([{ name: 'all', bake: '10m', staleAfter: '1m' }]), 'prod');
    sim.add('c1', { env: 'prod' });
    sim.step();
    sim.report('c1', 'Healthy');
    const r = sim.step();
    expect(r.wakeAt).toBe(sim.now + 1 * m + 1);
    sim.advance(1 * m + 1);
    sim.step();
    expect(sim.run.state).toBe('Failed');
    expect(sim.run.message).toMatch(/c1 Unknown: silent for 1m/);
  });

  it('keeps watching waves that succeeded: a relapse there fails the stage', () => {
    const sim = threeRegions({ bake: '0s', staleAfter: '1h' });
    sim.step();
    healthyAll(sim, ['prod-eu-1', 'prod-eu-2']);
    sim.step();
    expect(sim.waveState('prod', 'eu')).toBe('Succeeded');
    sim.report('prod-eu-1', 'Degraded', 'Synced', { message: 'OOMKilled' });
    sim.step();
    expect(sim.run.state).toBe('Failed');
    expect(sim.run.message).toMatch(/wave eu no longer healthy: prod-eu-1 Degraded: OOMKilled/);
    expect(sim.get('prod-ap-1').pin?.commit).toBe(OLD);
  });

  it('waits at an approval gate, proceeds on approve, and fails on reject, recording who and why', () => {
    const spec = prod([{ name: 'eu', selector: 'region=eu', bake: '0s' }, { name: 'us', selector: 'region=us', bake: '0s', approval: true }]);
    const sim = new PlannerSim(spec, 'prod');
    sim.add('eu-1', { env: 'prod', region: 'eu' });
    sim.add('us-1', { env: 'prod', region: 'us' });
    sim.step();
    sim.report('eu-1', 'Healthy');
    sim.step();
    expect(sim.run.state).toBe('WaitingApproval');
    expect(sim.get('us-1').pin?.commit).toBe(OLD);
    sim.command('approve', { reason: 'looks good', stage: 'prod' });
    sim.step();
    expect(sim.get('us-1').pin?.commit).toBe(NEW);
    expect(sim.events.find((e) => e.type === 'Approved')?.reason).toBe('stage prod wave us approved by alice: looks good');

    const rejected = new PlannerSim(pipeline([{ name: 'prod', approval: true }]), 'prod');
    rejected.add('c1', {});
    rejected.step();
    expect(rejected.run.state).toBe('WaitingApproval');
    rejected.command('reject', { reason: 'change freeze' });
    rejected.step();
    expect(rejected.run.state).toBe('Failed');
    expect(rejected.run.message).toBe('rejected at stage prod by alice: change freeze');
  });

  it('pauses without pinning more clusters, and resumes', () => {
    const sim = new PlannerSim(prod([{ name: 'all', maxParallel: 1, bake: '0s' }]), 'prod');
    sim.add('c1', { env: 'prod' });
    sim.add('c2', { env: 'prod' });
    sim.step();
    sim.command('pause', { reason: 'lunch' });
    sim.report('c1', 'Healthy');
    sim.step();
    expect(sim.run.state).toBe('Paused');
    expect(sim.get('c2').pin?.commit).toBe(OLD);
    sim.command('resume');
    sim.step();
    expect(sim.get('c2').pin?.commit).toBe(NEW);
  });

  it('rolls back every cluster it changed, waves in reverse order, paced, when the stage says rollback', () => {
    const sim = threeRegions({ bake: '0s' }, { onFailure: 'rollback' });
    sim.step();
    healthyAll(sim, ['prod-eu-1', 'prod-eu-2']);
    sim.step();
    sim.report('prod-us-1', 'Healthy');
    sim.report('prod-us-2', 'Degraded', 'Synced', { message: 'bad' });
    sim.step();
    expect(sim.run.state).toBe('RollingBack');
    // Wave us is reverted first; eu waits its turn.
    expect(sim.get('prod-us-1').pin?.commit).toBe(OLD);
    expect(sim.get('prod-eu-1').pin?.commit).toBe(NEW);
    sim.report('prod-us-1', 'Healthy');
    sim.report('prod-us-2', 'Healthy');
    sim.step();
    expect(sim.get('prod-eu-1').pin?.commit).toBe(OLD);
    healthyAll(sim, ['prod-eu-1', 'prod-eu-2']);
    sim.step();
    expect(sim.run.state).toBe('RolledBack');
    for (const c of sim.clusters.values()) expect(c.pin?.commit).toBe(OLD);
    expect(sim.run.message).toMatch(/4\/4 clusters back on their previous commit/);
  });

  it('carries a succeeded commit into downstream stages with autoPromote, and releases each stage', () => {
    const spec = pipeline([
      { name: 'dev', selector: 'env=dev', waves: [{ name: 'all', bake: '0s' }] },
      { name: 'staging', after: ['dev'], autoPromote: true, selector: 'env=staging', waves: [{ name: 'all', bake: '0s' }] },
      { name: 'prod', after: ['staging'], selector: 'env=prod' },
    ]);
    const sim = new PlannerSim(spec, 'dev');
    sim.add('dev-1', { env: 'dev' });
    sim.add('stg-1', { env: 'staging' });
    sim.add('prod-1', { env: 'prod' });
    sim.step();
    sim.report('dev-1', 'Healthy');
    sim.step();
    expect(sim.succeeded['dev']).toEqual([NEW]);
    expect(sim.get('stg-1').pin?.commit).toBe(NEW);
    sim.report('stg-1', 'Healthy');
    sim.step();
    expect(sim.run.state).toBe('Succeeded');
    // prod has no autoPromote: it waits for its own promotion.
    expect(sim.get('prod-1').pin?.commit).toBe(OLD);
    expect(sim.events.filter((e) => e.type === 'AutoPromoted').map((e) => e.stage)).toEqual(['staging']);
  });

  it('skips a cluster offline at wave start when the wave says offline: skip, and gives it the commit once the stage succeeds', () => {
    const sim = new PlannerSim(prod([{ name: 'all', bake: '0s', offline: 'skip', staleAfter: '1m' }]), 'prod');
    sim.add('up', { env: 'prod' });
    const down = sim.add('down', { env: 'prod' });
    down.lastSeenAt = sim.now - 5 * m;
    sim.step();
    expect(sim.phase('prod', 'all', 'Skipped')).toEqual(['down']);
    sim.report('up', 'Healthy');
    sim.step();
    expect(sim.run.state).toBe('Succeeded');
    expect(sim.get('down').pin?.commit).toBe(NEW);
  });

  it('drops a cluster that leaves while healthy, and keeps as a failure one that leaves while unhealthy', () => {
    const sim = new PlannerSim(prod([{ name: 'all', bake: '10m', maxUnhealthy: 0 }]), 'prod');
    sim.add('a', { env: 'prod' });
    sim.add('b', { env: 'prod' });
    sim.step();
    sim.report('a', 'Healthy');
    sim.report('b', 'Progressing');
    sim.step();
    sim.get('a').labels = { env: 'staging' };
    sim.step();
    expect(sim.phase('prod', 'all', 'Dropped')).toEqual(['a']);
    sim.report('b', 'Degraded', 'Synced', { message: 'crash' });
    sim.get('b').live = false;
    sim.step();
    expect(sim.run.state).toBe('Failed');
    expect(sim.run.message).toMatch(/b was revoked while unhealthy: Degraded: crash/);
  });
});
