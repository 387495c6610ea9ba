// The rollout planner: a pure, deterministic step from (run, pipeline, observed clusters, commands, now) to the next
// run, the actions the driver must take, the events explaining them and the next wake-up. No I/O, no clock of its own,
// no randomness (lint enforces it), so tests drive it with tables and fast-check.
import { formatDuration, placeCluster, resolveQuantity } from '../pipeline/spec.js';
import type { PipelineSpec, StageSpec, WaveSpec } from '../pipeline/spec.js';
import type {
  Command,
  ObservedCluster,
  Pin,
  PlanInput,
  PlanResult,
  PlannedAction,
  PlannedEvent,
  PromotionRun,
  StageRun,
  TargetRun,
  WaveRun,
} from './types.js';

export * from './types.js';

export function shortCommit(commit: string): string {
  return commit.slice(0, 7);
}

/** Whether `status` speaks for the generation and commit a target was asked to run; older reports do not count. */
export function countsFor(generation: number | null, commit: string, status: ObservedCluster['status']): status is NonNullable<ObservedCluster['status']> {
  return status !== undefined && generation !== null && status.observedGeneration >= generation && status.observedCommit === commit;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

interface Ctx {
  input: PlanInput;
  run: PromotionRun;
  actions: PlannedAction[];
  events: PlannedEvent[];
  consumed: string[];
  wake: number[];
  clusters: Map<string, ObservedCluster>;
}

function stageSpec(pipeline: PipelineSpec, name: string): StageSpec | undefined {
  return pipeline.stages.find((s) => s.name === name);
}

function waveSpec(stage: StageSpec, name: string): WaveSpec {
  return stage.waves.find((w) => w.name === name) ?? stage.waves.at(-1)!;
}

function emit(ctx: Ctx, event: PlannedEvent): void {
  ctx.events.push(event);
}

/** A new stage run: the stage's live clusters now, each in the first wave that selects it. */
export function newStageRun(pipeline: PipelineSpec, stageName: string, clusters: readonly ObservedCluster[]): StageRun {
  const stage = stageSpec(pipeline, stageName)!;
  const waves: WaveRun[] = stage.waves.map((w) => ({ name: w.name, implicit: w.implicit, state: 'Pending', startedAt: null, finishedAt: null, targets: [] }));
  const sorted = [...clusters].filter((c) => c.live).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const c of sorted) {
    const placed = placeCluster(pipeline, c.labels);
    if (placed?.stage.name !== stageName) continue;
    waves.find((w) => w.name === placed.wave.name)!.targets.push({
      clusterId: c.id,
      cluster: c.name,
      previous: c.current,
      phase: 'Pending',
      generation: null,
      pinnedAt: null,
      lastUnhealthyAt: null,
      unhealthy: false,
      note: 'waiting for its wave',
    });
  }
  // An implicit wave that holds nobody is not shown: it exists only to never drop a cluster.
  return { stage: stageName, state: 'Pending', startedAt: null, finishedAt: null, message: '', waves: waves.filter((w) => !w.implicit || w.targets.length > 0) };
}

/** One planning step. */
export function plan(input: PlanInput): PlanResult {
  const run = structuredClone(input.run);
  const ctx: Ctx = { input, run, actions: [], events: [], consumed: [], wake: [], clusters: new Map(input.clusters.map((c) => [c.id, c])) };
  const done = (): PlanResult => ({ run, actions: ctx.actions, events: ctx.events, consumed: ctx.consumed, wakeAt: ctx.wake.length ? Math.min(...ctx.wake) : null });

  for (const command of input.commands) applyCommand(ctx, command);
  if (run.state === 'Pending') {
    if (run.stages.length === 0) run.stages.push(newStageRun(input.pipeline, input.promotion.targetStage, input.clusters));
    run.state = 'Progressing';
    emit(ctx, { type: 'Started', reason: `promoting ${shortCommit(input.promotion.commit)} into stage ${input.promotion.targetStage}${input.promotion.forced ? ' (forced past its upstream stages)' : ''}` });
  }
  if (run.state === 'RollingBack') {
    stepRollback(ctx);
    return done();
  }
  if (!['Progressing', 'Paused', 'WaitingApproval'].includes(run.state)) return done();

  let waiting = false;
  for (const stageRun of run.stages) {
    if (stageRun.state === 'Succeeded' || stageRun.state === 'Failed') continue;
    const outcome = stepStage(ctx, stageRun);
    if (outcome === 'failed') {
      failPromotion(ctx, stageRun);
      return done();
    }
    if (outcome === 'waiting') waiting = true;
    if (outcome === 'succeeded') enterDownstream(ctx, stageRun.stage);
  }
  if (run.stages.every((s) => s.state === 'Succeeded')) {
    run.state = 'Succeeded';
    run.message = `${shortCommit(input.promotion.commit)} succeeded in ${run.stages.map((s) => s.stage).join(', ')}`;
    emit(ctx, { type: 'Succeeded', reason: run.message });
    return done();
  }
  run.state = run.paused ? 'Paused' : waiting ? 'WaitingApproval' : 'Progressing';
  run.message = progressMessage(run);
  return done();
}

