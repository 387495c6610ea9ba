// The parts of the hub's JSON replies the CLI's tables read (see the hub's /openapi.json); the rest passes through -o.

export interface Application {
  name: string;
  repoUrl: string;
  path: string;
  clusterSelector: string;
  revision: number;
  pipeline: { name: string; after: string[]; selector: string; waves: { name: string }[] }[];
  releases: Record<string, string | undefined>;
  warnings: { path: string; reason: string }[];
  createdAt: string;
  updatedAt: string;
}

export interface AppStatus {
  app: string;
  observedCommit: string;
  sync: string;
  health: string;
}

export interface Cluster {
  name: string;
  labels: Record<string, string>;
  connected: boolean;
  lastSeen?: string;
  agentVersion: string;
  revoked: boolean;
  generation: number;
  registeredAt: string;
  apps: AppStatus[];
}

export interface Wave {
  name: string;
  state: string;
  healthy: number;
  total: number;
  approval?: { by: string; reason: string };
}

export interface StageRun {
  stage: string;
  state: string;
  message: string;
  approval?: { by: string; reason: string };
  waves: Wave[];
}

export interface Target {
  cluster: string;
  stage: string;
  wave: string;
  phase: string;
  previousCommit: string | null;
  note: string;
  revert?: { phase: string; note: string };
}

export interface PromotionEvent {
  seq: number;
  at: string;
  type: string;
  reason: string;
  stage: string;
  wave: string;
  cluster: string;
}

export interface Promotion {
  id: string;
  app: string;
  commit: string;
  ref: string;
  stage: string;
  revision: number;
  forced: boolean;
  state: string;
  message: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  stages: StageRun[];
  targets: Target[];
  events: PromotionEvent[];
}

export interface Preview {
  commit: string;
  stage: string;
  blockedBy: string[];
  stages: {
    stage: string;
    approval: boolean;
    auto: boolean;
    minimumMs: number;
    waves: { name: string; implicit: boolean; approval: boolean; maxParallel: number | string; bake: string; batches: string[][]; unchanged: string[]; minimumMs: number }[];
  }[];
  minimumMs: number;
  minimum: string;
  approvals: number;
}

export type History = Record<string, { commit: string; revision: number; promotionId: string | null; kind: string; at: string }[]>;

export interface RegistrationToken {
  id: string;
  description: string;
  expiresAt: string;
  maxUses: number;
  uses: number;
  revoked: boolean;
}

export interface ApiToken {
  id: string;
  name: string;
  role: string;
  expiresAt?: string | null;
  revoked?: boolean;
}

/** Terminal promotion states: Succeeded exits 0, the others 1. */
export const terminalStates = ['Succeeded', 'Failed', 'RolledBack', 'Aborted', 'Superseded'] as const;
