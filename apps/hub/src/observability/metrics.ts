// Prometheus metrics, one registry per hub so several hubs in one process (tests) never collide. Names: flotilla_*.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  grpcRequests: Counter<'method' | 'code'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'flotilla_hub_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'flotilla_http_requests_total',
      help: 'REST requests served, by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'flotilla_http_request_duration_seconds',
      help: 'REST request latency, by method and route pattern.',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    grpcRequests: new Counter({
      name: 'flotilla_grpc_requests_total',
      help: 'FleetService calls served, by method and Flotilla result code (OK on success).',
      labelNames: ['method', 'code'],
      registers: [registry],
    }),
  };
}
