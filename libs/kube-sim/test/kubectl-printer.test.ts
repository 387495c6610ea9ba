// `kubectl get` through the simulator's server-side Tables: the pod, node and event columns kube-apiserver prints.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '@flotilla/testkit';
import { FAULT_ANNOTATION } from '../src/faults/index.js';
import { podCells } from '../src/handlers/pod-printer.js';
import { humanDuration } from '../src/handlers/table.js';
import type { SimulatedCluster } from '../src/server/cluster.js';
import { startCluster } from '../src/server/cluster.js';
import type { KubeObject } from '../src/types/index.js';
import { hasKubectl, kubectl } from './helpers.js';



const DEPLOYMENT = (name: string, annotations = '', image = 'nginx:1.27'): string => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: 1
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}${annotations}
    spec:
      containers:
      - name: app
        image: ${image}
`;

/** kubectl's printed table as rows of whitespace-separated cells (cells here hold no spaces except RESTARTS). */
function rows(out: string): string[][] {
  return out.trim().split('\n').map((l) => l.split(/\s{2,}/));
}

describe('kubectl get prints what kube-apiserver prints', () => {
  let clock: FakeClock;
  let cluster: SimulatedCluster;
  let dir: string;
  let kubeconfig: string;

  beforeEach(async () => {
    clock = new FakeClock();
    cluster = await startCluster({ clock });
    dir = await mkdtemp(join(tmpdir(), 'kube-sim-printer-'));
    kubeconfig = join(dir, 'config');
    await cluster.writeKubeconfig(kubeconfig);
  });

  afterEach(async () => {
    await cluster.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(!hasKubectl)('new pod ContainerCreating, healthy READY 1/1 Running, RESTARTS 0; crash-looping: CrashLoopBackOff with "(Xs ago)"; bad image: ErrImagePull then ImagePullBackOff', async () => {
    expect((await kubectl(kubeconfig, ['apply', '-f', '-'], DEPLOYMENT('web'))).code).toBe(0);
    expect((await kubectl(kubeconfig, ['apply', '-f', '-'], DEPLOYMENT('crashy', `\n      annotations: {${FAULT_ANNOTATION}: crash-loop}`))).code).toBe(0);
    const before = await kubectl(kubeconfig, ['get', 'pods', '-l', 'app=web']);
    expect(rows(before.stdout)[1]!.slice(1, 4)).toEqual(['0/1', 'ContainerCreating', '0']);
    cluster.faults!.inject({ kind: 'Deployment', namespace: 'default', name: 'badimg', fault: 'image-pull' });
    expect((await kubectl(kubeconfig, ['apply', '-f', '-'], DEPLOYMENT('badimg', '', 'nginx:doesnotexist'))).code).toBe(0);
    clock.advance(1000);

    const pulling = rows((await kubectl(kubeconfig, ['get', 'pods', '-l', 'app=badimg', '--no-headers'])).stdout)[0]!;
    expect(pulling.slice(1, 4)).toEqual(['0/1', 'ErrImagePull', '0']);
    clock.advance(5000);

    const got = await kubectl(kubeconfig, ['get', 'pods']);
    expect(got.stderr).toBe('');
    const table = rows(got.stdout);
    expect(table[0]).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    const byApp = (app: string): string[] => table.find((r) => r[0]!.startsWith(`${app}-`))!;
    expect(byApp('web').slice(1)).toEqual(['1/1', 'Running', '0', '6s']);
    expect(byApp('badimg').slice(1, 4)).toEqual(['0/1', 'ImagePullBackOff', '0']);
    const crashy = byApp('crashy');
    expect(crashy[1]).toBe('0/1');
    expect(crashy[2]).toBe('CrashLoopBackOff');
    expect(crashy[3]).toMatch(/^\d+ \(\d+s ago\)$/);

    const wide = rows((await kubectl(kubeconfig, ['get', 'pods', '-l', 'app=web', '-o', 'wide'])).stdout);
    expect(wide[0]).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    expect(wide[1]![5]).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(wide[1]![6]).not.toBe('<none>');
    expect(wide[1]!.slice(7)).toEqual(['<none>', '<none>']);
  });

  it.skipIf(!hasKubectl)('an OOM-killed container: kubectl shows CrashLoopBackOff and describes the last state as OOMKilled, exit code 137', async () => {
    expect((await kubectl(kubeconfig, ['apply', '-f', '-'], DEPLOYMENT('hungry', `\n      annotations: {${FAULT_ANNOTATION}: oom-kill}`))).code).toBe(0);
    clock.advance(1000);
    clock.advance(1000);
    const row = rows((await kubectl(kubeconfig, ['get', 'pods', '-l', 'app=hungry', '--no-headers'])).stdout)[0]!;
    expect(row.slice(1, 3)).toEqual(['0/1', 'CrashLoopBackOff']);
    const described = (await kubectl(kubeconfig, ['describe', 'pods', '-l', 'app=hungry'])).stdout;
    expect(described).toMatch(/State:\s+Waiting\n\s+Reason:\s+CrashLoopBackOff/);
    expect(described).toMatch(/Last State:\s+Terminated\n\s+Reason:\s+OOMKilled\n\s+Exit Code:\s+137/);
  });

  it.skipIf(!hasKubectl)('kubectl get nodes shows NAME STATUS ROLES AGE VERSION', async () => {
    const got = await kubectl(kubeconfig, ['get', 'nodes']);
    expect(got.stderr).toBe('');
    const table = rows(got.stdout);
    expect(table[0]).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    expect(table.length).toBeGreaterThan(1);
    for (const r of table.slice(1)) {
      expect(r[1]).toBe('Ready');
      expect(r[2]).toBe('<none>');
      expect(r[4]).toMatch(/^v1\.\d+/);
    }
  });

  it.skipIf(!hasKubectl)('kubectl get events shows LAST SEEN TYPE REASON OBJECT MESSAGE', async () => {
    expect((await kubectl(kubeconfig, ['apply', '-f', '-'], DEPLOYMENT('web'))).code).toBe(0);
    clock.advance(1000);
    const got = await kubectl(kubeconfig, ['get', 'events']);
    expect(got.stderr).toBe('');
    const table = rows(got.stdout);
    expect(table[0]).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    expect(table.some((r) => r[1] === 'Normal' && r[2] === 'ScalingReplicaSet' && r[3] === 'deployment/web')).toBe(true);
  });
});

describe('printPod STATUS and READY for states the controllers do not produce', () => {
  const pod = (spec: Record<string, unknown>, status: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject =>
    ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ...metadata }, spec: { containers: [{ name: 'a' }], ...spec }, status } as KubeObject);

  it('init containers, completion, terminating and readiness gates', () => {
    const init = pod({ initContainers: [{ name: 'i1' }, { name: 'i2' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 0 } } }, { name: 'i2', state: { running: {} } }] });
    expect(podCells(init)).toMatchObject({ ready: '0/1', status: 'Init:1/2' });
    const initCrash = pod({ initContainers: [{ name: 'i1' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'i1', restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } } }] });
    expect(podCells(initCrash)).toMatchObject({ status: 'Init:CrashLoopBackOff', restarts: 2 });
    const done = pod({}, { phase: 'Succeeded', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] });
    expect(podCells(done).status).toBe('Completed');
    const killed = pod({}, { phase: 'Failed', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 137 } } }] });
    expect(podCells(killed).status).toBe('ExitCode:137');
    const running = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }, { type: 'x/gate', status: 'True' }], containerStatuses: [{ name: 'a', ready: true, state: { running: {} } }] };
    expect(podCells(pod({ readinessGates: [{ conditionType: 'x/gate' }, { conditionType: 'y/gate' }] }, running))).toMatchObject({ ready: '1/1', status: 'Running', readinessGates: '1/2' });
    expect(podCells(pod({}, running, { deletionTimestamp: '2026-01-01T00:00:00Z' })).status).toBe('Terminating');
    const sidecar = pod({ initContainers: [{ name: 's', restartPolicy: 'Always' }] }, { ...running, initContainerStatuses: [{ name: 's', started: true, ready: true, state: { running: {} } }] });
    expect(podCells(sidecar)).toMatchObject({ ready: '2/2', status: 'Running' });
  });

  it('ages read like duration.HumanDuration', () => {
    const s = 1000;
    expect([59, 125, 600, 3 * 3600 + 60, 9 * 3600, 50 * 3600, 30 * 86400, 800 * 86400].map((n) => humanDuration(n * s))).toEqual(['59s', '2m5s', '10m', '3h1m', '9h', '2d2h', '30d', '2y70d']);
  });
});
