// The scheduler and kubelet of the simulator: binds pods to nodes, starts their containers after a step, and shows
// object faults (crash loop, image pull failure, unschedulable) exactly as a kubelet would report them in status.

import type { KubeObject } from '../types/index.js';
import type { ObjectFault } from '../faults/index.js';
import { FAULT_ANNOTATION, isObjectFault } from '../faults/index.js';
import type { Ctx, Reconciler } from './runtime.js';
import { key, ref } from './runtime.js';
import { record } from './events.js';
import type { Condition, Json } from './meta.js';
import { arr, controllerOf, fnv32a, isTerminating, num, parseTime, rec, spec, status, str, timestamp } from './meta.js';

const POD = ref('Pod');
export const RUN_MS_ANNOTATION = 'sim.flotilla.dev/run-ms';
const BACKOFF_START_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;

/** The object fault that applies to a pod: its own, or its controller's (up to two owners up), by annotation or registry. */
export function podFault(ctx: Ctx, pod: KubeObject): ObjectFault | undefined {
  let obj: KubeObject | undefined = pod;
  for (let depth = 0; obj && depth < 3; depth++) {
    const annotated = obj.metadata.annotations?.[FAULT_ANNOTATION];
    if (isObjectFault(annotated)) return annotated;
    const injected = ctx.faults.objectFault(obj.kind, obj.metadata.namespace, obj.metadata.name ?? '');
    if (injected) return injected;
    const owner = controllerOf(obj);
    obj = owner ? ctx.port.get({ apiVersion: owner.apiVersion, kind: owner.kind }, obj.metadata.namespace, owner.name) : undefined;
    if (obj && owner && obj.metadata.uid !== owner.uid) obj = undefined;
  }
  return undefined;
}

function hex64(seed: string): string {
  let out = '';
  for (let i = 0; out.length < 64; i++) out += fnv32a(`${seed}#${i}`).toString(16).padStart(8, '0');
  return out.slice(0, 64);
}

/** `nginx:1.27` -> `docker.io/library/nginx:1.27`, the way containerd reports images. */
export function normalizeImage(image: string): string {
  let ref = image;
  if (!/[:@]/.test(ref.split('/').pop() ?? '')) ref += ':latest';
  const first = ref.split('/')[0] ?? '';
  if (!ref.includes('/')) return `docker.io/library/${ref}`;
  if (!first.includes('.') && !first.includes(':') && first !== 'localhost') return `docker.io/${ref}`;
  return ref;
}

function containers(pod: KubeObject): { name: string; image: string }[] {
  return arr(spec(pod).containers).map((c) => ({ name: str(c.name) ?? '', image: str(c.image) ?? '' }));
}

function isJobPod(pod: KubeObject): boolean {
  return controllerOf(pod)?.kind === 'Job';
}

