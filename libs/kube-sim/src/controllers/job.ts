// Job controller: runs pods to completion (parallelism, completions), counts succeeded/failed, and sets the
// SuccessCriteriaMet/Complete or FailureTarget/Failed conditions a v1.32 controller writes (backoffLimit, deadline).

import type { KubeObject } from '../types/index.js';
import type { Ctx, Reconciler } from './runtime.js';
import { key, ref } from './runtime.js';
import type { Condition, Json } from './meta.js';
import { conditions, isTerminating, nameOf, num, omitZero, parseTime, spec, status, timestamp } from './meta.js';
import { record } from './events.js';
import { createPod, deletePod, generatedName, isFinished, isReady, ownedPods, podFromTemplate } from './podutil.js';

const JOB = ref('Job');

function finished(job: KubeObject): boolean {
  return conditions(job).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

function jobCondition(type: string, reason: string, message: string, at: string): Condition {
  return { type, status: 'True', lastProbeTime: at, lastTransitionTime: at, reason, message };
}

function reconcileJob(ctx: Ctx, namespace: string | undefined, name: string): void {
  const job = ctx.port.get(JOB, namespace, name);
  if (!job || isTerminating(job) || finished(job)) return;
  const s = spec(job);
  const completions = num(s.completions, 1);
  const parallelism = num(s.parallelism, 1);
  const backoffLimit = num(s.backoffLimit, 6);
  const now = ctx.now();
  const at = timestamp(now);
  const old = status(job);
  const startTime = (old.startTime as string | undefined) ?? at;
  const pods = ownedPods(ctx, job).filter((p) => !isTerminating(p));
  const succeeded = pods.filter((p) => status(p).phase === 'Succeeded').length;
  const failed = pods.filter((p) => status(p).phase === 'Failed').length;
  let active = pods.filter((p) => !isFinished(p));
  const conds = conditions(job);
  const next: Json = { startTime };
  const deadline = s.activeDeadlineSeconds;
  const k = key('Job', namespace, name);

  const fail = (reason: string, message: string): void => {
    for (const p of active) deletePod(ctx, p);
    active = [];
    next.conditions = [...conds, jobCondition('FailureTarget', reason, message, at), jobCondition('Failed', reason, message, at)];
    record(ctx, job, 'Warning', reason, message, 'job-controller');
  };
  if (succeeded >= completions) {
    for (const p of active) deletePod(ctx, p);
    active = [];
    const msg = 'Reached expected number of succeeded pods';
    next.conditions = [...conds, jobCondition('SuccessCriteriaMet', 'CompletionsReached', msg, at), jobCondition('Complete', 'CompletionsReached', msg, at)];
    next.completionTime = at;
    record(ctx, job, 'Normal', 'Completed', 'Job completed', 'job-controller');
  } else if (failed > backoffLimit) {
    fail('BackoffLimitExceeded', 'Job has reached the specified backoff limit');
  } else if (typeof deadline === 'number' && now >= (parseTime(startTime) ?? now) + deadline * 1000) {
    fail('DeadlineExceeded', 'Job was active longer than specified deadline');
  } else if (!s.suspend) {
    const want = Math.min(parallelism, completions - succeeded) - active.length;
    for (let i = 0; i < want; i++) {
      const pod = podFromTemplate(job, s.template, generatedName(ctx, `${name}-`), {
        'batch.kubernetes.io/controller-uid': job.metadata.uid ?? '',
        'batch.kubernetes.io/job-name': name,
        'controller-uid': job.metadata.uid ?? '',
        'job-name': name,
      });
      createPod(ctx, pod);
      record(ctx, job, 'Normal', 'SuccessfulCreate', `Created pod: ${nameOf(pod)}`, 'job-controller');
      active.push(ctx.port.get(ref('Pod'), namespace, nameOf(pod))!);
    }
    if (typeof deadline === 'number') ctx.after(k, (parseTime(startTime) ?? now) + deadline * 1000 - now);
  }
  Object.assign(next, omitZero({ active: active.length, succeeded, failed }));
  next.ready = active.filter(isReady).length;
  next.terminating = 0;
  next.uncountedTerminatedPods = {};
  if (!next.conditions && conds.length) next.conditions = conds;
  ctx.port.updateStatus({ ...job, status: next });
}

export const jobReconciler: Reconciler = { kind: 'Job', reconcile: reconcileJob };
