// Invariants of the planner over random fleets, health sequences and timings (fast-check): waves in order, pacing,
// no advance past unhealthy clusters beyond tolerance, no commit ahead of its wave, and rollbacks that end where the
// promotion started.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveQuantity } from '../src/rollout/pipeline/spec.js';
import type { HealthState } from '../src/rollout/planner/index.js';
import { NEW, OLD, PlannerSim, pipeline } from './support/planner-sim.js';

const healths: HealthState[] = ['Healthy', 'Healthy', 'Healthy', 'Progressing', 'Degraded'];

const scenario = fc.record({
  sizes: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
  maxParallel: fc.integer({ min: 1, max: 3 }),
  maxUnhealthy: fc.integer({ min: 0, max: 1 }),
  bakeS: fc.integer({ min: 0, max: 5 }),
  onFailure: fc.constantFrom('halt', 'rollback'),
  steps: fc.array(
    fc.record({
      advanceS: fc.integer({ min: 0, max: 8 }),
      reports: fc.array(fc.tuple(fc.nat(), fc.constantFrom(...healths)), { maxLength: 6 }),
    }),
    { minLength: 1, maxLength: 30 },
  ),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function build(s: Scenario) {
  const waves = s.sizes.map((_, i) => ({ name: `w${i}`, selector: `wave=w${i}`, maxParallel: s.maxParallel, maxUnhealthy: s.maxUnhealthy, bake: `${s.bakeS}s`, progressDeadline: '40s', staleAfter: '1h' }));
  const sim = new PlannerSim(pipeline([{ name: 'prod', onFailure: s.onFailure, waves }]), 'prod');
  const names: string[] = [];
  s.sizes.forEach((n, w) => {
    for (let i = 0; i < n; i++) {
      const name = `c${w}-${i}`;
      sim.add(name, { wave: `w${w}` });
      names.push(name);
    }
  });
  return { sim, names };
}

function checkInvariants(sim: PlannerSim, s: { maxParallel: number; maxUnhealthy: number }): void {
  const stage = sim.run.stages[0];
  if (!stage) return;
  const rollingBack = sim.run.state === 'RollingBack' || sim.run.state === 'RolledBack';
  stage.waves.forEach((wave, i) => {
    // A wave starts only after every earlier wave succeeded.
    if (wave.state !== 'Pending') for (const earlier of stage.waves.slice(0, i)) expect(earlier.state, `${wave.name} started before ${earlier.name}`).toBe('Succeeded');
    // Never more than maxParallel changed ahead of verification.
    const inFlight = wave.targets.filter((t) => t.phase === 'Updating' || t.phase === 'Baking').length;
    expect(inFlight).toBeLessThanOrEqual(resolveQuantity({ count: s.maxParallel }, wave.targets.length, true));
    // A wave that has not started has changed nobody (unless a rollback is moving clusters back).
    if (wave.state === 'Pending' && !rollingBack) for (const t of wave.targets) expect(sim.get(t.cluster).pin?.commit).toBe(OLD);
  });
  // While the stage goes on, every succeeded wave is within its tolerance.
  if (sim.run.state === 'Progressing') {
    for (const wave of stage.waves.filter((w) => w.state === 'Succeeded')) {
      const bad = wave.targets.filter((t) => t.phase === 'Failed' || (t.unhealthy && ['Updating', 'Baking', 'Done'].includes(t.phase))).length;
      expect(bad).toBeLessThanOrEqual(s.maxUnhealthy);
    }
  }
}

describe('planner invariants', () => {
  it('holds for random fleets, health sequences and timings', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { sim, names } = build(s);
        sim.step();
        checkInvariants(sim, s);
        for (const step of s.steps) {
          sim.advance(step.advanceS * 1000);
          for (const [i, health] of step.reports) sim.report(names[i % names.length]!, health);
          sim.step();
          checkInvariants(sim, s);
        }
        // Afterwards the fleet settles: every agent reports Healthy on what it runs, until the promotion ends.
        for (let i = 0; i < 40 && !['Succeeded', 'Failed', 'RolledBack'].includes(sim.run.state); i++) {
          sim.advance(10_000);
          for (const n of names) sim.report(n, 'Healthy');
          sim.step();
          checkInvariants(sim, s);
        }
        expect(['Succeeded', 'Failed', 'RolledBack']).toContain(sim.run.state);
        if (sim.run.state === 'Succeeded') for (const n of names) expect(sim.get(n).pin?.commit).toBe(NEW);
        // A rollback leaves every cluster the promotion touched on its previous commit.
        if (sim.run.state === 'RolledBack') for (const n of names) expect(sim.get(n).pin?.commit).toBe(OLD);
        if (s.onFailure === 'rollback') expect(sim.run.state).not.toBe('Failed');
      }),
      { numRuns: 300, seed: 20261203 },
    );
  });

  it('never gives a commit to a downstream stage before its upstream stage succeeded with it', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom<HealthState>('Healthy', 'Degraded', 'Progressing'), { minLength: 1, maxLength: 20 }), (sequence) => {
        const sim = new PlannerSim(
          pipeline([
            { name: 'dev', selector: 'env=dev', waves: [{ name: 'all', bake: '2s', staleAfter: '1h' }] },
            { name: 'prod', after: ['dev'], autoPromote: true, selector: 'env=prod', waves: [{ name: 'all', bake: '0s', staleAfter: '1h' }] },
          ]),
          'dev',
        );
        sim.add('dev-1', { env: 'dev' });
        sim.add('prod-1', { env: 'prod' });
        sim.step();
        for (const health of sequence) {
          sim.advance(1000);
          sim.report('dev-1', health);
          sim.step();
          if (sim.get('prod-1').pin?.commit === NEW) expect(sim.succeeded['dev'] ?? []).toContain(NEW);
        }
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
