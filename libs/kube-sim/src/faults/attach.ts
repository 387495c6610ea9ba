// Wires a FaultRegistry into a running SimulatedCluster through its public request interceptor and watch dropping.

import { ApiError } from '../errors/index.js';
import type { Interceptor } from '../server/router.js';
import type { FaultRegistry } from './index.js';

/** The part of SimulatedCluster the faults need. */
export interface InterceptableCluster {
  intercept(fn: Interceptor): () => void;
  dropWatches(): void;
}

/** Makes the cluster's API server obey `faults` (503, latency, dropped watches). Returns a function that detaches. */
export function attachFaults(cluster: InterceptableCluster, faults: FaultRegistry): () => void {
  const removeInterceptor = cluster.intercept(({ method, info }) => {
    const v = faults.beforeRequest({ method, path: info.path, verb: info.verb });
    if (!v) return undefined;
    if (v.reject) return { error: new ApiError(v.reject.code, 'ServiceUnavailable', v.reject.message ?? '') };
    // The watch is registered synchronously when served; end it right after it opens.
    if (v.dropWatch) setTimeout(() => cluster.dropWatches(), (v.delayMs ?? 0) + 10).unref();
    return v.delayMs ? { delayMs: v.delayMs } : undefined;
  });
  const removeDrop = faults.onDropWatches(() => cluster.dropWatches());
  return () => {
    removeInterceptor();
    removeDrop();
  };
}
