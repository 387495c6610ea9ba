// Health of Jobs and CronJobs: a finished Job is Healthy, a failed one Degraded, a suspended one Suspended (Argo CD's
// rule); a CronJob is Suspended when suspended, else Healthy (its Jobs carry their own health).
import { condition, field, list, str } from './fields.js';
import type { HealthResult, LiveObject } from './types.js';

export function jobHealth(object: LiveObject): HealthResult {
  const failed = condition(object, 'Failed');
  if (failed?.status === 'True') return { status: 'Degraded', message: failed.message || `Job failed: ${failed.reason}` };
  const complete = condition(object, 'Complete');
  if (complete?.status === 'True') return { status: 'Healthy', message: complete.message || 'Job completed' };
  if (condition(object, 'Suspended')?.status === 'True') return { status: 'Suspended', message: condition(object, 'Suspended')?.message || 'Job is suspended' };
  if (field(object, 'spec', 'suspend') === true) return { status: 'Suspended', message: 'Job is suspended' };
  return { status: 'Progressing', message: 'Job is running' };
}

export function cronJobHealth(object: LiveObject): HealthResult {
  if (field(object, 'spec', 'suspend') === true) return { status: 'Suspended', message: 'CronJob is suspended' };
  const active = list(object, 'status', 'active').length;
  const scheduled = str(object, 'status', 'lastScheduleTime');
  if (active > 0) return { status: 'Healthy', message: `${active} job(s) running` };
  if (scheduled === undefined) return { status: 'Healthy', message: 'CronJob has not been scheduled yet' };
  return { status: 'Healthy', message: `last scheduled at ${scheduled}` };
}
