// Health of HPAs, APIServices, Namespaces and any object that reports standard status.conditions (Ready, Available,
// Failed, ...) or a stale status.observedGeneration.
import { conditions, field, generationPending, str } from './fields.js';
import type { Condition } from './fields.js';
import type { HealthResult, LiveObject } from './types.js';

const hpaDegraded: ReadonlyArray<readonly [string, string]> = [
  ['AbleToScale', 'FailedGetScale'],
  ['AbleToScale', 'FailedUpdateScale'],
  ['ScalingActive', 'FailedGetResourceMetric'],
  ['ScalingActive', 'InvalidSelector'],
];
const waitingToAutoscale: HealthResult = { status: 'Progressing', message: 'Waiting to Autoscale' };

/** autoscaling/v1 keeps the v2 conditions as JSON in an annotation; a malformed one yields undefined. */
function v1Conditions(object: LiveObject): Condition[] | undefined {
  const text = str(object, 'metadata', 'annotations', 'autoscaling.alpha.kubernetes.io/conditions');
  if (text === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (_error) {
    return undefined;
  }
  return conditions({ status: { conditions: parsed } });
}

/** Degraded when scaling fails (whatever order the conditions come in); Healthy once it is able to scale or limited. */
export function hpaHealth(object: LiveObject): HealthResult {
  const all = str(object, 'apiVersion') === 'autoscaling/v1' ? v1Conditions(object) : conditions(object);
  if (all === undefined) return { status: 'Unknown', message: 'annotation autoscaling.alpha.kubernetes.io/conditions is not a JSON list of conditions' };
  const degraded = all.find((c) => hpaDegraded.some(([type, reason]) => c.type === type && c.reason === reason));
  if (degraded) return { status: 'Degraded', message: `${degraded.reason}: ${degraded.message}`.trim() };
  const ok = all.find((c) => (c.type === 'AbleToScale' || c.type === 'ScalingLimited') && c.status === 'True');
  if (ok) return { status: 'Healthy', message: ok.message || ok.reason };
  return waitingToAutoscale;
}

/** An aggregated API is Healthy when Available; otherwise it is still being processed (Argo CD: Progressing). */
export function apiServiceHealth(object: LiveObject): HealthResult {
  const available = conditions(object).find((c) => c.type === 'Available');
  if (available === undefined) return { status: 'Progressing', message: 'Waiting to be processed' };
  const message = `${available.reason}: ${available.message}`;
  return { status: available.status === 'True' ? 'Healthy' : 'Progressing', message };
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
  if (generationPending(object) && field(object, 'status', 'observedGeneration') !== undefined) {
    return { status: 'Progressing', message: 'Waiting for the controller to observe the latest generation' };
  }
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
