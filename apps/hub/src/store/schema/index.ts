// Every table of the hub, gathered so drizzle's relational queries and the Store type see one schema.
export * from './applications.js';
export * from './auth.js';
export * from './clusters.js';
export * from './fleet.js';