function progressMessage(run: PromotionRun): string {
  const active = run.stages.filter((s) => s.state !== 'Succeeded');
  return active
    .map((s) => {
      const wave = s.waves.find((w) => w.state !== 'Succeeded');
      if (!wave) return `${s.stage}: finishing`;
      const healthy = wave.targets.filter((t) => t.phase === 'Done').length;
      const gate = s.state === 'WaitingApproval' ? ' (waiting for approval of the stage)' : wave.state === 'WaitingApproval' ? ' (waiting for approval)' : '';
      return `${s.stage}/${wave.name}: ${healthy}/${wave.targets.length} healthy${gate}`;
    })
    .join('; ');
}

function applyCommand(ctx: Ctx, command: Command): void {
  const { run } = ctx;
  ctx.consumed.push(command.id);
  const by = `${command.actor}${command.reason ? `: ${command.reason}` : ''}`;
  const refuse = (why: string) => emit(ctx, { type: 'CommandRefused', reason: `${command.type} by ${command.actor} refused: ${why}` });
  const inFlight = ['Pending', 'Progressing', 'Paused', 'WaitingApproval'].includes(run.state);
  switch (command.type) {
    case 'pause':
      if (!inFlight) return refuse(`the promotion is ${run.state}`);
      run.paused = true;
      return emit(ctx, { type: 'Paused', reason: `paused by ${by}` });
    case 'resume':
      if (!run.paused) return refuse('the promotion is not paused');
      run.paused = false;
      return emit(ctx, { type: 'Resumed', reason: `resumed by ${by}` });
    case 'abort':
      if (!inFlight && run.state !== 'RollingBack') return refuse(`the promotion is ${run.state}`);
      run.state = 'Aborted';
      run.message = `aborted by ${by}; clusters keep what they run now`;
      for (const s of run.stages) if (!['Succeeded', 'Failed'].includes(s.state)) s.state = 'Aborted';
      return emit(ctx, { type: 'Aborted', reason: run.message });
    case 'rollback':
      if (!inFlight && run.state !== 'Failed' && run.state !== 'Succeeded') return refuse(`the promotion is ${run.state}`);
      return startRollback(ctx, `rollback requested by ${by}`);
    case 'approve':
    case 'reject': {
      const gate = openGate(run, command.stage, command.wave);
      if (!gate) return refuse(`no approval gate is waiting${command.stage ? ` at stage ${command.stage}${command.wave ? ` wave ${command.wave}` : ''}` : ''}`);
      const where = gate.wave ? `stage ${gate.stage.stage} wave ${gate.wave.name}` : `stage ${gate.stage.stage}`;
      if (command.type === 'reject') {
        const reason = `rejected at ${where} by ${by}`;
        gate.stage.state = 'Failed';
        gate.stage.message = reason;
        run.state = 'Failed';
        run.message = reason;
        return emit(ctx, { type: 'Rejected', reason, stage: gate.stage.stage, ...(gate.wave ? { wave: gate.wave.name } : {}) });
      }
      const approval = { by: command.actor, reason: command.reason, at: ctx.input.now };
      if (gate.wave) gate.wave.approval = approval;
      else gate.stage.approval = approval;
      return emit(ctx, { type: 'Approved', reason: `${where} approved by ${by}`, stage: gate.stage.stage, ...(gate.wave ? { wave: gate.wave.name } : {}) });
    }
  }
}