function cond(type: string, ok: boolean, at: string, reason?: string, message?: string): Condition {
  const c: Condition = { type, status: ok ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: at };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

/** Keeps lastTransitionTime of conditions whose status did not change. */
function mergeConditions(old: Condition[], next: Condition[]): Condition[] {
  return next.map((c) => {
    const prev = old.find((o) => o.type === c.type);
    return prev && prev.status === c.status && prev.lastTransitionTime ? { ...c, lastTransitionTime: prev.lastTransitionTime } : c;
  });
}

function podConditions(at: string, started: boolean, ready: boolean, unready: string[]): Condition[] {
  const msg = `containers with unready status: [${unready.join(' ')}]`;
  return [
    cond('PodReadyToStartContainers', started, at),
    cond('Initialized', true, at),
    ready ? cond('Ready', true, at) : cond('Ready', false, at, 'ContainersNotReady', msg),
    ready ? cond('ContainersReady', true, at) : cond('ContainersReady', false, at, 'ContainersNotReady', msg),
    cond('PodScheduled', true, at),
  ];
}

/** A pod whose containers all exited 0: not ready any more, for the reason PodCompleted. */
function completedConditions(at: string): Condition[] {
  return [cond('PodReadyToStartContainers', false, at), cond('Initialized', true, at, 'PodCompleted'), cond('Ready', false, at, 'PodCompleted'), cond('ContainersReady', false, at, 'PodCompleted'), cond('PodScheduled', true, at)];
}

/** Whether a node satisfies the pod's nodeSelector (affinity and taints are not simulated). */
export function nodeMatches(pod: KubeObject, node: KubeObject): boolean {
  const want = rec(spec(pod).nodeSelector);
  return Object.entries(want).every(([k, v]) => node.metadata.labels?.[k] === v);
}

/** Node chosen for a pod: the one with fewest pods, by name on ties, so placement is deterministic. */
function pickNode(ctx: Ctx, pod: KubeObject): KubeObject | undefined {
  const nodes = ctx.port.list(ref('Node')).filter((n) => !spec(n).unschedulable && nodeMatches(pod, n));
  if (!nodes.length) return undefined;
  const load = new Map<string, number>();
  for (const p of ctx.port.list(POD)) {
    const n = str(spec(p).nodeName);
    if (n) load.set(n, (load.get(n) ?? 0) + 1);
  }
  return [...nodes].sort((a, b) => (load.get(a.metadata.name ?? '') ?? 0) - (load.get(b.metadata.name ?? '') ?? 0))[0];
}

function nodeIp(ctx: Ctx, nodeName: string): string {
  const node = ctx.port.get(ref('Node'), undefined, nodeName);
  const addr = arr(status(node ?? ({} as KubeObject)).addresses).find((a) => a.type === 'InternalIP');
  return str(addr?.address) ?? '172.18.0.2';
}

function unboundClaims(ctx: Ctx, pod: KubeObject): string[] {
  const out: string[] = [];
  for (const v of arr(spec(pod).volumes)) {
    const claim = str(rec(v.persistentVolumeClaim).claimName);
    if (!claim) continue;
    const pvc = ctx.port.get(ref('PersistentVolumeClaim'), pod.metadata.namespace, claim);
    if (!pvc || status(pvc).phase !== 'Bound') out.push(claim);
  }
  return out;
}

function writeStatus(ctx: Ctx, pod: KubeObject, next: Json): void {
  const old = status(pod);
  const merged: Json = { ...next, conditions: mergeConditions(arr(old.conditions) as unknown as Condition[], (next.conditions ?? []) as Condition[]) };
  ctx.port.updateStatus({ ...pod, status: merged });
}

function unschedulable(ctx: Ctx, pod: KubeObject, message: string): void {
  const at = timestamp(ctx.now());
  const was = arr(status(pod).conditions).find((c) => c.type === 'PodScheduled');
  if (was?.message !== message) record(ctx, pod, 'Warning', 'FailedScheduling', message, 'default-scheduler');
  writeStatus(ctx, pod, { phase: 'Pending', conditions: [{ ...cond('PodScheduled', false, at, 'Unschedulable', message) }], qosClass: 'BestEffort' });
}

function schedule(ctx: Ctx, pod: KubeObject, fault: ObjectFault | undefined): KubeObject | undefined {
  const nodes = ctx.port.list(ref('Node')).length;
  if (fault === 'unschedulable') {
    unschedulable(ctx, pod, `0/${nodes} nodes are available: ${nodes} Insufficient cpu. preemption: 0/${nodes} nodes are available: ${nodes} No preemption victims found for incoming pod.`);
    return undefined;
  }
  const claims = unboundClaims(ctx, pod);
  if (claims.length) {
    unschedulable(ctx, pod, `0/${nodes} nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/${nodes} nodes are available: ${nodes} Preemption is not helpful for scheduling.`);
    return undefined;
  }
  const node = pickNode(ctx, pod);
  if (!node) {
    unschedulable(ctx, pod, nodes ? `0/${nodes} nodes are available: ${nodes} node(s) didn't match Pod's node affinity/selector. preemption: 0/${nodes} nodes are available: ${nodes} Preemption is not helpful for scheduling.` : 'no nodes available to schedule pods');
    return undefined;
  }
  record(ctx, pod, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node.metadata.name}`, 'default-scheduler');
  return ctx.port.update({ ...pod, spec: { ...spec(pod), nodeName: node.metadata.name } });
}

function containerBase(c: { name: string; image: string }, restartCount: number): Json {
  return { name: c.name, image: normalizeImage(c.image), imageID: '', restartCount, started: false, ready: false, lastState: {} };
}

/** Drops keys left undefined, so stored status equals what JSON would carry. */
function clean(c: Json): Json {
  const rest = { ...c };
  for (const k of Object.keys(rest)) if (rest[k] === undefined) delete rest[k];
  return rest;
}

function running(pod: KubeObject, c: { name: string; image: string }, restartCount: number, startedAt: string, ready: boolean): Json {
  const image = normalizeImage(c.image);
  return clean({
    ...containerBase(c, restartCount),
    containerID: `containerd://${hex64(`${pod.metadata.uid}/${c.name}/${restartCount}`)}`,
    imageID: `${image.replace(/:[^:/]+$/, '')}@sha256:${hex64(image)}`,
    ready,
    started: true,
    state: { running: { startedAt } },
  });
}

/** Restart back-off of the kubelet: 10s doubling to 5 minutes. */
export function backoffMs(restarts: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** Math.max(0, restarts - 1));
}

