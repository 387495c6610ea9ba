// Controllers and faults seen through the HTTPS API by real clients: kubectl (when installed) and node:https.

import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '@flotilla/testkit';
import type { FaultRegistry } from '../src/faults/index.js';
import type { SimulatedCluster } from '../src/server/cluster.js';
import { startCluster } from '../src/server/cluster.js';
import { KUBECTL, hasKubectl, http, kubectl } from './helpers.js';

if (!hasKubectl) console.warn(`kubectl not found at ${KUBECTL}: skipping the kubectl controller tests`);



function httpsGet(cluster: SimulatedCluster, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(cluster.server);
    const req = request({ host: u.hostname, port: u.port, path, ca: cluster.caPem, headers: { Authorization: `Bearer ${cluster.adminToken}` } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

interface OpenWatch {
  /** Resolves with the status code once the response headers are in. */
  opened: Promise<number>;
  /** Resolves with everything the stream carried, once it ends. */
  ended: Promise<string>;
  /** Resolves with the first event line. */
  firstLine: Promise<string>;
  isEnded: () => boolean;
  close: () => void;
}

function openWatch(cluster: SimulatedCluster, path: string): OpenWatch {
  const u = new URL(cluster.server);
  let body = '';
  let done = false;
  let onLine: (line: string) => void = () => {};
  const firstLine = new Promise<string>((resolve) => (onLine = resolve));
  let endedResolve: (body: string) => void = () => {};
  const ended = new Promise<string>((resolve) => (endedResolve = resolve));
  let req: ReturnType<typeof request> | undefined;
  const opened = new Promise<number>((resolveOpen, reject) => {
    req = request({ host: u.hostname, port: u.port, path, ca: cluster.caPem, headers: { Authorization: `Bearer ${cluster.adminToken}` } }, (res) => {
      resolveOpen(res.statusCode ?? 0);
      res.on('data', (d: Buffer) => {
        body += d.toString();
        if (body.includes('\n')) onLine(body.slice(0, body.indexOf('\n')));
      });
      res.on('close', () => {
        done = true;
        endedResolve(body);
      });
    });
    req.on('error', (e) => (done ? undefined : reject(e)));
    req.end();
  });
  return { opened, ended, firstLine, isEnded: () => done, close: () => req?.destroy() };
}

const DEPLOYMENT = (name: string, extra = '') => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: default
spec:
  replicas: 3
  progressDeadlineSeconds: 30
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}${extra}
    spec:
      containers:
      - name: app
        image: nginx:1.27
`;

describe('controllers behind the API server', () => {
  let clock: FakeClock;
  let cluster: SimulatedCluster;
  let faults: FaultRegistry;
  let dir: string;
  let kubeconfig: string;

  beforeEach(async () => {
    clock = new FakeClock();
    // Controllers and faults come with every cluster (startCluster attaches them on the cluster's clock).
    cluster = await startCluster({ clock });
    faults = cluster.faults!;
    dir = await mkdtemp(join(tmpdir(), 'kube-sim-ctrl-'));
    kubeconfig = join(dir, 'config');
    await cluster.writeKubeconfig(kubeconfig);
  });

  afterEach(async () => {
    await cluster.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('api-unavailable answers 503 with the ServiceUnavailable Status, and serves again once cleared', async () => {
    faults.inject({ fault: 'api-unavailable' });
    const r = await httpsGet(cluster, '/api/v1/namespaces/default/pods');
    expect(r.status).toBe(503);
    expect(JSON.parse(r.body)).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server is currently unable to handle the request', reason: 'ServiceUnavailable', code: 503 });
    faults.clear();
    expect((await httpsGet(cluster, '/api/v1/namespaces/default/pods')).status).toBe(200);
  });

  it('watch-drop ends an open watch stream without sending it anything', async () => {
    const w = openWatch(cluster, '/api/v1/namespaces/default/configmaps?watch=1');
    expect(await w.opened).toBe(200);
    faults.inject({ fault: 'watch-drop' });
    expect(await w.ended).toBe('');
  });

  it('while watch-drop is active, a new watch ends at once with no events; once cleared, a new watch lives on', async () => {
    faults.inject({ fault: 'watch-drop' });
    const dropped = openWatch(cluster, '/api/v1/namespaces/default/configmaps?watch=1');
    expect(await dropped.opened).toBe(200);
    expect(await dropped.ended).toBe('');
    faults.clear({ fault: 'watch-drop' });
    expect(faults.list()).toEqual([]);

    const live = openWatch(cluster, '/api/v1/namespaces/default/configmaps?watch=1');
    expect(await live.opened).toBe(200);
    const created = await http(cluster, 'POST', '/api/v1/namespaces/default/configmaps', { body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'seen' } }), contentType: 'application/json' });
    expect(created.status).toBe(201);
    const event = JSON.parse(await live.firstLine) as { type: string; object: { metadata: { name: string } } };
    expect([event.type, event.object.metadata.name]).toEqual(['ADDED', 'seen']);
    expect(live.isEnded()).toBe(false);
    live.close();
  });

  it('api-slow holds a request on the cluster clock until the test advances it', async () => {
    faults.inject({ fault: 'api-slow', delayMs: 5000 });
    const before = clock.pendingTimers();
    let answered = false;
    const res = httpsGet(cluster, '/api/v1/namespaces/default/configmaps').then((r) => {
      answered = true;
      return r;
    });
    // The request is parked as a timer of the fake clock once the server has read it.
    for (let turns = 0; clock.pendingTimers() === before && turns < 10_000; turns++) await new Promise((r) => setImmediate(r));
    expect(clock.pendingTimers()).toBe(before + 1);
    clock.advance(4999);
    await new Promise((r) => setImmediate(r));
    expect(answered).toBe(false);
    clock.advance(1);
    expect((await res).status).toBe(200);
    faults.clear({ fault: 'api-slow' });
  });

  it.skipIf(!hasKubectl)('kubectl apply, then kubectl wait --for=condition=Available and rollout status succeed', async () => {
    const applied = await kubectl(kubeconfig, ['apply', '-f', '-'], DEPLOYMENT('web'));
    expect(applied.stderr).toBe('');
    expect(applied.stdout.trim()).toBe('deployment.apps/web created');
    // Pods start one step (1s of the fake clock) after they are created: move time once kubectl is watching, so it
    // must see the Deployment turn Available through its watch.
    let advanced = false;
    const stop = cluster.intercept(({ info }) => {
      if (!advanced && info.verb === 'watch' && info.resource === 'deployments') {
        advanced = true;
        setImmediate(() => clock.advance(1000));
      }
      return undefined;
    });
    const waited = await kubectl(kubeconfig, ['wait', '--for=condition=Available', 'deployment/web', '--timeout=20s']);
    stop();
    expect(advanced).toBe(true);
    expect(waited.stderr).toBe('');
    expect(waited.stdout.trim()).toBe('deployment.apps/web condition met');
    const rollout = await kubectl(kubeconfig, ['rollout', 'status', 'deployment/web', '--timeout=20s']);
    expect(rollout.stdout.trim()).toBe('deployment "web" successfully rolled out');
    const pods = await kubectl(kubeconfig, ['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={range .items[*]}{.status.phase}{" "}{end}']);
    expect(pods.stdout.trim()).toBe('Running Running Running');
  });

  it.skipIf(!hasKubectl)('kubectl rollout status reports a crash-looping rollout past its progress deadline', async () => {
    const applied = await kubectl(kubeconfig, ['apply', '-f', '-'], DEPLOYMENT('crashy', '\n      annotations: {sim.flotilla.dev/fault: crash-loop}'));
    expect(applied.code).toBe(0);
    for (let i = 0; i < 4; i++) clock.advance(10_000);
    const rollout = await kubectl(kubeconfig, ['rollout', 'status', 'deployment/crashy', '--timeout=10s']);
    expect(rollout.code).not.toBe(0);
    expect(rollout.stderr).toContain('error: deployment "crashy" exceeded its progress deadline');
    const reason = await kubectl(kubeconfig, ['get', 'pods', '-l', 'app=crashy', '-o', 'jsonpath={.items[0].status.containerStatuses[0].state.waiting.reason}']);
    expect(reason.stdout).toBe('CrashLoopBackOff');
  });

  it.skipIf(!hasKubectl)('kubectl rollout undo brings back the old ReplicaSet under a new revision', async () => {
    expect((await kubectl(kubeconfig, ['apply', '-f', '-'], DEPLOYMENT('web'))).code).toBe(0);
    clock.advance(1000);
    expect((await kubectl(kubeconfig, ['set', 'image', 'deployment/web', 'app=nginx:1.28'])).code).toBe(0);
    for (let i = 0; i < 6; i++) clock.advance(1000);
    const undo = await kubectl(kubeconfig, ['rollout', 'undo', 'deployment/web']);
    expect(undo.stdout.trim()).toBe('deployment.apps/web rolled back');
    for (let i = 0; i < 6; i++) clock.advance(1000);
    const rs = await kubectl(kubeconfig, ['get', 'rs', '-o', 'jsonpath={range .items[*]}{.metadata.annotations.deployment\\.kubernetes\\.io/revision}={.spec.template.spec.containers[0].image}={.spec.replicas}{" "}{end}']);
    expect(rs.stdout.trim().split(' ').sort()).toEqual(['2=nginx:1.28=0', '3=nginx:1.27=3']);
    const rollout = await kubectl(kubeconfig, ['rollout', 'status', 'deployment/web', '--timeout=10s']);
    expect(rollout.stdout.trim()).toBe('deployment "web" successfully rolled out');
  });

  it.skipIf(!hasKubectl)('kubectl sees the 503 of an unavailable API server', async () => {
    faults.inject({ fault: 'api-unavailable' });
    const r = await kubectl(kubeconfig, ['get', 'pods', '--request-timeout=5s']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('the server is currently unable to handle the request');
  });
});
