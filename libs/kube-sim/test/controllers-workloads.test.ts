import { describe, expect, it } from 'vitest';
import { FAULT_ANNOTATION } from '../src/faults/index.js';
import type { KubeObject } from '../src/types/index.js';
import { condition, containerState, newSim, status } from './controllers-helpers.js';

const template = (app: string, extra: Record<string, unknown> = {}) => ({ metadata: { labels: { app } }, spec: { containers: [{ name: 'app', image: 'busybox:1.36' }], ...extra } });

function statefulSet(name: string, replicas: number, image = 'busybox:1.36'): KubeObject {
  return {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name, namespace: 'default' },
    spec: {
      replicas, serviceName: name, selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } } }],
    },
  };
}

describe('StatefulSet controller', () => {
  it('creates ordered pods with one PVC each and reports revisions', () => {
    const sim = newSim();
    sim.apply(statefulSet('db', 3));
    // OrderedReady: db-1 waits until db-0 is Running and Ready; db-0 waits for its claim to bind.
    expect(sim.list('Pod', 'default').map((p) => p.metadata.name)).toEqual(['db-0']);
    expect(sim.list('PersistentVolumeClaim', 'default').map((p) => p.metadata.name)).toEqual(['data-db-0']);
    for (let i = 0; i < 8; i++) sim.advance(1);
    const sts = sim.get('StatefulSet', 'db');
    const rev = status(sts).updateRevision as string;
    expect(rev).toMatch(/^db-[a-z0-9]{10}$/);
    expect(status(sts)).toEqual({ observedGeneration: 1, replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, availableReplicas: 3, currentRevision: rev, updateRevision: rev, collisionCount: 0 });
    const pods = sim.list('Pod', 'default');
    expect(pods.map((p) => p.metadata.name)).toEqual(['db-0', 'db-1', 'db-2']);
    expect(pods[1]!.metadata.labels).toMatchObject({ 'controller-revision-hash': rev, 'statefulset.kubernetes.io/pod-name': 'db-1', 'apps.kubernetes.io/pod-index': '1' });
    expect(sim.list('PersistentVolumeClaim', 'default').map((c) => [c.metadata.name, status(c).phase])).toEqual([['data-db-0', 'Bound'], ['data-db-1', 'Bound'], ['data-db-2', 'Bound']]);
  });

  it('rolls an update from the highest ordinal down and then moves currentRevision', () => {
    const sim = newSim();
    sim.apply(statefulSet('db', 2));
    for (let i = 0; i < 6; i++) sim.advance(1);
    const oldRev = status(sim.get('StatefulSet', 'db')).currentRevision;
    sim.apply(statefulSet('db', 2, 'busybox:1.37'));
    const mid = sim.get('StatefulSet', 'db');
    expect(status(mid).currentRevision).toBe(oldRev);
    expect(status(mid).updateRevision).not.toBe(oldRev);
    for (let i = 0; i < 6; i++) sim.advance(1);
    const done = sim.get('StatefulSet', 'db');
    expect(status(done)).toMatchObject({ replicas: 2, updatedReplicas: 2, currentReplicas: 2, readyReplicas: 2, currentRevision: status(mid).updateRevision });
  });

  it('scales down from the highest ordinal and keeps the claims', () => {
    const sim = newSim();
    sim.apply(statefulSet('db', 3));
    for (let i = 0; i < 8; i++) sim.advance(1);
    sim.apply(statefulSet('db', 1));
    expect(sim.list('Pod', 'default').map((p) => p.metadata.name)).toEqual(['db-0']);
    expect(status(sim.get('StatefulSet', 'db'))).toMatchObject({ replicas: 1, readyReplicas: 1 });
    expect(sim.list('PersistentVolumeClaim', 'default')).toHaveLength(3);
  });

  it('a claim that never binds keeps the first pod Pending and the StatefulSet at 0 ready', () => {
    const sim = newSim();
    sim.controllers.faults.inject({ kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data-db-0', fault: 'pvc-pending' });
    sim.apply(statefulSet('db', 2));
    sim.advance(10);
    expect(status(sim.get('PersistentVolumeClaim', 'data-db-0')).phase).toBe('Pending');
    const pod = sim.get('Pod', 'db-0');
    expect(condition(pod, 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable' });
    expect(status(sim.get('StatefulSet', 'db'))).toMatchObject({ replicas: 1, availableReplicas: 0 });
    expect(status(sim.get('StatefulSet', 'db')).readyReplicas).toBeUndefined();
  });
});

describe('DaemonSet controller', () => {
  it('runs one pod per node and reports the scheduling counts', () => {
    const sim = newSim({ nodes: 3 });
    sim.apply({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: template('agent') } });
    expect(status(sim.get('DaemonSet', 'agent'))).toEqual({ currentNumberScheduled: 3, numberMisscheduled: 0, desiredNumberScheduled: 3, numberReady: 0, observedGeneration: 1, updatedNumberScheduled: 3, numberUnavailable: 3 });
    sim.advance(1);
    expect(status(sim.get('DaemonSet', 'agent'))).toEqual({ currentNumberScheduled: 3, numberMisscheduled: 0, desiredNumberScheduled: 3, numberReady: 3, observedGeneration: 1, updatedNumberScheduled: 3, numberAvailable: 3 });
    const nodes = sim.list('Pod', 'default').map((p) => (p.spec as { nodeName: string }).nodeName).sort();
    expect(nodes).toEqual(['sim-node-1', 'sim-node-2', 'sim-node-3']);
  });
});

describe('node selection', () => {
  it('a DaemonSet with a nodeSelector covers only matching nodes; a pod no node matches stays Pending', () => {
    const sim = newSim({ nodes: 3 });
    sim.apply({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'only2', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'only2' } }, template: template('only2', { nodeSelector: { 'kubernetes.io/hostname': 'sim-node-2' } }) } });
    sim.advance(1);
    expect(status(sim.get('DaemonSet', 'only2'))).toMatchObject({ desiredNumberScheduled: 1, currentNumberScheduled: 1, numberReady: 1 });
    sim.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'gpu', namespace: 'default' }, spec: { nodeSelector: { accelerator: 'gpu' }, containers: [{ name: 'app', image: 'busybox:1.36' }] } });
    sim.advance(5);
    const pod = sim.get('Pod', 'gpu');
    expect(status(pod).phase).toBe('Pending');
    expect(condition(pod, 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable', message: expect.stringContaining("3 node(s) didn't match Pod's node affinity/selector") });
  });
});

