// What a simulated agent reports for a snapshot: Synced at the desired commit and generation, then Healthy/Degraded.
import { AppTargetSchema, DesiredStateSchema, HealthStatus, SyncStatus, create } from '@flotilla/proto';
import { describe, expect, it } from 'vitest';
import { statusReportFor } from '../src/index.js';

const snapshot = create(DesiredStateSchema, {
  generation: 7n,
  clusterId: 'c1',
  apps: [create(AppTargetSchema, { app: 'shop', commit: 'a'.repeat(40) }), create(AppTargetSchema, { app: 'pay', commit: 'b'.repeat(40) })],
});
const now = new Date('2026-01-01T00:00:00Z');

describe('statusReportFor', () => {
  it.each([
    { behaviour: 'healthy', settled: false, health: HealthStatus.PROGRESSING },
    { behaviour: 'healthy', settled: true, health: HealthStatus.HEALTHY },
    { behaviour: 'degraded', settled: false, health: HealthStatus.PROGRESSING },
    { behaviour: 'degraded', settled: true, health: HealthStatus.DEGRADED },
  ] as const)('$behaviour, settled=$settled: every app Synced at its commit and generation, health $health', ({ behaviour, settled, health }) => {
    const report = statusReportFor(snapshot, behaviour, settled, now);
    expect(report.apps.map((a) => [a.app, a.observedGeneration, a.observedCommit, a.sync, a.health])).toEqual([
      ['shop', 7n, 'a'.repeat(40), SyncStatus.SYNCED, health],
      ['pay', 7n, 'b'.repeat(40), SyncStatus.SYNCED, health],
    ]);
  });
});
