// What the agent keeps between restarts: its credential, the last desired state and each application's inventory.
import type { CustomHealthRule } from '../health/index.js';
import type { ObjectRef } from '../kube/index.js';

export interface StoredCredential {
  clusterId: string;
  credential: string;
  /** ISO time the hub said the credential stops working; undefined when it did not say. */
  expiresAt: string | undefined;
  /** ISO time the agent received it, so rotation can happen part-way through its life. */
  issuedAt: string;
  /**
   * ISO time the hub refused it (revoked or expired). A refused credential is never presented again: the next start
   * registers anew with the configured bootstrap token, so re-registration needs a new token and a restart only.
   */
  rejectedAt?: string;
}

/**
 * How the hub asks an application to be rendered. `unknown` is an engine a newer hub named that this agent does not
 * know: that application fails rather than being rendered by a different engine than asked.
 */
export type AppRenderEngine = 'builtin' | 'kustomize-binary' | 'unknown';
export const appRenderEngines: readonly AppRenderEngine[] = ['builtin', 'kustomize-binary', 'unknown'];

export interface AppTargetSpec {
  app: string;
  repoUrl: string;
  path: string;
  commit: string;
  defaultNamespace: string;
  renderEngine: AppRenderEngine;
  /** Re-apply what someone changed or deleted in the cluster as soon as it is seen (default true). */
  selfHeal: boolean;
  /** The application's CEL health rules (see health/custom.ts). */
  healthRules: CustomHealthRule[];
  parameters: { clusterName: string; clusterLabels: Record<string, string>; stage: string };
}

/** A complete DesiredState snapshot, in the agent's own terms. */
export interface DesiredSnapshot {
  generation: bigint;
  clusterId: string;
  apps: AppTargetSpec[];
}

export interface AgentState {
  desired: DesiredSnapshot | undefined;
  /** The last generation the agent finished a reconcile pass for. */
  lastAppliedGeneration: bigint;
  /** What each application owns in the cluster, by application name: what pruning works from. */
  inventories: Record<string, ObjectRef[]>;
}

export interface StateStore {
  /** Where it keeps things, for logs. */
  readonly description: string;
  loadCredential(): Promise<StoredCredential | undefined>;
  saveCredential(credential: StoredCredential): Promise<void>;
  loadState(): Promise<AgentState>;
  saveState(state: AgentState): Promise<void>;
}

export const emptyState = (): AgentState => ({ desired: undefined, lastAppliedGeneration: 0n, inventories: {} });