function openGate(run: PromotionRun, stage?: string, wave?: string): { stage: StageRun; wave?: WaveRun } | undefined {
  for (const s of run.stages) {
    if (stage && s.stage !== stage) continue;
    if (s.state === 'WaitingApproval' && !wave) return { stage: s };
    const w = s.waves.find((x) => x.state === 'WaitingApproval' && (!wave || x.name === wave));
    if (w) return { stage: s, wave: w };
  }
  return undefined;
}

type StageOutcome = 'progressing' | 'waiting' | 'failed' | 'succeeded';

function stepStage(ctx: Ctx, stageRun: StageRun): StageOutcome {
  const spec = stageSpec(ctx.input.pipeline, stageRun.stage)!;
  const { now } = ctx.input;
  if (stageRun.state === 'Pending' || stageRun.state === 'WaitingApproval') {
    if (spec.approval && !stageRun.approval) {
      if (stageRun.state === 'Pending') emit(ctx, { type: 'WaitingApproval', reason: `stage ${stageRun.stage} waits for a promoter's approval`, stage: stageRun.stage });
      stageRun.state = 'WaitingApproval';
      return 'waiting';
    }
    if (ctx.run.paused) return 'progressing';
    stageRun.state = 'Progressing';
    stageRun.startedAt = now;
    const total = stageRun.waves.reduce((n, w) => n + w.targets.length, 0);
    emit(ctx, { type: 'StageStarted', reason: `stage ${stageRun.stage}: ${plural(total, 'cluster')} in ${plural(stageRun.waves.length, 'wave')} (${stageRun.waves.map((w) => `${w.name} ${w.targets.length}`).join(', ')})`, stage: stageRun.stage });
  }

  dropLeavers(ctx, stageRun, spec);
  let waiting = false;
  for (const [index, wave] of stageRun.waves.entries()) {
    const wspec = waveSpec(spec, wave.name);
    if (wave.state === 'Succeeded') {
      const relapse = watch(ctx, stageRun, wave, wspec);
      if (relapse) return failStage(ctx, stageRun, `wave ${wave.name} no longer healthy: ${relapse}`);
      continue;
    }
    // Waves run strictly in order: this is the first one not yet succeeded.
    const outcome = stepWave(ctx, stageRun, wave, wspec, index);
    if (outcome === 'failed') return 'failed';
    if (outcome === 'waiting') waiting = true;
    if (outcome !== 'succeeded') return waiting ? 'waiting' : 'progressing';
  }
  // Every wave succeeded and stayed healthy.
  stageRun.state = 'Succeeded';
  stageRun.finishedAt = now;
  const targets = stageRun.waves.flatMap((w) => w.targets);
  const healthy = targets.filter((t) => t.phase === 'Done').length;
  stageRun.message = `${healthy}/${targets.length} clusters healthy at ${shortCommit(ctx.input.promotion.commit)}`;
  const catchUp = [
    ...targets.filter((t) => t.phase === 'Skipped').map((t) => t.clusterId),
    // Clusters that joined the stage while it ran started at its previous release; they follow it now.
    ...ctx.input.clusters
      .filter((c) => c.live && placeCluster(ctx.input.pipeline, c.labels)?.stage.name === stageRun.stage && !targets.some((t) => t.clusterId === c.id))
      .filter((c) => c.current?.commit !== ctx.input.promotion.commit)
      .map((c) => c.id),
  ];
  ctx.actions.push({ type: 'Release', stage: stageRun.stage, pin: { commit: ctx.input.promotion.commit, revision: ctx.input.promotion.revision }, catchUp });
  emit(ctx, { type: 'StageSucceeded', reason: `stage ${stageRun.stage} succeeded: ${stageRun.message}${catchUp.length ? `; ${plural(catchUp.length, 'cluster')} skipped or joined meanwhile follow it now` : ''}`, stage: stageRun.stage });
  return 'succeeded';
}