function reconcilePod(ctx: Ctx, namespace: string | undefined, name: string): void {
  let pod = ctx.port.get(POD, namespace, name);
  if (!pod || isTerminating(pod)) return;
  const st = status(pod);
  if (st.phase === 'Succeeded' || st.phase === 'Failed') return;
  const fault = podFault(ctx, pod);
  const now = ctx.now();
  const k = key('Pod', namespace, name);
  if (!str(spec(pod).nodeName)) {
    pod = schedule(ctx, pod, fault);
    if (!pod) return;
  }
  const nodeName = str(spec(pod).nodeName) ?? '';
  const startTime = parseTime(status(pod).startTime);
  if (startTime === undefined) {
    const at = timestamp(now);
    const hostIP = nodeIp(ctx, nodeName);
    const cs = containers(pod).map((c) => clean({ ...containerBase(c, 0), state: { waiting: { reason: 'ContainerCreating' } } }));
    writeStatus(ctx, pod, {
      phase: 'Pending',
      conditions: podConditions(at, false, false, containers(pod).map((c) => c.name)),
      hostIP,
      hostIPs: [{ ip: hostIP }],
      startTime: at,
      containerStatuses: cs,
      qosClass: 'BestEffort',
    });
    ctx.after(k, ctx.options.stepMs);
    return;
  }
  if (now < startTime + ctx.options.stepMs) {
    ctx.after(k, startTime + ctx.options.stepMs - now);
    return;
  }
  startContainers(ctx, pod, fault, now);
}

function podIp(ctx: Ctx, pod: KubeObject): string {
  const existing = str(status(pod).podIP);
  if (existing) return existing;
  const n = ctx.next('podIP');
  return `10.244.${Math.floor(n / 250) % 250}.${(n % 250) + 2}`;
}

function startContainers(ctx: Ctx, pod: KubeObject, fault: ObjectFault | undefined, now: number): void {
  const st = status(pod);
  const k = key('Pod', pod.metadata.namespace, pod.metadata.name ?? '');
  const at = timestamp(now);
  const prev = new Map(arr(st.containerStatuses).map((c) => [str(c.name) ?? '', c]));
  const specs = containers(pod);
  const names = specs.map((c) => c.name);
  const base = { hostIP: st.hostIP, hostIPs: st.hostIPs, startTime: st.startTime, qosClass: 'BestEffort' };
  const everStarted = st.phase === 'Running';

  if (fault === 'image-pull' && !everStarted) {
    // ErrImagePull for one step after the pull, then ImagePullBackOff: a function of time, so re-running is a no-op.
    const began = (parseTime(st.startTime) ?? now) + ctx.options.stepMs;
    const pulled = now >= began + ctx.options.stepMs;
    const cs = specs.map((c) => {
      const reason = pulled ? 'ImagePullBackOff' : 'ErrImagePull';
      const ref = normalizeImage(c.image);
      const message = pulled ? `Back-off pulling image "${c.image}"` : `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
      return clean({ ...containerBase(c, 0), state: { waiting: { reason, message } } });
    });
    const before = [...prev.values()].map((c) => rec(rec(c.state).waiting).reason);
    for (const c of specs) {
      if (!pulled && !before.includes('ErrImagePull')) record(ctx, pod, 'Warning', 'Failed', `Failed to pull image "${c.image}": not found`, 'kubelet');
      if (pulled && !before.includes('ImagePullBackOff')) record(ctx, pod, 'Normal', 'BackOff', `Back-off pulling image "${c.image}"`, 'kubelet');
    }
    writeStatus(ctx, pod, { ...base, phase: 'Pending', conditions: podConditions(at, true, false, names), podIP: podIp(ctx, pod), containerStatuses: cs });
    if (!pulled) ctx.after(k, began + ctx.options.stepMs - now);
    return;
  }

  const ip = podIp(ctx, pod);
  const withIp = { ...base, podIP: ip, podIPs: [{ ip }] };

  // A crash exits 1 ("Error"); a container over its memory limit is killed by the kernel: 137, "OOMKilled".
  const exit = fault === 'oom-kill' ? { exitCode: 137, reason: 'OOMKilled' } : { exitCode: 1, reason: 'Error' };
  if ((fault === 'crash-loop' || fault === 'oom-kill') && isJobPod(pod)) {
    const cs = specs.map((c) => clean({ ...containerBase(c, 0), state: { terminated: { ...exit, startedAt: at, finishedAt: at, containerID: `containerd://${hex64(`${pod.metadata.uid}/${c.name}/0`)}` } } }));
    writeStatus(ctx, pod, { ...withIp, phase: 'Failed', conditions: podConditions(at, false, false, names), containerStatuses: cs });
    return;
  }

  if (fault === 'crash-loop' || fault === 'oom-kill') {
    const restarts = Math.max(0, ...[...prev.values()].map((c) => num(c.restartCount, 0)));
    const lastCrash = Math.max(0, ...[...prev.values()].map((c) => parseTime(rec(rec(c.lastState).terminated).finishedAt) ?? 0));
    const crashing = [...prev.values()].some((c) => rec(rec(c.state).waiting).reason === 'CrashLoopBackOff');
    const due = crashing ? lastCrash + backoffMs(restarts) : now;
    if (now < due) {
      ctx.after(k, due - now);
      return;
    }
    const n = restarts + 1;
    const finishedAt = at;
    const cs = specs.map((c) => clean({
      ...containerBase(c, n),
      containerID: undefined,
      lastState: { terminated: { ...exit, startedAt: finishedAt, finishedAt, containerID: `containerd://${hex64(`${pod.metadata.uid}/${c.name}/${n - 1}`)}` } },
      state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${backoffMs(n) / 1000}s restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})` } },
    }));
    for (const c of specs) record(ctx, pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`, 'kubelet');
    writeStatus(ctx, pod, { ...withIp, phase: 'Running', conditions: podConditions(at, true, false, names), containerStatuses: cs });
    ctx.after(k, backoffMs(n));
    return;
  }

  const restarts = (name: string): number => num(prev.get(name)?.restartCount, 0);
  const startedAt = (name: string): string => {
    const r = rec(rec(prev.get(name)?.state).running);
    return str(r.startedAt) ?? at;
  };
  if (isJobPod(pod)) {
    const runMs = num(Number(pod.metadata.annotations?.[RUN_MS_ANNOTATION]), ctx.options.jobRunMs);
    const began = Math.min(...specs.map((c) => parseTime(startedAt(c.name)) ?? now));
    if (st.phase === 'Running' && now >= began + runMs) {
      const cs = specs.map((c) => clean({
        ...containerBase(c, restarts(c.name)),
        containerID: `containerd://${hex64(`${pod.metadata.uid}/${c.name}/${restarts(c.name)}`)}`,
        state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: startedAt(c.name), finishedAt: at, containerID: `containerd://${hex64(`${pod.metadata.uid}/${c.name}/${restarts(c.name)}`)}` } },
      }));
      writeStatus(ctx, pod, { ...withIp, phase: 'Succeeded', conditions: completedConditions(at), containerStatuses: cs });
      return;
    }
    ctx.after(k, Math.max(0, began + runMs - now));
  }
  const cs = specs.map((c) => running(pod, c, restarts(c.name), startedAt(c.name), true));
  for (const c of specs) if (!rec(prev.get(c.name)?.state).running) record(ctx, pod, 'Normal', 'Started', `Started container ${c.name}`, 'kubelet');
  writeStatus(ctx, pod, { ...withIp, phase: 'Running', conditions: podConditions(at, true, true, []), containerStatuses: cs });
}

