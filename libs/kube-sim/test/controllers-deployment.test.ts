import { describe, expect, it } from 'vitest';
import { condition, deployment, eventsFor, newSim, status } from './controllers-helpers.js';

describe('Deployment controller', () => {
  it('creates a ReplicaSet and pods, and reports the Deployment Available with the real status fields', () => {
    const sim = newSim();
    sim.apply(deployment('web'));
    const before = sim.get('Deployment', 'web');
    expect(status(before)).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, unavailableReplicas: 3 });
    expect(condition(before, 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' });
    expect(condition(before, 'Progressing')).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });

    sim.advance(1);
    const d = sim.get('Deployment', 'web');
    const [rs] = sim.list('ReplicaSet', 'default');
    const hash = rs!.metadata.labels!['pod-template-hash'];
    expect(rs!.metadata.name).toBe(`web-${hash}`);
    expect(rs!.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4' });
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect(status(d)).toEqual({
      observedGeneration: 1,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: '2026-01-01T00:00:01Z', lastTransitionTime: '2026-01-01T00:00:01Z' },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "web-${hash}" has successfully progressed.`, lastUpdateTime: '2026-01-01T00:00:01Z', lastTransitionTime: '2026-01-01T00:00:00Z' },
      ],
    });
    const pods = sim.list('Pod', 'default');
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
      expect(status(p).phase).toBe('Running');
      expect(condition(p, 'Ready')).toMatchObject({ status: 'True' });
      expect((status(p).containerStatuses as unknown[])[0]).toMatchObject({ name: 'app', image: 'docker.io/library/nginx:1.27', ready: true, started: true, restartCount: 0, state: { running: { startedAt: '2026-01-01T00:00:01Z' } } });
    }
  });

  it('follows a spec change: generation bumps, observedGeneration follows, pods move to the new ReplicaSet', () => {
    const sim = newSim();
    sim.apply(deployment('web'));
    sim.advance(1);
    const d1 = sim.get('Deployment', 'web');
    sim.apply(deployment('web', 3, { image: 'nginx:1.28' }));
    const d2 = sim.get('Deployment', 'web');
    expect(d2.metadata.generation).toBe((d1.metadata.generation ?? 0) + 1);
    expect(status(d2).observedGeneration).toBe(d2.metadata.generation);
    expect(condition(d2, 'Progressing')).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });
    // maxSurge 25% of 3 = 1 and maxUnavailable 0: one new pod at a time, an old one goes once it is available.
    expect(sim.list('ReplicaSet', 'default').map((rs) => (rs.spec as { replicas: number }).replicas).sort()).toEqual([1, 3]);
    for (let i = 0; i < 10; i++) sim.advance(1);
    const done = sim.get('Deployment', 'web');
    expect(done.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(status(done)).toMatchObject({ replicas: 3, updatedReplicas: 3, availableReplicas: 3, readyReplicas: 3 });
    expect(condition(done, 'Progressing')).toMatchObject({ reason: 'NewReplicaSetAvailable' });
    const rsets = sim.list('ReplicaSet', 'default');
    const newRs = rsets.find((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'] === '2')!;
    const oldRs = rsets.find((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'] === '1')!;
    expect((oldRs.spec as { replicas: number }).replicas).toBe(0);
    const pods = sim.list('Pod', 'default');
    expect(pods).toHaveLength(3);
    expect(pods.every((p) => p.metadata.labels?.['pod-template-hash'] === newRs.metadata.labels?.['pod-template-hash'])).toBe(true);
    expect(pods.every((p) => ((p.spec as { containers: { image: string }[] }).containers[0]!.image) === 'nginx:1.28')).toBe(true);
  });

  it('waits minReadySeconds before counting pods available', () => {
    const sim = newSim();
    sim.apply(deployment('slow', 2, { spec: { minReadySeconds: 5 } }));
    sim.advance(1);
    expect(status(sim.get('Deployment', 'slow'))).toMatchObject({ readyReplicas: 2, unavailableReplicas: 2 });
    expect(status(sim.get('Deployment', 'slow')).availableReplicas).toBeUndefined();
    sim.advance(6);
    expect(status(sim.get('Deployment', 'slow'))).toMatchObject({ readyReplicas: 2, availableReplicas: 2 });
    expect(condition(sim.get('Deployment', 'slow'), 'Available')).toMatchObject({ status: 'True' });
  });

  it('scales down and deletes pods of a Recreate deployment before starting new ones', () => {
    const sim = newSim();
    sim.apply(deployment('db', 2, { spec: { strategy: { type: 'Recreate' } } }));
    sim.advance(1);
    sim.apply(deployment('db', 2, { image: 'postgres:17', spec: { strategy: { type: 'Recreate' } } }));
    const pods = sim.list('Pod', 'default');
    expect(pods.every((p) => ((p.spec as { containers: { image: string }[] }).containers[0]!.image) === 'postgres:17')).toBe(true);
    sim.advance(1);
    expect(condition(sim.get('Deployment', 'db'), 'Available')).toMatchObject({ status: 'True' });
  });

  it('deleting a Deployment removes its ReplicaSets and pods', () => {
    const sim = newSim();
    sim.apply(deployment('gone'));
    sim.advance(1);
    sim.store.delete({ group: 'apps', kind: 'Deployment' }, 'default', 'gone');
    sim.controllers.settle();
    expect(sim.list('ReplicaSet', 'default')).toHaveLength(0);
    expect(sim.list('Pod', 'default')).toHaveLength(0);
  });

  it('writes nothing once settled: a steady cluster costs no work as time passes', () => {
    const sim = newSim();
    sim.apply(deployment('web'));
    sim.advance(2);
    const rv = sim.store.resourceVersion();
    sim.advance(3600);
    expect(sim.store.resourceVersion()).toBe(rv);
    expect(sim.controllers.errors.size).toBe(0);
  });

  it('is deterministic: the same writes and clock steps give the same names and states', () => {
    const run = () => {
      const sim = newSim();
      sim.apply(deployment('web'));
      sim.advance(1);
      sim.apply(deployment('web', 3, { image: 'nginx:1.28' }));
      sim.advance(1);
      return sim.list('Pod', 'default').map((p) => `${p.metadata.name} ${(p.spec as { nodeName: string }).nodeName} ${status(p).phase} ${status(p).podIP}`);
    };
    expect(run()).toEqual(run());
  });

  it('scales up and down without a new ReplicaSet', () => {
    const sim = newSim();
    sim.apply(deployment('web', 3));
    sim.advance(1);
    sim.apply(deployment('web', 5));
    sim.advance(1);
    expect(status(sim.get('Deployment', 'web'))).toMatchObject({ replicas: 5, availableReplicas: 5, updatedReplicas: 5 });
    sim.apply(deployment('web', 1));
    expect(sim.list('Pod', 'default')).toHaveLength(1);
    expect(sim.list('ReplicaSet', 'default')).toHaveLength(1);
    expect(status(sim.get('Deployment', 'web'))).toMatchObject({ replicas: 1, availableReplicas: 1 });
  });

  it('records the events kubectl describe shows for a rollout', () => {
    const sim = newSim();
    sim.apply(deployment('web', 2));
    sim.advance(1);
    sim.apply(deployment('web', 2, { image: 'nginx:1.28' }));
    for (let i = 0; i < 5; i++) sim.advance(1);
    const [oldRs, newRs] = sim.list('ReplicaSet', 'default').sort((a, b) => Number(a.metadata.annotations?.['deployment.kubernetes.io/revision']) - Number(b.metadata.annotations?.['deployment.kubernetes.io/revision']));
    const events = eventsFor(sim, 'Deployment', 'web');
    expect(events).toContain(`ScalingReplicaSet: Scaled up replica set ${oldRs!.metadata.name} from 0 to 2 (1)`);
    expect(events).toContain(`ScalingReplicaSet: Scaled up replica set ${newRs!.metadata.name} from 0 to 1 (1)`);
    expect(events).toContain(`ScalingReplicaSet: Scaled down replica set ${oldRs!.metadata.name} from 2 to 1 (1)`);
    const pod = sim.list('Pod', 'default')[0]!;
    expect(eventsFor(sim, 'Pod', pod.metadata.name!).sort()).toEqual([`Scheduled: Successfully assigned default/${pod.metadata.name} to ${(pod.spec as { nodeName: string }).nodeName} (1)`, 'Started: Started container app (1)']);
  });
});
