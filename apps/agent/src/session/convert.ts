// Conversions between the wire messages (libs/proto) and the agent's own values, at the session's edge.
import { create, timestampFromDate } from '@flotilla/proto';
import { HealthStatus as WireHealth, RenderEngine as WireEngine, StatusReportSchema, SyncStatus as WireSync } from '@flotilla/proto';
import type { DesiredState, StatusReport } from '@flotilla/proto';
import type { HealthStatus } from '../health/index.js';
import { groupOf } from '../kube/objects.js';
import type { AppRenderEngine, AppTargetSpec, DesiredSnapshot } from '../state/index.js';
import type { AppStatusValue, SyncState } from '../status/index.js';

function renderEngineOf(wire: WireEngine): AppRenderEngine {
  switch (wire) {
    case WireEngine.UNSPECIFIED:
    case WireEngine.BUILTIN:
      return 'builtin';
    case WireEngine.KUSTOMIZE_BINARY:
      return 'kustomize-binary';
    default:
      return 'unknown';
  }
}

export function toSnapshot(message: DesiredState): { snapshot: DesiredSnapshot; duplicates: string[] } {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  const apps: AppTargetSpec[] = [];
  for (const a of message.apps) {
    if (seen.has(a.app)) {
      duplicates.push(a.app);
      continue;
    }
    seen.add(a.app);
    apps.push({
      app: a.app,
      repoUrl: a.repoUrl,
      path: a.path,
      commit: a.commit,
      defaultNamespace: a.defaultNamespace,
      renderEngine: renderEngineOf(a.renderEngine),
      selfHeal: a.selfHeal ?? true,
      healthRules: a.healthRules.map((r) => ({ kind: r.kind, expression: r.expression })),
      parameters: {
        clusterName: a.parameters?.clusterName ?? '',
        clusterLabels: { ...(a.parameters?.clusterLabels ?? {}) },
        stage: a.parameters?.stage ?? '',
      },
    });
  }
  return { snapshot: { generation: message.generation, clusterId: message.clusterId, apps }, duplicates };
}

const health: Record<HealthStatus, WireHealth> = {
  Healthy: WireHealth.HEALTHY,
  Progressing: WireHealth.PROGRESSING,
  Degraded: WireHealth.DEGRADED,
  Missing: WireHealth.MISSING,
  Unknown: WireHealth.UNKNOWN,
  Suspended: WireHealth.SUSPENDED,
};
const sync: Record<SyncState, WireSync> = { Synced: WireSync.SYNCED, OutOfSync: WireSync.OUT_OF_SYNC, Failed: WireSync.FAILED };

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const group = groupOf(apiVersion);
  return { group, version: group === '' ? apiVersion : apiVersion.slice(group.length + 1) };
}

export function toStatusReport(values: readonly AppStatusValue[]): StatusReport {
  return create(StatusReportSchema, {
    apps: values.map((v) => ({
      app: v.app,
      observedGeneration: v.observedGeneration,
      observedCommit: v.observedCommit,
      sync: sync[v.sync],
      syncError: v.syncError,
      syncRetryable: v.syncRetryable,
      health: health[v.health.status],
      healthMessage: v.health.message,
      observedAt: timestampFromDate(v.observedAt),
      manifestDigest: v.manifestDigest,
      drifted: v.drift.map((d) => ({ ...splitApiVersion(d.ref.apiVersion), kind: d.ref.kind, namespace: d.ref.namespace ?? '', name: d.ref.name, fieldPaths: d.paths, deleted: d.deleted })),
      resources: v.resources.map((r) => ({
        ...splitApiVersion(r.ref.apiVersion),
        kind: r.ref.kind,
        namespace: r.ref.namespace ?? '',
        name: r.ref.name,
        health: health[r.health.status],
        message: r.health.message,
      })),
    })),
  });
}
