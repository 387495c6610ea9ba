// Wires a FaultRegistry into a running SimulatedCluster through its public request interceptor and watch dropping.

import { ApiError } from '../errors/index.js';
import type { Interception, Interceptor } from '../server/router.js';
import type { FaultRegistry } from './index.js';

/** The part of SimulatedCluster the faults need. */
export interface InterceptableCluster {
  intercept(fn: Interceptor): () => void;
  dropWatches(): void;
}

/** Makes the cluster's API server obey `faults` (503, latency on the cluster's clock, dropped watches). Returns a detacher. */
export function attachFaults(cluster: InterceptableCluster, faults: FaultRegistry): () => void {
  const removeInterceptor = cluster.intercept(({ method, info }) => {
    const v = faults.beforeRequest({ method, path: info.path, verb: info.verb });
    if (!v) return undefined;
    if (v.reject) return { error: new ApiError(v.reject.code, 'ServiceUnavailable', v.reject.message ?? '') };
    // Only the new watch ends (open watches were dropped when the fault was injected); others are left alone.
    const interception: Interception = {};
    if (v.delayMs) interception.delayMs = v.delayMs;
    if (v.dropWatch) interception.endWatch = true;
    return interception.delayMs || interception.endWatch ? interception : undefined;
  });
  const removeDrop = faults.onDropWatches(() => cluster.dropWatches());
  return () => {
    removeInterceptor();
    removeDrop();
  };
}