/** Clusters that left the stage (revoked, deleted, relabelled): dropped, unless their failure must stand. */
function dropLeavers(ctx: Ctx, stageRun: StageRun, spec: StageSpec): void {
  for (const wave of stageRun.waves) {
    for (const t of wave.targets) {
      if (t.phase === 'Dropped' || t.phase === 'Failed') continue;
      const c = ctx.clusters.get(t.clusterId);
      const stays = c !== undefined && c.live && placeCluster(ctx.input.pipeline, c.labels)?.stage.name === spec.name;
      if (stays) continue;
      if (c && t.generation !== null) evaluate(ctx, t, waveSpec(spec, wave.name));
      const why = c === undefined ? 'was deleted' : !c.live ? 'was revoked' : 'left the stage (labels changed)';
      if (t.unhealthy) {
        t.phase = 'Failed';
        t.note = `${why} while unhealthy: ${t.note}`;
        emit(ctx, { type: 'TargetFailed', reason: `${t.cluster} ${t.note}`, stage: stageRun.stage, wave: wave.name, cluster: t.cluster });
      } else {
        t.phase = 'Dropped';
        t.note = why;
        emit(ctx, { type: 'TargetDropped', reason: `${t.cluster} ${why}: no longer a target`, stage: stageRun.stage, wave: wave.name, cluster: t.cluster });
      }
    }
  }
}

/** Judges one changed target against its last report; updates its phase and note and wakes the planner when due. */
function evaluate(ctx: Ctx, t: TargetRun, spec: WaveSpec): void {
  const { now, promotion } = ctx.input;
  const c = ctx.clusters.get(t.clusterId);
  const status = c?.status;
  const counts = countsFor(t.generation, promotion.commit, status);
  // A cluster never heard from is given the staleness limit from the moment its commit was written.
  const heard = c?.lastSeenAt ?? t.pinnedAt;
  const silentFor = heard == null ? Infinity : now - heard;
  const stale = c !== undefined && c.live && silentFor > spec.staleAfterMs;
  if (c?.live && !stale && heard != null) ctx.wake.push(heard + spec.staleAfterMs + 1);
  let problem: string | undefined;
  let final = false;
  if (counts && status.sync === 'Failed' && !status.syncRetryable) {
    problem = `sync Failed: ${status.syncError || 'no error message'}`;
    final = true;
  } else if (counts && status.health === 'Degraded') problem = `Degraded: ${status.healthMessage || 'no message'}`;
  else if (stale) problem = `Unknown: silent for ${formatDuration(Math.min(silentFor, 1e12))} (staleness limit ${formatDuration(spec.staleAfterMs)})`;
  const healthy = !problem && counts && status.sync === 'Synced' && status.health === 'Healthy';

  if (problem) {
    t.unhealthy = true;
    t.lastUnhealthyAt = now;
    t.note = problem;
    if (final && t.phase !== 'Done') t.phase = 'Failed';
    else if (t.phase === 'Baking') t.phase = 'Updating';
  } else if (healthy) {
    t.unhealthy = false;
    const since = Math.max(status.healthySince ?? now, t.lastUnhealthyAt ?? 0, t.pinnedAt ?? 0);
    if (t.phase !== 'Done') {
      if (now - since >= spec.bakeMs) {
        t.phase = 'Done';
        t.note = `healthy for ${formatDuration(now - since)}`;
      } else {
        t.phase = 'Baking';
        t.note = `healthy, baking ${formatDuration(now - since)}/${formatDuration(spec.bakeMs)}`;
        ctx.wake.push(since + spec.bakeMs);
      }
    }
  } else {
    t.unhealthy = false;
    if (t.phase === 'Baking') t.phase = 'Updating';
    const reported = c?.status;
    t.note =
      reported === undefined
        ? 'no report yet'
        : !counts
          ? `reports ${shortCommit(reported.observedCommit)} at generation ${reported.observedGeneration}, waiting for ${shortCommit(promotion.commit)} at ${t.generation}`
          : reported.sync === 'Failed'
            ? `sync Failed (retrying): ${reported.syncError}`
            : `${reported.sync}, ${reported.health}${reported.healthMessage ? `: ${reported.healthMessage}` : ''}`;
  }
  // Not done in time: a failure that stands.
  if ((t.phase === 'Updating' || t.phase === 'Baking') && t.pinnedAt !== null) {
    const deadline = t.pinnedAt + spec.progressDeadlineMs;
    if (now >= deadline) {
      t.phase = 'Failed';
      t.unhealthy = true;
      t.note = `not Synced and Healthy within its progress deadline of ${formatDuration(spec.progressDeadlineMs)}: ${t.note}`;
    } else ctx.wake.push(deadline);
  }
}

