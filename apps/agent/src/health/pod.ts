// Health of a bare Pod: Running with every container ready is Healthy; crash loops and image errors are Degraded.
import { condition, field, list, str } from './fields.js';
import type { HealthResult, LiveObject } from './types.js';

const degradedWaitingReasons = new Set([
  'CrashLoopBackOff',
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

function containerProblem(object: LiveObject): string | undefined {
  const statuses = [...list(object, 'status', 'initContainerStatuses'), ...list(object, 'status', 'containerStatuses')];
  for (const status of statuses) {
    const reason = str(status, 'state', 'waiting', 'reason');
    if (reason !== undefined && degradedWaitingReasons.has(reason)) {
      const message = str(status, 'state', 'waiting', 'message');
      return `container ${str(status, 'name') ?? '?'}: ${reason}${message ? `: ${message}` : ''}`;
    }
  }
  return undefined;
}

export function podHealth(object: LiveObject): HealthResult {
  if (field(object, 'metadata', 'deletionTimestamp') !== undefined) return { status: 'Progressing', message: 'Pending deletion' };
  const problem = containerProblem(object);
  if (problem !== undefined) return { status: 'Degraded', message: problem };
  const phase = str(object, 'status', 'phase');
  const reasonOr = (fallback: string) => str(object, 'status', 'message') ?? fallback;
  switch (phase) {
    case 'Succeeded':
      return { status: 'Healthy', message: reasonOr('Pod completed') };
    case 'Failed':
      return { status: 'Degraded', message: reasonOr('Pod failed') };
    case 'Pending':
      return { status: 'Progressing', message: reasonOr('Pod is pending') };
    case 'Running': {
      const ready = condition(object, 'Ready');
      if (ready?.status === 'True') return { status: 'Healthy', message: 'Pod is running and ready' };
      if (str(object, 'spec', 'restartPolicy') !== 'Always' && str(object, 'spec', 'restartPolicy') !== undefined) {
        return { status: 'Progressing', message: 'Pod is running' };
      }
      return { status: 'Progressing', message: ready?.message || 'Pod is running but not ready' };
    }
    default:
      return { status: 'Unknown', message: phase === undefined ? 'Pod has no phase yet' : `Pod phase ${phase}` };
  }
}