describe('DaemonSet rolling update', () => {
  it('replaces pods node by node with the new template', () => {
    const sim = newSim({ nodes: 3 });
    const ds = (image: string): KubeObject => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'app', image }] } } } });
    sim.apply(ds('agent:1'));
    sim.advance(1);
    sim.apply(ds('agent:2'));
    // maxUnavailable 1: one node at a time.
    expect(status(sim.get('DaemonSet', 'agent'))).toMatchObject({ observedGeneration: 2, updatedNumberScheduled: 1, numberReady: 2 });
    for (let i = 0; i < 3; i++) sim.advance(1);
    expect(status(sim.get('DaemonSet', 'agent'))).toMatchObject({ updatedNumberScheduled: 3, numberReady: 3, numberAvailable: 3 });
    const images = sim.list('Pod', 'default').map((p) => (p.spec as { containers: { image: string }[] }).containers[0]!.image);
    expect(images).toEqual(['agent:2', 'agent:2', 'agent:2']);
  });
});

describe('Job controller', () => {
  const job = (name: string, extra: Record<string, unknown> = {}, annotations?: Record<string, string>): KubeObject => ({
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: 'default' },
    spec: { completions: 2, parallelism: 1, backoffLimit: 2, template: { metadata: { labels: { app: name }, ...(annotations ? { annotations } : {}) }, spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox:1.36' }] } }, ...extra },
  });

  it('runs pods to completion and sets Complete', () => {
    const sim = newSim({ stepMs: 1000, jobRunMs: 3000 });
    sim.apply(job('migrate'));
    expect(status(sim.get('Job', 'migrate'))).toMatchObject({ active: 1, ready: 0 });
    for (let i = 0; i < 10; i++) sim.advance(1);
    const j = sim.get('Job', 'migrate');
    expect(status(j)).toMatchObject({ succeeded: 2, ready: 0, completionTime: expect.any(String), startTime: '2026-01-01T00:00:00Z' });
    expect(status(j).active).toBeUndefined();
    expect(condition(j, 'Complete')).toMatchObject({ status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' });
    expect(condition(j, 'SuccessCriteriaMet')).toMatchObject({ status: 'True' });
    const pods = sim.list('Pod', 'default');
    expect(pods.map((p) => status(p).phase)).toEqual(['Succeeded', 'Succeeded']);
    expect(pods[0]!.metadata.labels).toMatchObject({ 'job-name': 'migrate', 'batch.kubernetes.io/job-name': 'migrate', 'controller-uid': j.metadata.uid });
    expect(containerState(pods[0]!)).toMatchObject({ state: { terminated: { exitCode: 0, reason: 'Completed' } } });
  });

  it('runs up to parallelism pods at once', () => {
    const sim = newSim({ jobRunMs: 2000 });
    sim.apply(job('batch', { completions: 5, parallelism: 2, backoffLimit: 0 }));
    expect(status(sim.get('Job', 'batch'))).toMatchObject({ active: 2 });
    sim.advance(1);
    expect(status(sim.get('Job', 'batch'))).toMatchObject({ active: 2, ready: 2 });
    for (let i = 0; i < 12; i++) sim.advance(1);
    expect(status(sim.get('Job', 'batch'))).toMatchObject({ succeeded: 5 });
    expect(condition(sim.get('Job', 'batch'), 'Complete')).toMatchObject({ status: 'True' });
  });

  it('failing pods count towards backoffLimit and end in Failed BackoffLimitExceeded', () => {
    const sim = newSim();
    sim.apply(job('broken', {}, { [FAULT_ANNOTATION]: 'crash-loop' }));
    for (let i = 0; i < 6; i++) sim.advance(1);
    const j = sim.get('Job', 'broken');
    expect(status(j)).toMatchObject({ failed: 3 });
    expect(condition(j, 'Failed')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(condition(j, 'Complete')).toBeUndefined();
  });
});

describe('CronJob controller', () => {
  it('creates a Job per scheduled minute, runs it, and keeps the successful history limit', () => {
    const sim = newSim({ jobRunMs: 5000 });
    sim.apply({
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'tick', namespace: 'default' },
      spec: { schedule: '*/2 * * * *', successfulJobsHistoryLimit: 2, jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox:1.36' }] } } } } },
    });
    expect(sim.list('Job', 'default')).toHaveLength(0);
    sim.advance(120);
    const first = Math.floor(Date.parse('2026-01-01T00:02:00Z') / 60000);
    expect(sim.list('Job', 'default').map((j) => j.metadata.name)).toEqual([`tick-${first}`]);
    expect(status(sim.get('CronJob', 'tick'))).toMatchObject({ lastScheduleTime: '2026-01-01T00:02:00Z', active: [{ name: `tick-${first}` }] });
    for (let i = 0; i < 6; i++) sim.advance(60);
    sim.advance(10);
    const cj = sim.get('CronJob', 'tick');
    expect(status(cj).active).toBeUndefined();
    expect(status(cj).lastSuccessfulTime).toBeDefined();
    expect(sim.list('Job', 'default').map((j) => j.metadata.name)).toEqual([`tick-${first + 4}`, `tick-${first + 6}`]);
  });
});

describe('PVC binding, Services and Namespaces', () => {
  it('binds a claim to a provisioned volume of the default StorageClass; a missing class keeps it Pending', () => {
    const sim = newSim();
    const claim = (name: string, storageClassName?: string): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'default' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } }, ...(storageClassName ? { storageClassName } : {}) } });
    sim.apply(claim('data'));
    sim.apply(claim('nowhere', 'no-such-class'));
    expect(status(sim.get('PersistentVolumeClaim', 'data')).phase).toBe('Pending');
    sim.advance(1);
    const pvc = sim.get('PersistentVolumeClaim', 'data');
    expect(status(pvc)).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '5Gi' } });
    expect(pvc.metadata.annotations).toMatchObject({ 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' });
    const pvName = (pvc.spec as { volumeName: string }).volumeName;
    expect(pvName).toBe(`pvc-${pvc.metadata.uid}`);
    const pv = sim.get('PersistentVolume', pvName);
    expect(status(pv).phase).toBe('Bound');
    expect((pv.spec as { claimRef: Record<string, unknown> }).claimRef).toMatchObject({ name: 'data', namespace: 'default', uid: pvc.metadata.uid });
    expect(status(sim.get('PersistentVolumeClaim', 'nowhere')).phase).toBe('Pending');
    sim.store.delete({ group: '', kind: 'PersistentVolumeClaim' }, 'default', 'data');
    sim.controllers.settle();
    expect(sim.list('PersistentVolume')).toHaveLength(0);
  });

  it('allocates a cluster IP and, after a delay, a LoadBalancer ingress; lb-pending holds it', () => {
    const sim = newSim({ loadBalancerDelayMs: 2000 });
    const svc = (name: string, type: string, annotations?: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', ...(annotations ? { annotations } : {}) }, spec: { type, selector: { app: name }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] } });
    sim.apply(svc('web', 'LoadBalancer'));
    sim.apply(svc('internal', 'ClusterIP'));
    sim.apply(svc('held', 'LoadBalancer', { [FAULT_ANNOTATION]: 'lb-pending' }));
    const web = sim.get('Service', 'web');
    expect((web.spec as { clusterIP: string }).clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    expect((web.spec as { ports: { nodePort: number }[] }).ports[0]!.nodePort).toBeGreaterThanOrEqual(30000);
    expect((sim.get('Service', 'internal').spec as { clusterIP: string }).clusterIP).not.toBe((web.spec as { clusterIP: string }).clusterIP);
    expect(status(web)).toEqual({});
    sim.advance(2);
    expect(status(sim.get('Service', 'web'))).toEqual({ loadBalancer: { ingress: [{ ip: expect.stringMatching(/^172\.18\.255\./), ipMode: 'VIP' }] } });
    expect(status(sim.get('Service', 'held'))).toEqual({});
  });

  it('deleting a namespace deletes its content; content kept by a finalizer shows in the Terminating conditions', () => {
    const sim = newSim();
    sim.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    sim.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'team' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: template('web') } });
    sim.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', namespace: 'team', finalizers: ['example.com/hold'] }, data: {} });
    sim.advance(1);
    expect(sim.list('Pod', 'team')).toHaveLength(1);
    sim.store.delete({ group: '', kind: 'Namespace' }, undefined, 'team');
    sim.controllers.settle();
    const ns = sim.get('Namespace', 'team');
    expect(status(ns).phase).toBe('Terminating');
    expect(condition(ns, 'NamespaceContentRemaining')).toMatchObject({ status: 'True', reason: 'SomeResourcesRemain', message: 'Some resources are remaining: configmaps has 1 resource instances' });
    expect(condition(ns, 'NamespaceFinalizersRemaining')).toMatchObject({ status: 'True', reason: 'SomeFinalizersRemain' });
    expect(sim.list('Pod', 'team')).toHaveLength(0);
    expect(sim.list('Deployment', 'team')).toHaveLength(0);
    const cm = sim.get('ConfigMap', 'held', 'team');
    sim.store.update({ group: '', kind: 'ConfigMap' }, { ...cm, metadata: { ...cm.metadata, finalizers: [] } });
    sim.controllers.settle();
    expect(sim.list('Namespace').map((n) => n.metadata.name)).not.toContain('team');
  });

  it('an Ingress gets its load-balancer address after the delay; lb-pending holds it', () => {
    const sim = newSim({ loadBalancerDelayMs: 3000 });
    const ing = (name: string, annotations?: Record<string, string>): KubeObject => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace: 'default', ...(annotations ? { annotations } : {}) }, spec: { rules: [{ host: `${name}.example.com` }] } });
    sim.apply(ing('web'));
    sim.apply(ing('held', { [FAULT_ANNOTATION]: 'lb-pending' }));
    sim.advance(2);
    expect(status(sim.get('Ingress', 'web'))).toEqual({});
    sim.advance(1);
    expect(status(sim.get('Ingress', 'web'))).toEqual({ loadBalancer: { ingress: [{ ip: '172.18.255.200' }] } });
    expect(status(sim.get('Ingress', 'held'))).toEqual({});
  });

  it('an HPA keeps its target within minReplicas..maxReplicas and reports it', () => {
    const sim = newSim();
    sim.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: template('web') } });
    sim.apply({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'default' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 4 } });
    expect((sim.get('Deployment', 'web').spec as { replicas: number }).replicas).toBe(2);
    sim.advance(1);
    const hpa = sim.get('HorizontalPodAutoscaler', 'web');
    expect(status(hpa)).toMatchObject({ currentReplicas: 2, desiredReplicas: 2 });
    expect(condition(hpa, 'AbleToScale')).toMatchObject({ status: 'True' });
    expect(condition(hpa, 'ScalingLimited')).toMatchObject({ status: 'False', reason: 'DesiredWithinRange' });
    expect(status(sim.get('Deployment', 'web'))).toMatchObject({ availableReplicas: 2 });
  });

  it('a bare Pod is scheduled, started and turns Ready', () => {
    const sim = newSim();
    sim.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'solo', namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'ghcr.io/acme/app:1' }] } });
    const pending = sim.get('Pod', 'solo');
    expect(status(pending).phase).toBe('Pending');
    expect((pending.spec as { nodeName: string }).nodeName).toMatch(/^sim-node-\d$/);
    expect(containerState(pending)).toMatchObject({ state: { waiting: { reason: 'ContainerCreating' } } });
    sim.advance(1);
    const pod = sim.get('Pod', 'solo');
    expect(status(pod).phase).toBe('Running');
    expect(status(pod).podIP).toMatch(/^10\.244\./);
    expect((status(pod).conditions as { type: string; status: string }[]).map((c) => `${c.type}=${c.status}`)).toEqual(['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
    expect(containerState(pod)).toMatchObject({ image: 'ghcr.io/acme/app:1', ready: true, started: true });
  });
});