function unhealthyTargets(wave: WaveRun): TargetRun[] {
  return wave.targets.filter((t) => t.phase === 'Failed' || ((t.phase === 'Updating' || t.phase === 'Baking' || t.phase === 'Done') && t.unhealthy));
}

function describeUnhealthy(targets: TargetRun[]): string {
  return targets.map((t) => `${t.cluster} ${t.note}`).join('; ');
}

/** A wave that already succeeded, watched until its stage completes: a relapse beyond tolerance fails the stage. */
function watch(ctx: Ctx, stageRun: StageRun, wave: WaveRun, spec: WaveSpec): string | undefined {
  for (const t of wave.targets) if (t.phase === 'Done') evaluate(ctx, t, spec);
  const bad = unhealthyTargets(wave);
  const tolerance = resolveQuantity(spec.maxUnhealthy, wave.targets.length, false);
  return bad.length > tolerance ? describeUnhealthy(bad) : undefined;
}

function stepWave(ctx: Ctx, stageRun: StageRun, wave: WaveRun, spec: WaveSpec, index: number): 'progressing' | 'waiting' | 'failed' | 'succeeded' {
  const { now } = ctx.input;
  const at = { stage: stageRun.stage, wave: wave.name };
  if (wave.state === 'Pending' || wave.state === 'WaitingApproval') {
    if (spec.approval && !wave.approval) {
      if (wave.state === 'Pending') emit(ctx, { type: 'WaitingApproval', reason: `wave ${wave.name} of stage ${stageRun.stage} waits for a promoter's approval`, ...at });
      wave.state = 'WaitingApproval';
      return 'waiting';
    }
    if (ctx.run.paused) return 'progressing';
    wave.state = 'Progressing';
    wave.startedAt = now;
    const skipped: string[] = [];
    for (const t of wave.targets) {
      const c = ctx.clusters.get(t.clusterId);
      const offline = c === undefined || c.lastSeenAt === null || now - c.lastSeenAt > spec.staleAfterMs;
      if (t.phase === 'Pending' && spec.offline === 'skip' && offline) {
        t.phase = 'Skipped';
        t.note = 'offline when its wave started: gets the commit once the stage succeeds';
        skipped.push(t.cluster);
      }
    }
    const parallel = resolveQuantity(spec.maxParallel, wave.targets.length, true);
    emit(ctx, {
      type: 'WaveStarted',
      reason: `wave ${wave.name} (${index + 1}/${stageRun.waves.length}) of stage ${stageRun.stage} started: ${plural(wave.targets.length, 'cluster')}, at most ${parallel} at once, bake ${formatDuration(spec.bakeMs)}${skipped.length ? `; skipped offline: ${skipped.join(', ')}` : ''}`,
      ...at,
    });
  }

  for (const t of wave.targets) if (t.phase === 'Updating' || t.phase === 'Baking' || t.phase === 'Done') evaluate(ctx, t, spec);
  const bad = unhealthyTargets(wave);
  const tolerance = resolveQuantity(spec.maxUnhealthy, wave.targets.length, false);
  if (bad.length > tolerance) {
    wave.state = 'Failed';
    wave.finishedAt = now;
    failStage(ctx, stageRun, `wave ${wave.name}: ${describeUnhealthy(bad)}`);
    return 'failed';
  }
  // Pace: never more than maxParallel clusters changed and not yet verified.
  const inProgress = wave.targets.filter((t) => t.phase === 'Updating' || t.phase === 'Baking').length;
  const capacity = resolveQuantity(spec.maxParallel, wave.targets.length, true) - inProgress;
  const pending = wave.targets.filter((t) => t.phase === 'Pending');
  if (!ctx.run.paused && capacity > 0 && pending.length > 0) {
    const next = pending.slice(0, capacity);
    for (const t of next) {
      t.phase = 'Updating';
      t.pinnedAt = now;
      t.note = 'desired state written';
      ctx.wake.push(now + spec.progressDeadlineMs);
    }
    ctx.actions.push({ type: 'Pin', stage: stageRun.stage, clusterIds: next.map((t) => t.clusterId), pin: { commit: ctx.input.promotion.commit, revision: ctx.input.promotion.revision }, purpose: 'rollout' });
    return 'progressing';
  }
  const open = wave.targets.some((t) => t.phase === 'Pending' || t.phase === 'Updating' || t.phase === 'Baking');
  if (open) return 'progressing';
  wave.state = 'Succeeded';
  wave.finishedAt = now;
  const healthy = wave.targets.filter((t) => t.phase === 'Done').length;
  const counted = wave.targets.filter((t) => t.phase !== 'Dropped' && t.phase !== 'Skipped').length;
  emit(ctx, { type: 'WaveSucceeded', reason: `wave ${wave.name}: ${healthy}/${counted} healthy for ${formatDuration(spec.bakeMs)}, advancing${bad.length ? ` (tolerated: ${describeUnhealthy(bad)})` : ''}`, ...at });
  return 'succeeded';
}

