// A pure, in-memory stand-in for the driver and the fleet, for planner tests: it applies the planner's actions the way
// the driver does (pins get growing generations) and lets a test script what each cluster reports and when.
import { parsePipeline } from '../../src/rollout/pipeline/spec.js';
import type { PipelineSpec } from '../../src/rollout/pipeline/spec.js';
import { plan } from '../../src/rollout/planner/index.js';
import type { Command, HealthState, ObservedCluster, PlanResult, PlannedEvent, PromotionRun, SyncState } from '../../src/rollout/planner/types.js';

export const OLD = 'o'.repeat(40);
export const NEW = 'n'.repeat(40);

export interface SimCluster {
  id: string;
  name: string;
  labels: Record<string, string>;
  live: boolean;
  lastSeenAt: number | null;
  /** Desired state the driver wrote. */
  pin: { commit: string; revision: number } | null;
  generation: number;
  report?: { generation: number; commit: string; sync: SyncState; health: HealthState; message: string; retryable: boolean; healthySince: number | null };
}

export function pipeline(stages: unknown): PipelineSpec {
  const parsed = parsePipeline(stages);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.path}: ${p.reason}`).join('; '));
  return parsed.pipeline;
}

export class PlannerSim {
  now = 1_000_000;
  run: PromotionRun = { state: 'Pending', message: '', paused: false, stages: [] };
  readonly events: PlannedEvent[] = [];
  readonly results: PlanResult[] = [];
  readonly clusters = new Map<string, SimCluster>();
  succeeded: Record<string, string[]> = {};
  private commands: Command[] = [];
  private nextCommand = 1;

  constructor(
    readonly spec: PipelineSpec,
    readonly targetStage: string,
    readonly commit = NEW,
  ) {}

  add(name: string, labels: Record<string, string>, pin: string | null = OLD): SimCluster {
    const c: SimCluster = { id: `id-${name}`, name, labels, live: true, lastSeenAt: this.now, pin: pin ? { commit: pin, revision: 1 } : null, generation: 1 };
    if (pin) c.report = { generation: 1, commit: pin, sync: 'Synced', health: 'Healthy', message: '', retryable: false, healthySince: this.now };
    this.clusters.set(c.id, c);
    return c;
  }

  get(name: string): SimCluster {
    return this.clusters.get(`id-${name}`)!;
  }

  /** The agent of `name` reports on what it was last asked to run. */
  report(name: string, health: HealthState, sync: SyncState = 'Synced', opts: { message?: string; retryable?: boolean } = {}): void {
    const c = this.get(name);
    c.lastSeenAt = this.now;
    const healthy = sync === 'Synced' && health === 'Healthy';
    const same = c.report && c.report.generation === c.generation && c.report.commit === c.pin?.commit;
    const healthySince = healthy ? (same && c.report!.healthySince !== null ? c.report!.healthySince : this.now) : null;
    c.report = { generation: c.generation, commit: c.pin?.commit ?? '', sync, health, message: opts.message ?? '', retryable: opts.retryable ?? false, healthySince };
  }

  heartbeat(name: string): void {
    this.get(name).lastSeenAt = this.now;
  }

  command(type: Command['type'], extra: Partial<Command> = {}): void {
    this.commands.push({ id: `cmd-${this.nextCommand++}`, type, actor: 'alice', reason: '', ...extra });
  }

  advance(ms: number): void {
    this.now += ms;
  }

  observed(): ObservedCluster[] {
    return [...this.clusters.values()].map((c) => ({
      id: c.id,
      name: c.name,
      labels: c.labels,
      live: c.live,
      lastSeenAt: c.lastSeenAt,
      current: c.pin,
      status: c.report
        ? { observedGeneration: c.report.generation, observedCommit: c.report.commit, sync: c.report.sync, syncRetryable: c.report.retryable, syncError: c.report.message, health: c.report.health, healthMessage: c.report.message, healthySince: c.report.healthySince }
        : undefined,
    }));
  }

  /** One driver step: plan, then apply its actions as the driver does; repeats while the planner acts. */
  step(): PlanResult {
    let result: PlanResult;
    for (let round = 0; ; round++) {
      result = plan({ promotion: { id: 'p1', app: 'shop', commit: this.commit, revision: 2, targetStage: this.targetStage, forced: false }, pipeline: this.spec, run: this.run, clusters: this.observed(), succeeded: this.succeeded, commands: this.commands, now: this.now });
      this.commands = this.commands.filter((c) => !result.consumed.includes(c.id));
      this.run = result.run;
      this.events.push(...result.events);
      this.results.push(result);
      for (const action of result.actions) {
        if (action.type === 'Pin' || action.type === 'Unpin') {
          for (const id of action.clusterIds) {
            const c = this.clusters.get(id)!;
            c.pin = action.type === 'Pin' ? action.pin : null;
            c.generation++;
            const target = this.run.stages.find((s) => s.stage === action.stage)!.waves.flatMap((w) => w.targets).find((t) => t.clusterId === id)!;
            if (action.type === 'Pin' && action.purpose === 'rollout') target.generation = c.generation;
            else if (target.revert) target.revert.generation = c.generation;
          }
        } else if (action.type === 'Release') {
          (this.succeeded[action.stage] ??= []).push(action.pin.commit);
          for (const id of action.catchUp) {
            const c = this.clusters.get(id)!;
            c.pin = action.pin;
            c.generation++;
          }
        }
      }
      if (result.actions.length === 0 || round > 20) return result;
    }
  }

  /** Names of the clusters of a wave in a phase. */
  phase(stage: string, wave: string, phase: string): string[] {
    return this.run.stages.find((s) => s.stage === stage)!.waves.find((w) => w.name === wave)!.targets.filter((t) => t.phase === phase).map((t) => t.cluster);
  }

  waveState(stage: string, wave: string): string {
    return this.run.stages.find((s) => s.stage === stage)?.waves.find((w) => w.name === wave)?.state ?? 'absent';
  }
}
