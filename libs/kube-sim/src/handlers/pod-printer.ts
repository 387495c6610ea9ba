// The Pod row of kube-apiserver's printer (pkg/printers/internalversion/printers.go printPod): READY, the STATUS
// reason derived from container states, RESTARTS with the age of the last restart, and the wide columns.

import type { KubeObject } from '../types/index.js';

type Rec = Record<string, unknown>;

interface ContainerStatus {
  name?: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: { waiting?: { reason?: string }; running?: Rec; terminated?: Terminated };
  lastState?: { terminated?: Terminated };
}

interface Terminated {
  reason?: string;
  exitCode?: number;
  signal?: number;
  finishedAt?: string;
}

export interface PodCells {
  ready: string;
  status: string;
  restarts: number;
  /** Latest finishedAt of a previous container run, when there was a restart. */
  lastRestart?: string;
  ip: string;
  node: string;
  nominatedNode: string;
  readinessGates: string;
}

const rec = (v: unknown): Rec => (v && typeof v === 'object' ? (v as Rec) : {});
const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function later(a: string | undefined, b: string | undefined): string | undefined {
  if (!b) return a;
  if (!a) return b;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

function terminatedReason(t: Terminated, prefix: string): string {
  if (t.reason) return `${prefix}${t.reason}`;
  return t.signal ? `${prefix}Signal:${t.signal}` : `${prefix}ExitCode:${t.exitCode ?? 0}`;
}

function conditionTrue(conditions: { type?: string; status?: string }[], type: string): boolean {
  return conditions.some((c) => c.type === type && c.status === 'True');
}

export function podCells(pod: KubeObject): PodCells {
  const spec = rec(pod.spec);
  const st = rec(pod.status);
  const conditions = arr<{ type?: string; status?: string; reason?: string }>(st.conditions);
  const initSpecs = arr<{ name?: string; restartPolicy?: string }>(spec.initContainers);
  const sidecar = new Set(initSpecs.filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const total = arr(spec.containers).length + sidecar.size;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart: string | undefined;
  let lastSidecarRestart: string | undefined;
  const phase = str(st.phase);
  let reason = str(st.reason) || phase;
  if (conditions.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  let initializing = false;
  const initStatuses = arr<ContainerStatus>(st.initContainerStatuses);
  for (const [i, c] of initStatuses.entries()) {
    restarts += c.restartCount ?? 0;
    lastRestart = later(lastRestart, c.lastState?.terminated?.finishedAt);
    const isSidecar = sidecar.has(c.name);
    if (isSidecar) {
      sidecarRestarts += c.restartCount ?? 0;
      lastSidecarRestart = later(lastSidecarRestart, c.lastState?.terminated?.finishedAt);
    }
    const term = c.state?.terminated;
    const waiting = str(c.state?.waiting?.reason);
    if (term && (term.exitCode ?? 0) === 0) continue;
    if (isSidecar && c.started) {
      if (c.ready) ready++;
      continue;
    }
    if (term) reason = terminatedReason(term, 'Init:');
    else if (waiting && waiting !== 'PodInitializing') reason = `Init:${waiting}`;
    else reason = `Init:${i}/${initSpecs.length}`;
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(conditions, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = arr<ContainerStatus>(st.containerStatuses);
    // printPod walks the containers backwards, so the first container's reason wins.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]!;
      restarts += c.restartCount ?? 0;
      lastRestart = later(lastRestart, c.lastState?.terminated?.finishedAt);
      const waiting = str(c.state?.waiting?.reason);
      const term = c.state?.terminated;
      if (waiting) reason = waiting;
      else if (term) reason = terminatedReason(term, '');
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(conditions, 'Ready') ? 'Running' : 'NotReady';
  }

  const meta = pod.metadata as Rec;
  if (meta.deletionTimestamp && str(st.reason) === 'NodeLost') reason = 'Unknown';
  else if (meta.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  const gates = arr<{ conditionType?: string }>(spec.readinessGates);
  const gatesTrue = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length;
  return {
    ready: `${ready}/${total}`,
    status: reason,
    restarts,
    ...(restarts !== 0 && lastRestart ? { lastRestart } : {}),
    ip: str(arr<{ ip?: string }>(st.podIPs)[0]?.ip) || '<none>',
    node: str(spec.nodeName) || '<none>',
    nominatedNode: str(st.nominatedNodeName) || '<none>',
    readinessGates: gates.length ? `${gatesTrue}/${gates.length}` : '<none>',
  };
}
