// The health vocabulary shared by every per-kind rule and the aggregation.

export type HealthStatus = 'Healthy' | 'Progressing' | 'Degraded' | 'Missing' | 'Unknown' | 'Suspended';

export interface HealthResult {
  status: HealthStatus;
  message: string;
}

/** A Kubernetes object as JSON, read back from the cluster. Rules must tolerate any shape. */
export type LiveObject = Readonly<Record<string, unknown>>;

export type HealthRule = (object: LiveObject) => HealthResult;
