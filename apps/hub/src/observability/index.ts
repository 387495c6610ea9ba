// Logs, metrics and health endpoints of the hub.
export { createLogger } from './logger.js';
export type { Logger, LoggerOptions } from './logger.js';
export { createMetrics } from './metrics.js';
export type { Metrics } from './metrics.js';
export { registerHealthRoutes } from './health.js';