function failStage(ctx: Ctx, stageRun: StageRun, reason: string): 'failed' {
  stageRun.state = 'Failed';
  stageRun.finishedAt = ctx.input.now;
  stageRun.message = reason;
  emit(ctx, { type: 'StageFailed', reason: `stage ${stageRun.stage} failed: ${reason}`, stage: stageRun.stage });
  return 'failed';
}

function failPromotion(ctx: Ctx, stageRun: StageRun): void {
  const spec = stageSpec(ctx.input.pipeline, stageRun.stage)!;
  if (spec.onFailure === 'rollback') {
    startRollback(ctx, `stage ${stageRun.stage} failed (${stageRun.message}): rolling back`);
    stepRollback(ctx);
    return;
  }
  ctx.run.state = 'Failed';
  ctx.run.message = `halted: ${stageRun.message}`;
  emit(ctx, { type: 'Halted', reason: `${ctx.run.message}; waiting for an operator (rollback, or a new promotion)`, stage: stageRun.stage });
}

/** Downstream stages with autoPromote whose every upstream stage now has the commit succeeded. */
function enterDownstream(ctx: Ctx, stage: string): void {
  const { pipeline, promotion, succeeded } = ctx.input;
  const has = (s: string) => s === stage || ctx.run.stages.some((r) => r.stage === s && r.state === 'Succeeded') || (succeeded[s] ?? []).includes(promotion.commit);
  for (const next of pipeline.stages) {
    if (!next.after.includes(stage) || !next.autoPromote) continue;
    if (ctx.run.stages.some((r) => r.stage === next.name)) continue;
    if (!next.after.every(has)) continue;
    ctx.run.stages.push(newStageRun(pipeline, next.name, ctx.input.clusters));
    emit(ctx, { type: 'AutoPromoted', reason: `autoPromote: ${shortCommit(promotion.commit)} succeeded in ${next.after.join(', ')}, entering stage ${next.name}`, stage: next.name });
  }
}

function startRollback(ctx: Ctx, reason: string): void {
  const { run } = ctx;
  const steps: { stage: string; wave: string }[] = [];
  for (const stageRun of [...run.stages].reverse()) {
    for (const wave of [...stageRun.waves].reverse()) {
      const changed = wave.targets.filter((t) => t.generation !== null || t.phase === 'Updating');
      if (changed.length === 0) continue;
      for (const t of changed) t.revert = { phase: 'Pending', generation: null, pinnedAt: null, note: `back to ${t.previous ? shortCommit(t.previous.commit) : 'nothing (removed)'}` };
      steps.push({ stage: stageRun.stage, wave: wave.name });
    }
    if (stageRun.state === 'Succeeded') {
      const previous = previousRelease(stageRun);
      if (previous) ctx.actions.push({ type: 'Unrelease', stage: stageRun.stage, pin: previous });
    }
    if (stageRun.state !== 'Failed') stageRun.state = 'RollingBack';
  }
  run.rollback = { reason, current: 0, steps };
  run.state = 'RollingBack';
  run.paused = false;
  run.message = reason;
  emit(ctx, { type: 'RollbackStarted', reason: `${reason}: ${plural(steps.length, 'wave')} to revert, in reverse order` });
}

/** The release a succeeded stage had before: the commit most of its targets ran before (they all ran it, normally). */
function previousRelease(stageRun: StageRun): Pin | undefined {
  return stageRun.waves.flatMap((w) => w.targets).find((t) => t.previous)?.previous ?? undefined;
}

