// The durable driver around the pure planner: each step loads a promotion's run, plans, applies the actions (pins in
// desired state, releases), and saves the run with a version check and its events in ONE transaction. Timers are
// wake-up times stored with the run, so a hub killed at any point resumes where it was. Status flushes, commands and
// fleet changes only mark promotions due; one scheduler (the leader's) steps them.
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import { FlotillaError } from '../errors/index.js';
import type { ChangedClusters, Fleet } from '../fleet/index.js';
import { applicationRevision } from '../fleet/applications.js';
import { pinCommit, unpinApp } from '../fleet/desired-state.js';
import { clusterAppStatuses, applications, promotionCommands, promotions, stageReleases } from '../store/index.js';
import type { Database, Transaction } from '../store/index.js';
import { toStatusView } from '../fleet/clusters.js';
import type { AppStatusView } from '../fleet/index.js';
import { upstreamOf } from './pipeline/spec.js';
import type { PipelineSpec } from './pipeline/spec.js';
import { inFlightStates, plan, shortCommit } from './planner/index.js';
import type { CommandType, PlannedAction, PromotionRun, PromotionState } from './planner/index.js';
import { previewPromotion } from './preview.js';
import type { PromotionPreview } from './preview.js';
import {
  appendEvents,
  consumeCommands,
  duePromotionIds,
  eventsAfter,
  eventsOf,
  loadPromotion,
  markDue,
  nextWakeAt,
  observeClusters,
  pendingCommands,
  releaseHistory,
  saveRun,
  succeededCommits,
} from './queries.js';
import type { LoadedPromotion } from './queries.js';
import { toPromotionView } from './views.js';
import type { PromotionRow, PromotionView } from './views.js';

export interface CreatePromotionInput {
  app: string;
  /** 40 hexadecimal characters, already resolved from a ref when one was given. */
  commit: string;
  ref?: string;
  /** The stage to enter; default: the pipeline's only first stage. */
  stage?: string;
  /** Enter the stage although its upstream stages have not succeeded with the commit (admins only; recorded). */
  force?: boolean;
  /** Who asked (the API token's name). */
  actor: string;
}

export interface DriverLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RolloutOptions {
  db: Database;
  fleet: Fleet;
  logger?: DriverLogger;
  /** A step that failed is retried after this long; the wake-up timer is re-armed at least every 60 of them. Default 1000 ms. */
  tickMs?: number;
}

/** A step that acts is followed by another; this bounds the loop should a planner bug keep asking for actions. */
const MAX_STEPS_PER_CALL = 16;
const noLog: DriverLogger = { warn: () => undefined, error: () => undefined };

export class Rollout {
  private readonly db: Database;
  private readonly fleet: Fleet;
  private readonly log: DriverLogger;
  private readonly tickMs: number;
  private cancelWake: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private driving = false;
  /** Counted for /metrics: planning steps that threw (they are retried on the next tick). */
  stepFailures = 0;
  private readonly failedAt = new Map<string, number>();
  private dueRelay: (() => void) | undefined;

  constructor(options: RolloutOptions) {
    this.db = options.db;
    this.fleet = options.fleet;
    this.log = options.logger ?? noLog;
    this.tickMs = options.tickMs ?? 1000;
    this.fleet.statuses.onFlushed(async ({ apps }) => {
      await markDue(this.db, [...apps]);
      // The flush resolves once the promotions it concerns have been stepped, so `await fleet.flush()` settles them.
      await this.settle();
    });
    this.fleet.onClusterRevoked(async (tx) => {
      await markDue(tx);
      return async () => this.kick();
    });
    this.fleet.onClusterLabelsChanged(async (tx) => {
      await markDue(tx);
      queueMicrotask(() => this.kick());
    });
  }

  /** Where a replica that does not drive sends "promotions are due" (the leader). */
  setDueRelay(relay: () => void): void {
    this.dueRelay = relay;
  }

  /** Starts driving: this process steps due promotions (the leader, or the only hub on PGlite). */
  startDriving(): void {
    this.driving = true;
    this.kick();
  }

  async stopDriving(): Promise<void> {
    this.driving = false;
    this.cancelWake?.();
    this.cancelWake = undefined;
    await this.running;
  }

