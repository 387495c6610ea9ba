// Prometheus metrics of promotions, waves and cluster health, read from the store at scrape time (so every replica
// reports the same fleet-wide numbers), plus the driver's own step failures.
import { sql } from 'drizzle-orm';
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import { clusterAppStatuses, promotions } from '../store/index.js';
import type { Database } from '../store/index.js';
import type { Rollout } from './driver.js';
import type { PromotionRun } from './planner/index.js';
import { inFlightStates } from './planner/index.js';

export function registerRolloutMetrics(registry: Registry, db: Database, rollout: Rollout): void {
  new Gauge({
    name: 'flotilla_promotions',
    help: 'Promotions by application and state.',
    labelNames: ['app', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db.select({ app: promotions.app, state: promotions.state, n: sql<number>`count(*)::int` }).from(promotions).groupBy(promotions.app, promotions.state);
      for (const r of rows) this.set({ app: r.app, state: r.state }, Number(r.n));
    },
  });
  new Gauge({
    name: 'flotilla_wave_clusters',
    help: 'Clusters of the waves of in-flight promotions, by application, stage, wave and phase.',
    labelNames: ['app', 'stage', 'wave', 'phase'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db
        .select({ app: promotions.app, run: promotions.run })
        .from(promotions)
        .where(sql`${promotions.state} in (${sql.join(inFlightStates.map((s) => sql`${s}`), sql`, `)})`);
      for (const r of rows) {
        for (const stage of (r.run as PromotionRun | null)?.stages ?? []) {
          for (const wave of stage.waves) {
            const counts = new Map<string, number>();
            for (const t of wave.targets) counts.set(t.phase, (counts.get(t.phase) ?? 0) + 1);
            for (const [phase, n] of counts) this.inc({ app: r.app, stage: stage.stage, wave: wave.name, phase }, n);
          }
        }
      }
    },
  });
  new Gauge({
    name: 'flotilla_cluster_app_health',
    help: 'Clusters per application by the health and sync they last reported.',
    labelNames: ['app', 'health', 'sync'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db
        .select({ app: clusterAppStatuses.app, health: clusterAppStatuses.health, sync: clusterAppStatuses.sync, n: sql<number>`count(*)::int` })
        .from(clusterAppStatuses)
        .groupBy(clusterAppStatuses.app, clusterAppStatuses.health, clusterAppStatuses.sync);
      for (const r of rows) this.set({ app: r.app, health: r.health, sync: r.sync }, Number(r.n));
    },
  });
  new Counter({
    name: 'flotilla_rollout_step_failures_total',
    help: 'Planning steps that failed (each is retried); non-zero means a promotion is stuck on an error in the logs.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(rollout.stepFailures);
    },
  });
  new Gauge({
    name: 'flotilla_rollout_leader',
    help: '1 when this replica drives promotions.',
    registers: [registry],
    collect() {
      this.set(rollout.isDriving ? 1 : 0);
    },
  });
}