function stepRollback(ctx: Ctx): void {
  const { run } = ctx;
  const rollback = run.rollback!;
  const { now } = ctx.input;
  while (rollback.current < rollback.steps.length) {
    const step = rollback.steps[rollback.current]!;
    const stageRun = run.stages.find((s) => s.stage === step.stage)!;
    const wave = stageRun.waves.find((w) => w.name === step.wave)!;
    const spec = waveSpec(stageSpec(ctx.input.pipeline, step.stage)!, wave.name);
    const targets = wave.targets.filter((t) => t.revert);
    for (const t of targets) {
      const r = t.revert!;
      if (r.phase !== 'Reverting') continue;
      const c = ctx.clusters.get(t.clusterId);
      if (!c || !c.live) {
        r.phase = 'Reverted';
        r.note = 'left the fleet';
        continue;
      }
      if (t.previous === null) {
        r.phase = 'Reverted';
        r.note = 'application removed';
        continue;
      }
      if (countsFor(r.generation, t.previous.commit, c.status) && c.status.sync === 'Synced') {
        r.phase = 'Reverted';
        r.note = `back on ${shortCommit(t.previous.commit)}`;
      } else if (r.pinnedAt !== null && now >= r.pinnedAt + spec.progressDeadlineMs) {
        r.phase = 'Stuck';
        r.note = `not back on ${shortCommit(t.previous.commit)} within ${formatDuration(spec.progressDeadlineMs)}`;
        emit(ctx, { type: 'RevertStuck', reason: `${t.cluster} ${r.note}`, stage: step.stage, wave: wave.name, cluster: t.cluster });
      } else if (r.pinnedAt !== null) ctx.wake.push(r.pinnedAt + spec.progressDeadlineMs);
    }
    const reverting = targets.filter((t) => t.revert!.phase === 'Reverting').length;
    const capacity = resolveQuantity(spec.maxParallel, targets.length, true) - reverting;
    const pending = targets.filter((t) => t.revert!.phase === 'Pending').slice(0, Math.max(0, capacity));
    if (pending.length > 0) {
      const back = new Map<string, { pin: Pin | null; ids: string[] }>();
      for (const t of pending) {
        t.revert!.phase = 'Reverting';
        t.revert!.pinnedAt = now;
        const key = t.previous ? `${t.previous.commit}@${t.previous.revision}` : '';
        const group = back.get(key) ?? { pin: t.previous, ids: [] };
        group.ids.push(t.clusterId);
        back.set(key, group);
      }
      for (const { pin, ids } of back.values()) {
        ctx.actions.push(pin ? { type: 'Pin', stage: step.stage, clusterIds: ids, pin, purpose: 'revert' } : { type: 'Unpin', stage: step.stage, clusterIds: ids });
      }
      ctx.wake.push(now + spec.progressDeadlineMs);
      if (rollback.current === 0 && pending.length === targets.length) {
        emit(ctx, { type: 'RollbackWave', reason: `rolling back wave ${wave.name} of stage ${step.stage}: ${plural(targets.length, 'cluster')}`, stage: step.stage, wave: wave.name });
      }
      return;
    }
    if (reverting > 0) return;
    const stuck = targets.filter((t) => t.revert!.phase === 'Stuck').length;
    emit(ctx, { type: 'RollbackWaveDone', reason: `wave ${wave.name} of stage ${step.stage} rolled back: ${targets.length - stuck}/${targets.length} back${stuck ? `, ${stuck} stuck` : ''}`, stage: step.stage, wave: wave.name });
    rollback.current++;
    const nextStep = rollback.steps[rollback.current];
    if (nextStep) emit(ctx, { type: 'RollbackWave', reason: `rolling back wave ${nextStep.wave} of stage ${nextStep.stage}`, stage: nextStep.stage, wave: nextStep.wave });
  }
  for (const s of run.stages) s.state = 'RolledBack';
  run.state = 'RolledBack';
  const all = run.stages.flatMap((s) => s.waves.flatMap((w) => w.targets)).filter((t) => t.revert);
  run.message = `rolled back (${rollback.reason}): ${all.filter((t) => t.revert!.phase === 'Reverted').length}/${all.length} clusters back on their previous commit`;
  emit(ctx, { type: 'RolledBack', reason: run.message });
}
