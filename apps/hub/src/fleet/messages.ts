// Conversions between fleet views and the wire messages (agent.v1 statuses in, hub.v1 clusters and applications out).
import {
  AppStatusSchema,
  ApplicationSchema,
  ClusterSchema,
  HealthStatus,
  RenderEngine,
  ResourceStatusSchema,
  SyncStatus,
  create,
  timestampDate,
  timestampFromDate,
} from '@flotilla/proto';
import type { AppStatus, Application, Cluster } from '@flotilla/proto';
import type { HealthState, SyncState } from '../rollout/planner/index.js';
import type { ApplicationView, RenderEngineName } from './applications.js';
import type { AppStatusView, ClusterView } from './clusters.js';

const syncByWire: Record<SyncStatus, SyncState> = {
  [SyncStatus.UNSPECIFIED]: 'Unknown',
  [SyncStatus.SYNCED]: 'Synced',
  [SyncStatus.OUT_OF_SYNC]: 'OutOfSync',
  [SyncStatus.FAILED]: 'Failed',
};
const healthByWire: Record<HealthStatus, HealthState> = {
  [HealthStatus.UNSPECIFIED]: 'Unknown',
  [HealthStatus.HEALTHY]: 'Healthy',
  [HealthStatus.PROGRESSING]: 'Progressing',
  [HealthStatus.DEGRADED]: 'Degraded',
  [HealthStatus.MISSING]: 'Missing',
  [HealthStatus.UNKNOWN]: 'Unknown',
  [HealthStatus.SUSPENDED]: 'Suspended',
};
const wireBySync = Object.fromEntries(Object.entries(syncByWire).map(([k, v]) => [v, Number(k)])) as Record<SyncState, SyncStatus>;
const wireByHealth: Record<HealthState, HealthStatus> = {
  Unknown: HealthStatus.UNKNOWN,
  Healthy: HealthStatus.HEALTHY,
  Progressing: HealthStatus.PROGRESSING,
  Degraded: HealthStatus.DEGRADED,
  Missing: HealthStatus.MISSING,
  Suspended: HealthStatus.SUSPENDED,
};

/** Enum values outside the known set (a newer agent) read as Unknown rather than failing the report. */
export function syncStateOf(wire: SyncStatus): SyncState {
  return syncByWire[wire] ?? 'Unknown';
}

export function healthStateOf(wire: HealthStatus): HealthState {
  return healthByWire[wire] ?? 'Unknown';
}

export function appStatusView(status: AppStatus): AppStatusView {
  return {
    app: status.app,
    observedGeneration: Number(status.observedGeneration),
    observedCommit: status.observedCommit,
    sync: syncStateOf(status.sync),
    syncError: status.syncError,
    syncRetryable: status.syncRetryable,
    health: healthStateOf(status.health),
    healthMessage: status.healthMessage,
    resources: status.resources.map((r) => ({
      group: r.group,
      version: r.version,
      kind: r.kind,
      namespace: r.namespace,
      name: r.name,
      health: healthStateOf(r.health),
      message: r.message,
    })),
    observedAt: status.observedAt ? timestampDate(status.observedAt) : undefined,
    manifestDigest: status.manifestDigest,
    drifted: status.drifted.map((d) => ({ group: d.group, version: d.version, kind: d.kind, namespace: d.namespace, name: d.name, fieldPaths: [...d.fieldPaths], deleted: d.deleted })),
  };
}

export function appStatusMessage(view: AppStatusView): AppStatus {
  return create(AppStatusSchema, {
    app: view.app,
    observedGeneration: BigInt(view.observedGeneration),
    observedCommit: view.observedCommit,
    sync: wireBySync[view.sync],
    syncError: view.syncError,
    health: wireByHealth[view.health],
    healthMessage: view.healthMessage,
    resources: view.resources.map((r) =>
      create(ResourceStatusSchema, { ...r, health: wireByHealth[r.health as HealthState] ?? HealthStatus.UNKNOWN }),
    ),
    ...(view.observedAt ? { observedAt: timestampFromDate(view.observedAt) } : {}),
  });
}

export function clusterMessage(view: ClusterView): Cluster {
  return create(ClusterSchema, {
    id: view.id,
    name: view.name,
    labels: view.labels,
    connected: view.connected,
    ...(view.lastSeen ? { lastSeen: timestampFromDate(view.lastSeen) } : {}),
    agentVersion: view.agentVersion,
    revoked: view.revoked,
    generation: BigInt(view.generation),
    apps: view.apps.map(appStatusMessage),
    registeredAt: timestampFromDate(view.registeredAt),
  });
}

export function applicationMessage(view: ApplicationView): Application {
  return create(ApplicationSchema, {
    name: view.name,
    repoUrl: view.repoUrl,
    path: view.path,
    clusterSelector: view.clusterSelector,
    defaultNamespace: view.defaultNamespace,
    renderEngine: renderEngineMessage(view.renderEngine),
    createdAt: timestampFromDate(view.createdAt),
    updatedAt: timestampFromDate(view.updatedAt),
  });
}

export function renderEngineMessage(engine: RenderEngineName): RenderEngine {
  return engine === 'kustomize-binary' ? RenderEngine.KUSTOMIZE_BINARY : RenderEngine.BUILTIN;
}

/**
 * The engine a gRPC caller asked for: unspecified means absent (the built-in default); a value this hub does not know
 * is passed on as text so input validation rejects it, naming the field, rather than silently rendering differently.
 */
export function renderEngineOf(wire: RenderEngine): string | undefined {
  switch (wire) {
    case RenderEngine.UNSPECIFIED:
      return undefined;
    case RenderEngine.BUILTIN:
      return 'builtin';
    case RenderEngine.KUSTOMIZE_BINARY:
      return 'kustomize-binary';
    default:
      return `RenderEngine ${String(wire)}`;
  }
}
