import { describe, expect, it } from 'vitest';
import { FAULT_ANNOTATION, FaultError, FaultRegistry } from '../src/faults/index.js';
import { condition, containerState, deployment, eventsFor, newSim, status } from './controllers-helpers.js';

describe('object faults show up in status the way real controllers show them', () => {
  it('crash-loop (annotation on the pod template): CrashLoopBackOff, growing restartCount, never Available', () => {
    const sim = newSim();
    const d = deployment('crashy', 2);
    (d.spec as { template: { metadata: Record<string, unknown> } }).template.metadata.annotations = { [FAULT_ANNOTATION]: 'crash-loop' };
    sim.apply(d);
    sim.advance(1);
    const pod = sim.list('Pod', 'default')[0]!;
    expect(status(pod).phase).toBe('Running');
    const cs = containerState(pod);
    expect(cs).toMatchObject({ ready: false, started: false, restartCount: 1, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error' } } });
    expect((cs.state as { waiting: { message: string } }).waiting.message).toBe(`back-off 10s restarting failed container=app pod=${pod.metadata.name}_default(${pod.metadata.uid})`);
    expect(condition(pod, 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' });
    sim.advance(10);
    sim.advance(20);
    expect(containerState(sim.get('Pod', pod.metadata.name!)).restartCount).toBe(3);
    expect(eventsFor(sim, 'Pod', pod.metadata.name!)).toContain(`BackOff: Back-off restarting failed container app in pod ${pod.metadata.name}_default(${pod.metadata.uid}) (3)`);
    const dep = sim.get('Deployment', 'crashy');
    expect(condition(dep, 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
    expect(status(dep).availableReplicas).toBeUndefined();
  });

  it('oom-kill: the container is killed with 137 OOMKilled and restarts into CrashLoopBackOff; a Job pod fails with it', () => {
    const sim = newSim();
    sim.apply(deployment('hungry', 1));
    sim.advance(1);
    sim.controllers.faults.inject({ kind: 'Deployment', namespace: 'default', name: 'hungry', fault: 'oom-kill' });
    sim.controllers.settle();
    const pod = sim.list('Pod', 'default')[0]!;
    expect(containerState(pod)).toMatchObject({ ready: false, restartCount: 1, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } });
    expect(condition(sim.get('Deployment', 'hungry'), 'Available')).toMatchObject({ status: 'False' });
  });

  it('crash-loop injected through the registry on a running Deployment, then cleared: pods recover', () => {
    const sim = newSim();
    sim.apply(deployment('web', 1));
    sim.advance(1);
    sim.controllers.faults.inject({ kind: 'Deployment', namespace: 'default', name: 'web', fault: 'crash-loop' });
    sim.controllers.settle();
    const pod = sim.list('Pod', 'default')[0]!;
    expect(containerState(pod)).toMatchObject({ restartCount: 1, state: { waiting: { reason: 'CrashLoopBackOff' } } });
    expect(condition(sim.get('Deployment', 'web'), 'Available')).toMatchObject({ status: 'False' });
    sim.controllers.faults.clear({ kind: 'Deployment', namespace: 'default', name: 'web', fault: 'crash-loop' });
    sim.controllers.settle();
    expect(containerState(sim.get('Pod', pod.metadata.name!))).toMatchObject({ ready: true, restartCount: 1, state: { running: {} } });
    expect(condition(sim.get('Deployment', 'web'), 'Available')).toMatchObject({ status: 'True' });
  });

  it('crash-loop annotated on a running Deployment (kubectl annotate) reaches its pods, and removing it heals them', () => {
    const sim = newSim();
    sim.apply(deployment('web', 2));
    sim.advance(1);
    sim.apply(deployment('web', 2, { annotations: { [FAULT_ANNOTATION]: 'crash-loop' } }));
    expect(sim.list('Pod', 'default').map((p) => (containerState(p).state as Record<string, { reason?: string }>).waiting?.reason)).toEqual(['CrashLoopBackOff', 'CrashLoopBackOff']);
    expect(condition(sim.get('Deployment', 'web'), 'Available')).toMatchObject({ status: 'False' });
    sim.apply(deployment('web', 2));
    expect(sim.list('Pod', 'default').map((p) => containerState(p).ready)).toEqual([true, true]);
    expect(condition(sim.get('Deployment', 'web'), 'Available')).toMatchObject({ status: 'True' });
  });

  it('image-pull: ErrImagePull, then ImagePullBackOff, pod stays Pending', () => {
    const sim = newSim();
    sim.apply(deployment('badimg', 1, { image: 'nginx:doesnotexist' }));
    sim.controllers.faults.inject({ kind: 'Deployment', namespace: 'default', name: 'badimg', fault: 'image-pull' });
    sim.advance(1);
    let pod = sim.list('Pod', 'default')[0]!;
    expect(status(pod).phase).toBe('Pending');
    expect(containerState(pod)).toMatchObject({ ready: false, restartCount: 0, state: { waiting: { reason: 'ErrImagePull' } } });
    sim.advance(1);
    pod = sim.get('Pod', pod.metadata.name!);
    expect(containerState(pod)).toMatchObject({ state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nginx:doesnotexist"' } } });
  });

  it('a rollout that cannot progress turns Progressing=False ProgressDeadlineExceeded after progressDeadlineSeconds', () => {
    const sim = newSim();
    sim.apply(deployment('stuck', 2, { annotations: { [FAULT_ANNOTATION]: 'unschedulable' }, spec: { progressDeadlineSeconds: 30 } }));
    const pod = sim.list('Pod', 'default')[0]!;
    expect(status(pod).phase).toBe('Pending');
    expect(condition(pod, 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable' });
    sim.advance(29);
    expect(condition(sim.get('Deployment', 'stuck'), 'Progressing')).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });
    sim.advance(3);
    const d = sim.get('Deployment', 'stuck');
    const rs = sim.list('ReplicaSet', 'default')[0]!;
    expect(condition(d, 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rs.metadata.name}" has timed out progressing.` });
    expect(condition(d, 'Available')).toMatchObject({ status: 'False' });
  });

  it('a crash-looping rollout also ends in ProgressDeadlineExceeded', () => {
    const sim = newSim();
    sim.apply(deployment('web', 2, { spec: { progressDeadlineSeconds: 60 } }));
    sim.advance(1);
    sim.controllers.faults.inject({ kind: 'Deployment', namespace: 'default', name: 'web', fault: 'crash-loop' });
    sim.apply(deployment('web', 2, { image: 'nginx:broken', spec: { progressDeadlineSeconds: 60 } }));
    for (let i = 0; i < 7; i++) sim.advance(10);
    const d = sim.get('Deployment', 'web');
    expect(condition(d, 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    expect(status(d)).toMatchObject({ updatedReplicas: 1, replicas: 3 });
  });

  it('pvc-pending: the claim stays Pending while unfaulted claims bind', () => {
    const sim = newSim();
    const pvc = (name: string, annotations?: Record<string, string>) => ({
      apiVersion: 'v1', kind: 'PersistentVolumeClaim',
      metadata: { name, namespace: 'default', ...(annotations ? { annotations } : {}) },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    sim.apply(pvc('data-held', { [FAULT_ANNOTATION]: 'pvc-pending' }));
    sim.apply(pvc('data-ok'));
    sim.advance(5);
    expect(status(sim.get('PersistentVolumeClaim', 'data-held')).phase).toBe('Pending');
    expect(status(sim.get('PersistentVolumeClaim', 'data-ok')).phase).toBe('Bound');
  });
});

describe('API server faults', () => {
  it('api-unavailable answers every request with the 503 ServiceUnavailable Status until cleared', () => {
    const faults = new FaultRegistry();
    expect(faults.beforeRequest({ method: 'GET', path: '/api/v1/pods' })).toBeUndefined();
    faults.inject({ fault: 'api-unavailable' });
    expect(faults.beforeRequest({ method: 'GET', path: '/api/v1/pods' })).toEqual({
      reject: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server is currently unable to handle the request', reason: 'ServiceUnavailable', code: 503 },
    });
    faults.clear({ fault: 'api-unavailable' });
    expect(faults.beforeRequest({ method: 'GET', path: '/api/v1/pods' })).toBeUndefined();
  });

  it('api-slow adds latency; watch-drop ends open watches once and marks new watches for dropping', () => {
    const faults = new FaultRegistry();
    faults.inject({ fault: 'api-slow', delayMs: 250 });
    expect(faults.beforeRequest({ method: 'GET', path: '/version' })).toEqual({ delayMs: 250 });
    faults.clear();
    let drops = 0;
    faults.onDropWatches(() => drops++);
    faults.inject({ fault: 'watch-drop' });
    expect(drops).toBe(1);
    expect(faults.beforeRequest({ method: 'GET', path: '/api/v1/pods', verb: 'watch' })).toEqual({ dropWatch: true });
    expect(faults.beforeRequest({ method: 'GET', path: '/api/v1/pods', verb: 'list' })).toBeUndefined();
    expect(() => faults.inject({ fault: 'api-slow', delayMs: -1 })).toThrow(FaultError);
    expect(() => faults.inject({ fault: 'crash-loop', kind: '', name: '' })).toThrow(/kind and name are required/);
  });
});
