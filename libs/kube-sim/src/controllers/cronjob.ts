// CronJob controller: creates a Job at each scheduled minute (named <cronjob>-<unix minutes> like the real one),
// honours suspend and concurrencyPolicy, keeps the history limits, and reports active/lastScheduleTime/lastSuccessfulTime.

import type { KubeObject } from '../types/index.js';
import type { Ctx, Reconciler } from './runtime.js';
import { key, ref } from './runtime.js';
import type { Json } from './meta.js';
import { conditions, controllerRef, deepCopy, isControlledBy, isTerminating, nameOf, num, parseTime, rec, spec, status, str, timestamp } from './meta.js';

const CRON = ref('CronJob');
const JOB = ref('Job');
const MINUTE = 60_000;
/** Never look further back than this for a missed schedule (the real controller's 100-misses guard, coarsely). */
const MAX_LOOKBACK_MINUTES = 60 * 24;

const MACROS: Record<string, string> = { '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0', '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *' };

function field(expr: string, min: number, max: number): Set<number> | undefined {
  const out = new Set<number>();
  for (const part of expr.split(',')) {
    const [range = '', stepRaw] = part.split('/');
    const step = stepRaw === undefined ? 1 : Number(stepRaw);
    let lo = min;
    let hi = max;
    if (range !== '*' && range !== '?') {
      const [a, b] = range.split('-');
      lo = Number(a);
      hi = b === undefined ? (stepRaw === undefined ? lo : max) : Number(b);
    }
    if (![lo, hi, step].every(Number.isInteger) || lo < min || hi > max || step < 1) return undefined;
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

/** Parses a 5-field cron schedule (UTC, or the CronJob's timeZone ignored) into a minute matcher; undefined if invalid. */
export function parseSchedule(schedule: string): ((ms: number) => boolean) | undefined {
  const fields = (MACROS[schedule.trim()] ?? schedule).trim().replace(/^(CRON_)?TZ=\S+\s+/, '').split(/\s+/);
  if (fields.length !== 5) return undefined;
  const [m, h, dom, mon, dow] = [field(fields[0]!, 0, 59), field(fields[1]!, 0, 23), field(fields[2]!, 1, 31), field(fields[3]!, 1, 12), field(fields[4]!.replace('7', '0'), 0, 6)];
  if (!m || !h || !dom || !mon || !dow) return undefined;
  const domAny = fields[2] === '*' || fields[2] === '?';
  const dowAny = fields[4] === '*' || fields[4] === '?';
  return (ms) => {
    const d = new Date(ms);
    const dayOk = domAny || dowAny ? dom.has(d.getUTCDate()) && dow.has(d.getUTCDay()) : dom.has(d.getUTCDate()) || dow.has(d.getUTCDay());
    return m.has(d.getUTCMinutes()) && h.has(d.getUTCHours()) && mon.has(d.getUTCMonth() + 1) && dayOk;
  };
}

function jobFinished(job: KubeObject): 'Complete' | 'Failed' | undefined {
  const c = conditions(job).find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  return c?.type as 'Complete' | 'Failed' | undefined;
}

function reconcileCronJob(ctx: Ctx, namespace: string | undefined, name: string): void {
  const cj = ctx.port.get(CRON, namespace, name);
  if (!cj || isTerminating(cj)) return;
  const s = spec(cj);
  const matches = parseSchedule(str(s.schedule) ?? '');
  if (!matches) return;
  const now = ctx.now();
  let jobs = ctx.port.list(JOB, namespace).filter((j) => isControlledBy(j, cj));
  const st = status(cj);
  const from = parseTime(st.lastScheduleTime) ?? parseTime(cj.metadata.creationTimestamp) ?? now;
  // The most recent scheduled minute in (from, now], if any.
  let due: number | undefined;
  const start = Math.max(Math.floor(from / MINUTE) + 1, Math.floor(now / MINUTE) - MAX_LOOKBACK_MINUTES);
  for (let t = Math.floor(now / MINUTE); t >= start; t--) {
    if (matches(t * MINUTE)) {
      due = t * MINUTE;
      break;
    }
  }
  const next: Json = { ...st };
  if (due !== undefined && !s.suspend) {
    const running = jobs.filter((j) => !jobFinished(j));
    const policy = str(s.concurrencyPolicy) ?? 'Allow';
    if (policy === 'Replace') for (const j of running) ctx.port.store.delete({ group: 'batch', kind: 'Job' }, namespace, nameOf(j), { propagationPolicy: 'Background' });
    if (policy !== 'Forbid' || running.length === 0) {
      const tmpl = rec(deepCopy(s.jobTemplate));
      const jobName = `${name}-${Math.floor(due / MINUTE)}`;
      if (!ctx.port.get(JOB, namespace, jobName)) {
        const meta = rec(tmpl.metadata);
        ctx.port.create({
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: { ...meta, name: jobName, namespace, annotations: { ...(rec(meta.annotations) as Record<string, string>), 'batch.kubernetes.io/cronjob-scheduled-timestamp': new Date(due).toISOString().replace('.000Z', 'Z') }, ownerReferences: [controllerRef(cj)] },
          spec: rec(tmpl.spec),
        });
      }
      next.lastScheduleTime = timestamp(due);
    }
  }
  jobs = ctx.port.list(JOB, namespace).filter((j) => isControlledBy(j, cj));
  cleanup(ctx, jobs.filter((j) => jobFinished(j) === 'Complete'), num(s.successfulJobsHistoryLimit, 3));
  cleanup(ctx, jobs.filter((j) => jobFinished(j) === 'Failed'), num(s.failedJobsHistoryLimit, 1));
  const active = jobs.filter((j) => !jobFinished(j) && ctx.port.get(JOB, namespace, nameOf(j)));
  if (active.length) next.active = active.map((j) => ({ apiVersion: 'batch/v1', kind: 'Job', name: nameOf(j), namespace, uid: j.metadata.uid, resourceVersion: j.metadata.resourceVersion }));
  else delete next.active;
  const succeeded = jobs.filter((j) => jobFinished(j) === 'Complete').map((j) => parseTime(status(j).completionTime) ?? 0);
  if (succeeded.length) next.lastSuccessfulTime = timestamp(Math.max(...succeeded));
  ctx.port.updateStatus({ ...cj, status: next });
  // Wake at the next scheduled minute.
  for (let t = Math.floor(now / MINUTE) + 1; t <= Math.floor(now / MINUTE) + MAX_LOOKBACK_MINUTES; t++) {
    if (matches(t * MINUTE)) {
      ctx.after(key('CronJob', namespace, name), t * MINUTE - now);
      break;
    }
  }
}

function cleanup(ctx: Ctx, finished: KubeObject[], limit: number): void {
  const old = [...finished].sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)) || nameOf(a).localeCompare(nameOf(b)));
  for (const j of old.slice(0, Math.max(0, old.length - limit))) ctx.port.store.delete({ group: 'batch', kind: 'Job' }, j.metadata.namespace, nameOf(j), { propagationPolicy: 'Background' });
}

export const cronJobReconciler: Reconciler = { kind: 'CronJob', reconcile: reconcileCronJob };