  get isDriving(): boolean {
    return this.driving;
  }

  /** Arms one timer for the earliest stored wake-up, so a promotion waiting on a bake or deadline is stepped on time. */
  private async armWake(): Promise<void> {
    this.cancelWake?.();
    this.cancelWake = undefined;
    if (!this.driving) return;
    const next = await nextWakeAt(this.db);
    if (next === undefined || !this.driving) return;
    const delay = Math.max(0, next.getTime() - this.fleet.clock.now().getTime());
    this.cancelWake = this.fleet.clock.after(Math.min(delay, this.tickMs * 60) + 1, () => this.kick());
  }

  /** Runs the due promotions soon; calls while a run is going collapse into one more run. */
  kick(): void {
    if (!this.driving) {
      this.dueRelay?.();
      return;
    }
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.runDue();
        if (!this.again) await this.armWake().catch((err: unknown) => this.log.error({ err: (err as Error).message }, 'cannot read the next wake-up'));
      } while (this.again && this.driving);
    })().finally(() => (this.running = undefined));
  }

  /** Kicks and waits until no step is running. */
  async settle(): Promise<void> {
    this.kick();
    while (this.running) await this.running;
  }

  /** Steps every due promotion once (and as often as its steps act); errors are logged, counted and retried later. */
  async runDue(): Promise<void> {
    const now = this.fleet.clock.now();
    let ids: string[];
    try {
      ids = await duePromotionIds(this.db, now);
    } catch (err) {
      this.stepFailures++;
      this.log.error({ err: (err as Error).message }, 'cannot read due promotions; retrying on the next tick');
      return;
    }
    for (const id of ids) {
      const failed = this.failedAt.get(id);
      // A promotion whose step keeps failing is retried on the tick, not in a hot loop.
      if (failed !== undefined && now.getTime() - failed < this.tickMs) continue;
      try {
        await this.advance(id);
        this.failedAt.delete(id);
      } catch (err) {
        this.stepFailures++;
        this.failedAt.set(id, now.getTime());
        this.log.error({ promotion: id, err: (err as Error).message }, 'planning step failed; retrying on the next tick');
      }
    }
  }

  /** Runs the planner on a promotion in one transaction; gateways hear of desired-state changes after it commits. */
  async advance(promotionId: string): Promise<void> {
    await this.fleet.transaction((tx, changed) => this.step(tx, promotionId, changed));
    this.eventsWritten();
  }

  private async step(tx: Transaction, promotionId: string, changed: ChangedClusters): Promise<void> {
    for (let round = 0; round < MAX_STEPS_PER_CALL; round++) {
      const loaded = await loadPromotion(tx, promotionId);
      if (!loaded || !inFlightStates.includes(loaded.state)) return;
      const now = this.fleet.clock.now();
      const result = plan({
        promotion: loaded.header,
        pipeline: loaded.pipeline,
        run: loaded.run,
        clusters: await observeClusters(tx, loaded.header.app),
        succeeded: await succeededCommits(tx, loaded.header.app),
        commands: await pendingCommands(tx, promotionId),
        now: now.getTime(),
      });
      for (const action of result.actions) await this.apply(tx, loaded, result.run, action, changed, now);
      await consumeCommands(tx, result.consumed, now);
      await appendEvents(tx, promotionId, loaded.header.app, result.events, now);
      if (!(await saveRun(tx, promotionId, loaded.version, result.run, result.wakeAt, now))) {
        throw new FlotillaError('Conflict', `promotion ${promotionId} was saved by another driver meanwhile`);
      }
      if (result.actions.length === 0) return;
    }
  }

  private async apply(tx: Transaction, loaded: LoadedPromotion, run: PromotionRun, action: PlannedAction, changed: ChangedClusters, now: Date): Promise<void> {
    const { app, id } = loaded.header;
    switch (action.type) {
      case 'Pin': {
        const written = await pinCommit(tx, { app, commit: action.pin.commit, revision: action.pin.revision, stage: action.stage, promotionId: id }, action.clusterIds, now);
        for (const c of written.changed) changed.add(c);
        const stageRun = run.stages.find((s) => s.stage === action.stage);
        for (const t of stageRun?.waves.flatMap((w) => w.targets) ?? []) {
          const generation = written.generations.get(t.clusterId);
          if (generation === undefined) continue;
          if (action.purpose === 'revert' && t.revert) t.revert.generation = generation;
          else if (action.purpose === 'rollout') t.generation = generation;
        }
        return;
      }
      case 'Unpin':
        for (const c of await unpinApp(tx, app, action.clusterIds)) changed.add(c);
        return;
      case 'Release':
      case 'Unrelease': {
        await tx.insert(stageReleases).values({ app, stage: action.stage, commit: action.pin.commit, revision: action.pin.revision, promotionId: id, kind: action.type === 'Release' ? 'release' : 'rollback', at: now });
        if (action.type === 'Release' && action.catchUp.length > 0) {
          const written = await pinCommit(tx, { app, commit: action.pin.commit, revision: action.pin.revision, stage: action.stage, promotionId: id }, action.catchUp, now);
          for (const c of written.changed) changed.add(c);
        }
        return;
      }
    }
  }

  async createPromotion(input: CreatePromotionInput): Promise<PromotionView> {
    const id = randomUUID();
    await this.fleet.transaction(async (tx, changed) => {
      const now = this.fleet.clock.now();
      // Locking the application serialises promotions of one app.
      const [app] = await tx.select({ name: applications.name, revision: applications.revision }).from(applications).where(eq(applications.name, input.app)).for('update');
      if (!app) throw new FlotillaError('NotFound', `application "${input.app}" not found`, { field: 'app' });
      const revision = await applicationRevision(tx, input.app, app.revision);
      if (!revision) throw new FlotillaError('Internal', `application "${input.app}" has no revision ${app.revision}`);
      const { pipeline } = revision;
      const stage = targetStage(pipeline, input.stage);
      const missing = await missingUpstream(tx, input.app, pipeline, stage, input.commit);
      if (missing.length > 0 && !input.force) {
        throw new FlotillaError(
          'FailedPrecondition',
          `stage: ${stage} comes after ${missing.join(', ')}, which ${missing.length === 1 ? 'has' : 'have'} not succeeded with ${shortCommit(input.commit)}; promote it there first (an admin may force it)`,
          { field: 'stage' },
        );
      }
      await this.supersede(tx, input.app, stage, id, input.commit, now);
      const run: PromotionRun = { state: 'Pending', message: '', paused: false, stages: [] };
      await tx.insert(promotions).values({
        id,
        app: input.app,
        commit: input.commit,
        ref: input.ref ?? '',
        stage,
        revision: app.revision,
        pipeline,
        run,
        forced: missing.length > 0,
        state: 'Pending',
        message: '',
        createdBy: input.actor,
        createdAt: now,
        updatedAt: now,
        due: true,
      });
      const forced = missing.length > 0 ? `, forced past ${missing.join(', ')}` : '';
      await appendEvents(tx, id, input.app, [{ type: 'Created', reason: `requested by ${input.actor}: promote ${shortCommit(input.commit)}${input.ref ? ` (${input.ref})` : ''} of ${input.app} into ${stage} at revision ${app.revision}${forced}`, stage }], now);
      // The driver's first step writes the first wave's desired state in this same transaction.
      if (this.driving) await this.step(tx, id, changed);
    });
    if (!this.driving) this.kick();
    this.eventsWritten();
    return this.getPromotion(id);
  }

  /** A new promotion of the same application and stage ends the running one, which keeps its clusters accounted for. */
  private async supersede(tx: Transaction, app: string, stage: string, by: string, commit: string, now: Date): Promise<void> {
    const running = await tx.select({ id: promotions.id, stage: promotions.stage, run: promotions.run }).from(promotions).where(and(eq(promotions.app, app), inArray(promotions.state, [...inFlightStates]))).for('update');
    for (const row of running) {
      const run = row.run as PromotionRun | null;
      const active = run?.stages.some((s) => s.stage === stage && !['Succeeded', 'Failed'].includes(s.state));
      if (row.stage !== stage && !active) continue;
      const reason = `superseded by promotion ${by} of ${shortCommit(commit)} into ${stage}`;
      if (run) {
        run.state = 'Superseded';
        run.message = reason;
        for (const s of run.stages) if (!['Succeeded', 'Failed'].includes(s.state)) s.state = 'Superseded';
      }
      await tx.update(promotions).set({ state: 'Superseded', message: reason, run, due: false, wakeAt: null, updatedAt: now }).where(eq(promotions.id, row.id));
      await appendEvents(tx, row.id, app, [{ type: 'Superseded', reason }], now);
    }
  }

  /** Queues an operator command and takes it at once; returns the promotion as it is afterwards. */
  async command(promotionId: string, type: CommandType, actor: string, options: { reason?: string; stage?: string; wave?: string } = {}): Promise<PromotionView> {
    await this.db.transaction(async (tx) => {
      const [row] = await tx.select({ id: promotions.id, state: promotions.state }).from(promotions).where(eq(promotions.id, promotionId)).for('update');
      if (!row) throw new FlotillaError('NotFound', `promotion ${promotionId} not found`);
      const open = inFlightStates.includes(row.state as PromotionState) || (type === 'rollback' && (row.state === 'Failed' || row.state === 'Succeeded'));
      if (!open) throw new FlotillaError('FailedPrecondition', `promotion ${promotionId} is ${row.state}: ${type} needs a promotion in flight${type === 'rollback' ? ', failed or succeeded' : ''}`);
      await tx.insert(promotionCommands).values({ id: randomUUID(), promotionId, type, actor, reason: options.reason ?? '', stage: options.stage ?? '', wave: options.wave ?? '', createdAt: this.fleet.clock.now() });
      // Failed and Succeeded promotions are not stepped by the scheduler; a rollback command reopens them.
      const reopen = type === 'rollback' ? sql`case when ${promotions.state} in ('Failed', 'Succeeded') then 'Progressing' else ${promotions.state} end` : promotions.state;
      await tx.update(promotions).set({ due: true, state: reopen }).where(eq(promotions.id, promotionId));
    });
    // The driver takes the command at once, so the caller sees its effect; a replica that does not drive hands it over.
    if (this.driving) await this.advance(promotionId);
    this.kick();
    return this.getPromotion(promotionId);
  }

  async getPromotion(id: string): Promise<PromotionView> {
    const [row] = await this.db.select().from(promotions).where(eq(promotions.id, id));
    if (!row) throw new FlotillaError('NotFound', `promotion ${id} not found`);
    return this.view(row);
  }

  private async view(row: PromotionRow): Promise<PromotionView> {
    const statuses = await this.db.select().from(clusterAppStatuses).where(eq(clusterAppStatuses.app, row.app));
    const byCluster = new Map<string, AppStatusView>(statuses.map((s) => [s.clusterId, toStatusView(s)]));
    return toPromotionView(row, byCluster, await eventsOf(this.db, row.id));
  }

  /** Newest first, `limit` at a time; `before` is the cursor a previous page returned. */
  async listPromotions(filter: { app?: string; limit?: number; before?: number } = {}): Promise<{ promotions: PromotionView[]; next: number | undefined }> {
    const limit = Math.min(Math.max(filter.limit ?? 50, 1), 500);
    const rows = await this.db
      .select()
      .from(promotions)
      .where(and(filter.app ? eq(promotions.app, filter.app) : undefined, filter.before !== undefined ? lt(promotions.seq, filter.before) : undefined))
      .orderBy(sql`${promotions.seq} desc`)
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    return { promotions: await Promise.all(page.map((r) => this.view(r))), next: rows.length > limit ? page.at(-1)!.seq : undefined };
  }

  /**
   * Events after sequence number `after`, oldest first (at most `limit`): what SSE and gRPC watchers tail. Resolves at
   * once when there are some, else when the next event is written on this replica or after `waitMs`.
   */
  async eventsSince(after: number, filter: { app?: string; promotionId?: string }, waitMs: number, signal?: AbortSignal) {
    const read = () => eventsAfter(this.db, after, filter);
    const first = await read();
    if (first.length > 0 || waitMs <= 0) return first;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, waitMs);
      function done() {
        clearTimeout(timer);
        waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      const waiters = this.eventWaiters;
      waiters.add(done);
      signal?.addEventListener('abort', done);
    });
    return read();
  }

  private readonly eventWaiters = new Set<() => void>();

  private eventsWritten(): void {
    for (const wake of [...this.eventWaiters]) wake();
  }

  /** Which clusters would get the commit in which wave, in what order, behind which gates, and how long at least. */
  async preview(app: string, commit: string, stage?: string): Promise<PromotionPreview> {
    const [row] = await this.db.select({ revision: applications.revision }).from(applications).where(eq(applications.name, app));
    if (!row) throw new FlotillaError('NotFound', `application "${app}" not found`, { field: 'app' });
    const revision = await applicationRevision(this.db, app, row.revision);
    const pipeline = revision!.pipeline;
    const target = targetStage(pipeline, stage);
    const clusters = await observeClusters(this.db, app);
    const missing = await missingUpstream(this.db, app, pipeline, target, commit);
    return previewPromotion(pipeline, target, commit, clusters, missing);
  }

  /** Each stage's releases, newest first: the commits it succeeded with, and rollbacks. */
  async history(app: string) {
    const [row] = await this.db.select({ name: applications.name }).from(applications).where(eq(applications.name, app));
    if (!row) throw new FlotillaError('NotFound', `application "${app}" not found`);
    const rows = await releaseHistory(this.db, app);
    const stages: Record<string, { commit: string; revision: number; promotionId: string | null; kind: string; at: Date }[]> = {};
    for (const r of rows) (stages[r.stage] ??= []).push({ commit: r.commit, revision: r.revision, promotionId: r.promotionId, kind: r.kind, at: r.at });
    return stages;
  }

  /** Promotes a stage back to a commit it succeeded with before (default: the one before its current release). */
  async rollbackStage(app: string, stage: string, actor: string, commit?: string): Promise<PromotionView> {
    const releases = (await releaseHistory(this.db, app)).filter((r) => r.stage === stage && r.kind === 'release');
    if (releases.length === 0) throw new FlotillaError('FailedPrecondition', `stage: ${stage} of ${app} has no succeeded commit to go back to`, { field: 'stage' });
    const current = releases[0]!.commit;
    const target = commit ? releases.find((r) => r.commit === commit) : releases.find((r) => r.commit !== current);
    if (!target) {
      throw new FlotillaError('FailedPrecondition', commit ? `commit: ${shortCommit(commit)} never succeeded in stage ${stage}` : `stage: ${stage} has no earlier succeeded commit than ${shortCommit(current)}`, { field: commit ? 'commit' : 'stage' });
    }
    // It succeeded here before, so its upstream stages once had it too: no force needed.
    return this.createPromotion({ app, commit: target.commit, stage, actor, force: true, ref: `rollback of ${stage}` });
  }
}

