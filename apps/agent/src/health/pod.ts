// Health of a bare Pod, after Argo CD's rule (restart policy decides whether a running pod can be Healthy), and the
// problems of a workload's pods (crash loops, image pulls, OOM kills, unschedulable) that make the workload Degraded.
import { condition, field, list, num, str } from './fields.js';
import type { Json } from './fields.js';
import type { HealthResult, LiveObject } from './types.js';

/** Argo CD's annotation (and ours) for pods an operator runs with OnFailure/Never that should still count as services. */
const ignoreRestartPolicyAnnotations = ['health.flotilla.dev/ignore-restart-policy', 'argocd.argoproj.io/ignore-restart-policy'];

/** A waiting reason that means the container will not start by itself: ErrImagePull, CrashLoopBackOff, CreateContainerError, ... */
export function isErrorWaitingReason(reason: string): boolean {
  return reason.startsWith('Err') || reason.endsWith('Error') || reason.endsWith('BackOff') || reason === 'InvalidImageName';
}

const containerStatuses = (pod: Json): Json[] => [...list(pod, 'status', 'initContainerStatuses'), ...list(pod, 'status', 'containerStatuses')];
const nameOf = (status: Json) => str(status, 'name') ?? '?';

function lastTermination(status: Json): string | undefined {
  const reason = str(status, 'lastState', 'terminated', 'reason') ?? str(status, 'state', 'terminated', 'reason');
  const code = num(status, 'lastState', 'terminated', 'exitCode') ?? num(status, 'state', 'terminated', 'exitCode');
  if (reason === undefined && code === undefined) return undefined;
  return `${reason ?? 'terminated'}${code !== undefined ? ` (exit code ${code})` : ''}`;
}

/** The first container waiting on an error, as `container <name>: <Reason>: <message>`. */
function waitingError(pod: Json): { reason: string; message: string } | undefined {
  for (const status of containerStatuses(pod)) {
    const reason = str(status, 'state', 'waiting', 'reason');
    if (reason === undefined || !isErrorWaitingReason(reason)) continue;
    const detail = str(status, 'state', 'waiting', 'message');
    const oom = str(status, 'lastState', 'terminated', 'reason') === 'OOMKilled';
    // A container killed for memory sits in CrashLoopBackOff; its cause is what an operator needs to read.
    const shown = oom ? 'OOMKilled' : reason;
    return { reason: shown, message: `container ${nameOf(status)}: ${shown}${oom ? ` (${reason})` : ''}${detail ? `: ${detail}` : ''}` };
  }
  return undefined;
}

function failureMessage(pod: Json): string {
  const message = str(pod, 'status', 'message');
  if (message) return message;
  for (const status of containerStatuses(pod)) {
    const terminated = field(status, 'state', 'terminated');
    if (terminated === undefined) continue;
    const text = str(terminated, 'message');
    if (text) return text;
    if (str(terminated, 'reason') === 'OOMKilled') return `container ${nameOf(status)}: OOMKilled`;
    const code = num(terminated, 'exitCode');
    if (code !== undefined && code !== 0) return `container ${nameOf(status)} failed with exit code ${code}`;
  }
  return 'Pod failed';
}

function pendingMessage(pod: Json): string {
  const scheduled = condition(pod, 'PodScheduled');
  if (scheduled?.status === 'False') return `${scheduled.reason || 'not scheduled'}${scheduled.message ? `: ${scheduled.message}` : ''}`;
  return str(pod, 'status', 'message') ?? 'Pod is pending';
}

export function podHealth(pod: LiveObject): HealthResult {
  const restartPolicy = str(pod, 'spec', 'restartPolicy') ?? 'Always';
  // Pods that run to completion (hooks, jobs' pods) are not judged by their waiting containers: they may yet succeed.
  if (restartPolicy === 'Always') {
    const waiting = waitingError(pod);
    if (waiting) return { status: 'Degraded', message: waiting.message };
  }
  const phase = str(pod, 'status', 'phase');
  switch (phase) {
    case 'Pending':
      return { status: 'Progressing', message: pendingMessage(pod) };
    case 'Succeeded':
      return { status: 'Healthy', message: str(pod, 'status', 'message') ?? 'Pod completed' };
    case 'Failed':
      return { status: 'Degraded', message: failureMessage(pod) };
    case 'Running': {
      const annotations = field(pod, 'metadata', 'annotations');
      const ignorePolicy = ignoreRestartPolicyAnnotations.some((a) => field(annotations, a) !== undefined);
      if (restartPolicy !== 'Always' && !ignorePolicy) return { status: 'Progressing', message: str(pod, 'status', 'message') ?? `Pod is running (restartPolicy ${restartPolicy})` };
      if (condition(pod, 'Ready')?.status === 'True') return { status: 'Healthy', message: str(pod, 'status', 'message') ?? 'Pod is running and ready' };
      for (const status of list(pod, 'status', 'containerStatuses')) {
        if (field(status, 'lastState', 'terminated') !== undefined) {
          return { status: 'Degraded', message: `container ${nameOf(status)} is not ready and last terminated: ${lastTermination(status) ?? 'terminated'}` };
        }
      }
      return { status: 'Progressing', message: str(pod, 'status', 'message') ?? 'Pod is running but not ready' };
    }
    default:
      return { status: 'Unknown', message: str(pod, 'status', 'message') ?? (phase === undefined ? 'Pod has no phase yet' : `Pod phase ${phase}`) };
  }
}

export interface PodProblem {
  /** CrashLoopBackOff, ImagePullBackOff, ErrImagePull, OOMKilled, Unschedulable, Failed, ... */
  reason: string;
  message: string;
}

/**
 * Why a workload's pod will not become ready by waiting: a container waiting on an error (whatever the restart policy),
 * an OOM kill, a scheduler that found no node, or a failed pod. Undefined for a pod that is fine or merely starting.
 */
export function podProblem(pod: LiveObject): PodProblem | undefined {
  if (field(pod, 'metadata', 'deletionTimestamp') !== undefined) return undefined;
  const waiting = waitingError(pod);
  if (waiting) return waiting;
  for (const status of list(pod, 'status', 'containerStatuses')) {
    if (str(status, 'lastState', 'terminated', 'reason') === 'OOMKilled' && field(status, 'ready') !== true) {
      return { reason: 'OOMKilled', message: `container ${nameOf(status)}: OOMKilled` };
    }
  }
  const scheduled = condition(pod, 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    return { reason: 'Unschedulable', message: `Unschedulable${scheduled.message ? `: ${scheduled.message}` : ''}` };
  }
  if (str(pod, 'status', 'phase') === 'Failed') return { reason: str(pod, 'status', 'reason') ?? 'Failed', message: failureMessage(pod) };
  return undefined;
}
