// The planner's rules as a table, and the invariant that nothing succeeds on statuses that do not speak for it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countsFor, plan } from './index.js';
import type { HealthState, PlannedPromotion, PromotionState, ReportedStatus, SyncState } from './index.js';

const C = 'c0ffee0000000000000000000000000000000000';
const OLD = '0ld0000000000000000000000000000000000000'.replace(/[^0-9a-f]/g, '0');
const now = new Date('2026-03-01T12:00:00Z');

function promotion(state: PromotionState = 'Progressing', clusters = ['eu', 'us', 'ap']): PlannedPromotion {
  return {
    id: 'p1',
    app: 'shop',
    commit: C,
    state,
    message: '',
    targets: clusters.map((name, i) => ({ clusterId: `id-${name}`, clusterName: name, generation: 5 + i })),
  };
}

function reported(generation: number, sync: SyncState, health: HealthState, commit = C, syncError = ''): ReportedStatus {
  return { observedGeneration: generation, observedCommit: commit, sync, syncError, health, healthMessage: '' };
}

const healthy = (g: number) => reported(g, 'Synced', 'Healthy');

describe('plan', () => {
  const table: { name: string; statuses: [string, ReportedStatus][]; state: PromotionState; message: string }[] = [
    { name: 'no reports yet', statuses: [], state: 'Progressing', message: '0/3 clusters Synced and Healthy at c0ffee0' },
    {
      name: 'some targets done',
      statuses: [['id-eu', healthy(5)], ['id-us', healthy(6)]],
      state: 'Progressing',
      message: '2/3 clusters Synced and Healthy at c0ffee0',
    },
    {
      name: 'every target Synced and Healthy at its generation',
      statuses: [['id-eu', healthy(5)], ['id-us', healthy(6)], ['id-ap', healthy(7)]],
      state: 'Succeeded',
      message: '3/3 clusters Synced and Healthy at c0ffee0: succeeded',
    },
    {
      name: 'a later generation at the same commit still counts',
      statuses: [['id-eu', healthy(9)], ['id-us', healthy(6)], ['id-ap', healthy(8)]],
      state: 'Succeeded',
      message: '3/3 clusters Synced and Healthy at c0ffee0: succeeded',
    },
    {
      name: 'an older generation does not count',
      statuses: [['id-eu', healthy(4)], ['id-us', healthy(6)], ['id-ap', healthy(7)]],
      state: 'Progressing',
      message: '2/3 clusters Synced and Healthy at c0ffee0',
    },
    {
      name: 'another commit does not count',
      statuses: [['id-eu', reported(5, 'Synced', 'Healthy', OLD)], ['id-us', healthy(6)], ['id-ap', healthy(7)]],
      state: 'Progressing',
      message: '2/3 clusters Synced and Healthy at c0ffee0',
    },
    {
      name: 'Synced but still Progressing health',
      statuses: [['id-eu', reported(5, 'Synced', 'Progressing')], ['id-us', healthy(6)], ['id-ap', healthy(7)]],
      state: 'Progressing',
      message: '2/3 clusters Synced and Healthy at c0ffee0',
    },
    {
      name: 'a sync failure at the generation asked',
      statuses: [['id-eu', healthy(5)], ['id-us', reported(6, 'Failed', 'Unknown', C, 'manifest deploy/a.yaml: missing kind')]],
      state: 'Failed',
      message: 'us Failed: manifest deploy/a.yaml: missing kind',
    },
    {
      name: 'a sync failure of an older generation is history, not a verdict',
      statuses: [['id-us', reported(5, 'Failed', 'Unknown', C, 'old error')]],
      state: 'Progressing',
      message: '0/3 clusters Synced and Healthy at c0ffee0',
    },
  ];

  it.each(table)('$name -> $state', ({ statuses, state, message }) => {
    const result = plan(promotion(), new Map(statuses), now);
    expect(result.state).toBe(state);
    expect(result.message).toBe(message);
    if (state === 'Progressing') expect(result.events).toEqual([]);
    else expect(result.events).toEqual([{ at: now, type: state, reason: message }]);
  });

  it('names every failed cluster', () => {
    const result = plan(
      promotion(),
      new Map([
        ['id-eu', reported(5, 'Failed', 'Unknown', C, 'git: repository not found')],
        ['id-ap', reported(7, 'Failed', 'Degraded', C, 'apply: Deployment web rejected')],
      ]),
      now,
    );
    expect(result.message).toBe('eu Failed: git: repository not found; ap Failed: apply: Deployment web rejected');
  });

  it('succeeds a promotion without targets, saying why', () => {
    const result = plan(promotion('Progressing', []), new Map(), now);
    expect(result.state).toBe('Succeeded');
    expect(result.message).toMatch(/no cluster matches/);
  });

  it('starts a Pending promotion by writing the commit into every target desired state', () => {
    const pending = promotion('Pending');
    const fresh = { ...pending, targets: pending.targets.map((t) => ({ ...t, generation: null })) };
    // Even statuses that look finished do not count before the commit has been written.
    const result = plan(fresh, new Map([['id-eu', healthy(99)]]), now);
    expect(result).toEqual({
      state: 'Progressing',
      message: 'rolling out c0ffee0 to 3 clusters (eu, us, ap)',
      actions: [{ type: 'WriteDesiredState', clusterIds: ['id-eu', 'id-us', 'id-ap'] }],
      events: [{ at: now, type: 'Started', reason: 'rolling out c0ffee0 to 3 clusters (eu, us, ap)' }],
    });
  });

  it('announces a Pending promotion whose targets are already written', () => {
    const result = plan(promotion('Pending'), new Map(), now);
    expect(result.state).toBe('Progressing');
    expect(result.events.map((e) => e.type)).toEqual(['Progressing']);
  });

  it.each(['Succeeded', 'Failed', 'Superseded', 'Aborted', 'RolledBack'] as const)('never moves a %s promotion', (state) => {
    const all = new Map([['id-eu', reported(5, 'Failed', 'Degraded', C, 'x')]]);
    expect(plan(promotion(state), all, now)).toEqual({ state, message: '', actions: [], events: [] });
  });
});

