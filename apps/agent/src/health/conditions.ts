// Health of HPAs, Namespaces and any object that reports standard status.conditions (Ready, Available, Failed, ...).
import { conditions, generationPending, str } from './fields.js';
import type { Condition } from './fields.js';
import type { HealthResult, LiveObject } from './types.js';

const hpaDegraded: ReadonlyArray<readonly [string, string]> = [
  ['AbleToScale', 'FailedGetScale'],
  ['AbleToScale', 'FailedUpdateScale'],
  ['ScalingActive', 'FailedGetResourceMetric'],
  ['ScalingActive', 'InvalidSelector'],
];
const hpaHealthy: ReadonlyArray<readonly [string, string]> = [
  ['AbleToScale', 'SucceededRescale'],
  ['ScalingLimited', 'DesiredWithinRange'],
  ['ScalingLimited', 'TooFewReplicas'],
  ['ScalingLimited', 'TooManyReplicas'],
];
const matches = (c: Condition, table: ReadonlyArray<readonly [string, string]>) => table.some(([type, reason]) => c.type === type && c.reason === reason);

export function hpaHealth(object: LiveObject): HealthResult {
  const all = conditions(object);
  const degraded = all.find((c) => matches(c, hpaDegraded));
  if (degraded) return { status: 'Degraded', message: degraded.message || degraded.reason };
  const ok = all.find((c) => matches(c, hpaHealthy));
  if (ok) return { status: 'Healthy', message: ok.message || ok.reason };
  return { status: 'Progressing', message: 'Waiting to Autoscale' };
}

export function namespaceHealth(object: LiveObject): HealthResult {
  const phase = str(object, 'status', 'phase');
  if (phase === 'Terminating') return { status: 'Progressing', message: 'Namespace is terminating' };
  return { status: 'Healthy', message: 'Namespace is active' };
}

const failureTypes = new Set(['Failed', 'Stalled', 'Degraded']);
const readinessTypes = ['Ready', 'Available', 'Healthy', 'Succeeded', 'Established'];
const progressTypes = new Set(['Progressing', 'Reconciling']);

/** Anything else: judged by the conventional conditions; an object without any is Healthy once it exists. */
export function conditionsHealth(object: LiveObject): HealthResult {
  const all = conditions(object);
  const failed = all.find((c) => failureTypes.has(c.type) && c.status === 'True');
  if (failed) return { status: 'Degraded', message: `${failed.type}: ${failed.message || failed.reason}` };
  if (generationPending(object)) return { status: 'Progressing', message: 'Waiting for the controller to observe the latest generation' };
  for (const type of readinessTypes) {
    const c = all.find((x) => x.type === type);
    if (c?.status === 'True') return { status: 'Healthy', message: c.message || `${type}` };
    if (c?.status === 'False') {
      const stillMoving = all.some((x) => progressTypes.has(x.type) && x.status === 'True');
      return { status: stillMoving ? 'Progressing' : 'Degraded', message: `${type}=False: ${c.message || c.reason}` };
    }
    if (c) return { status: 'Progressing', message: `${type}=${c.status}: ${c.message || c.reason}` };
  }
  const moving = all.find((c) => progressTypes.has(c.type) && c.status === 'True');
  if (moving) return { status: 'Progressing', message: moving.message || moving.reason || moving.type };
  return { status: 'Healthy', message: 'exists' };
}
