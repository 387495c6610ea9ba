// The health vocabulary shared by every per-kind rule and the aggregation.

export type HealthStatus = 'Healthy' | 'Progressing' | 'Degraded' | 'Missing' | 'Unknown' | 'Suspended';

export const healthStatuses: readonly HealthStatus[] = ['Healthy', 'Progressing', 'Degraded', 'Missing', 'Unknown', 'Suspended'];

export interface HealthResult {
  status: HealthStatus;
  message: string;
}

/** A Kubernetes object as JSON, read back from the cluster. Rules must tolerate any shape. */
export type LiveObject = Readonly<Record<string, unknown>>;

/** What a rule may look at besides the object: a workload's current pods (see currentPods), when the caller has them. */
export interface HealthContext {
  pods?: readonly LiveObject[];
}

export type HealthRule = (object: LiveObject, context?: HealthContext) => HealthResult;
