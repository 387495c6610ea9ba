// Reads an application's objects back from the cluster and judges their health with the pure rules.
import { errorMessage } from '../errors.js';
import { assessHealth, worstOf } from '../health/index.js';
import type { HealthResult } from '../health/index.js';
import type { KubeClient, ObjectRef } from './client.js';
import { describe } from './objects.js';

export interface ResourceHealth {
  ref: ObjectRef;
  health: HealthResult;
}

export interface AppHealth {
  health: HealthResult;
  resources: ResourceHealth[];
}

export async function observeApp(client: KubeClient, inventory: readonly ObjectRef[]): Promise<AppHealth> {
  const resources: ResourceHealth[] = [];
  for (const ref of inventory) {
    try {
      resources.push({ ref, health: assessHealth(await client.get(ref)) });
    } catch (error) {
      resources.push({ ref, health: { status: 'Unknown', message: `cannot read: ${errorMessage(error)}` } });
    }
  }
  return { health: worstOf(resources.map((r) => ({ ...r, label: describe(r.ref) }))), resources };
}