function targetStage(pipeline: PipelineSpec, stage: string | undefined): string {
  if (stage !== undefined) {
    if (!pipeline.stages.some((s) => s.name === stage)) {
      throw new FlotillaError('InvalidArgument', `stage: "${stage}" is not a stage of this application (${pipeline.stages.map((s) => s.name).join(', ')})`, { field: 'stage' });
    }
    return stage;
  }
  const roots = pipeline.stages.filter((s) => s.after.length === 0);
  if (roots.length !== 1) throw new FlotillaError('InvalidArgument', `stage: required, the application starts at ${roots.map((s) => s.name).join(' and ')}`, { field: 'stage' });
  return roots[0]!.name;
}

async function missingUpstream(ex: Database | Transaction, app: string, pipeline: PipelineSpec, stage: string, commit: string): Promise<string[]> {
  const direct = pipeline.stages.find((s) => s.name === stage)?.after ?? [];
  if (direct.length === 0) return [];
  const succeeded = await succeededCommits(ex, app);
  // Every stage upstream must have it: a direct one that has it had its own upstream checked when it was promoted.
  return upstreamOf(pipeline, stage).filter((s) => direct.includes(s) && !(succeeded[s] ?? []).includes(commit));
}

export function createRollout(options: RolloutOptions): Rollout {
  return new Rollout(options);
}