/** Per cluster: workloads last seen with a fault annotation, so removing the annotation also reaches their pods. */
const annotated = new WeakMap<Ctx, Set<string>>();

/** Pods controlled by `owner`, directly or through a ReplicaSet it controls. */
function descendantPods(ctx: Ctx, owner: KubeObject): KubeObject[] {
  const uids = new Set([owner.metadata.uid]);
  for (const rs of ctx.port.list(ref('ReplicaSet'), owner.metadata.namespace)) if (controllerOf(rs)?.uid === owner.metadata.uid) uids.add(rs.metadata.uid);
  return ctx.port.list(POD, owner.metadata.namespace).filter((p) => uids.has(controllerOf(p)?.uid));
}

function faultAnnotationTriggers(ctx: Ctx, obj: KubeObject): string[] {
  const seen = annotated.get(ctx) ?? new Set<string>();
  annotated.set(ctx, seen);
  const k = key(obj.kind, obj.metadata.namespace, obj.metadata.name ?? '');
  const has = obj.metadata.annotations?.[FAULT_ANNOTATION] !== undefined;
  if (!has && !seen.has(k)) return [];
  if (has) seen.add(k);
  else seen.delete(k);
  return descendantPods(ctx, obj).map((p) => key('Pod', p.metadata.namespace, p.metadata.name ?? ''));
}

const WORKLOADS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job']);

export const podReconciler: Reconciler = {
  kind: 'Pod',
  reconcile: reconcilePod,
  triggers(ctx, type, obj) {
    // A fault annotated on (or removed from) a workload reaches the pods it already has.
    if (WORKLOADS.has(obj.kind) && type === 'MODIFIED') return faultAnnotationTriggers(ctx, obj);
    // A claim that binds lets pods waiting on it schedule.
    if (obj.kind !== 'PersistentVolumeClaim' || status(obj).phase !== 'Bound') return [];
    return ctx.port
      .list(POD, obj.metadata.namespace)
      .filter((p) => !str(spec(p).nodeName))
      .map((p) => key('Pod', p.metadata.namespace, p.metadata.name ?? ''));
  },
};