describe('plan (properties)', () => {
  const syncs: SyncState[] = ['Unknown', 'Synced', 'OutOfSync', 'Failed'];
  const healths: HealthState[] = ['Unknown', 'Healthy', 'Progressing', 'Degraded', 'Missing', 'Suspended'];
  const statusArb = fc.option(
    fc.record({
      generationDelta: fc.integer({ min: -2, max: 2 }),
      sameCommit: fc.boolean(),
      sync: fc.constantFrom(...syncs),
      health: fc.constantFrom(...healths),
    }),
    { nil: undefined },
  );

  it('never reports Succeeded unless every target reported Synced and Healthy at its generation and the commit', () => {
    fc.assert(
      fc.property(fc.array(statusArb, { minLength: 1, maxLength: 8 }), fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), (reports, unwritten) => {
        const base = promotion('Progressing', reports.map((_, i) => `c${i}`));
        // Some targets may not have had the commit written into their desired state yet.
        const p = { ...base, targets: base.targets.map((t, i) => (unwritten[i] ? { ...t, generation: null } : t)) };
        const statuses = new Map<string, ReportedStatus>();
        reports.forEach((r, i) => {
          const target = p.targets[i]!;
          if (r) statuses.set(target.clusterId, reported((target.generation ?? 0) + r.generationDelta, r.sync, r.health, r.sameCommit ? C : OLD));
        });
        const result = plan(p, statuses, now);
        const allDone = p.targets.every((t) => {
          const s = statuses.get(t.clusterId);
          return countsFor(t, C, s) && s.sync === 'Synced' && s.health === 'Healthy';
        });
        if (result.state === 'Succeeded') expect(allDone).toBe(true);
        if (allDone) expect(result.state).toBe('Succeeded');
        if (result.state === 'Failed') {
          expect(p.targets.some((t) => countsFor(t, C, statuses.get(t.clusterId)) && statuses.get(t.clusterId)?.sync === 'Failed')).toBe(true);
        }
      }),
    );
  });

  it('is deterministic and never writes an event without a decision', () => {
    fc.assert(
      fc.property(fc.array(statusArb, { minLength: 0, maxLength: 5 }), (reports) => {
        const p = promotion('Progressing', reports.map((_, i) => `c${i}`));
        const statuses = new Map<string, ReportedStatus>();
        reports.forEach((r, i) => {
          if (r) statuses.set(p.targets[i]!.clusterId, reported((p.targets[i]!.generation ?? 0) + r.generationDelta, r.sync, r.health));
        });
        const first = plan(p, statuses, now);
        expect(plan(p, statuses, now)).toEqual(first);
        expect(first.events.length > 0).toBe(first.state !== 'Progressing');
        expect(first.actions).toEqual([]);
      }),
    );
  });
});
