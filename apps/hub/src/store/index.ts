// The hub's store: one drizzle schema over embedded PGlite (default) or PostgreSQL (DATABASE_URL), migrated at open.
//
// Adding tables (hub B and anyone else):
//   1. Put them in their own file under src/store/schema/ (e.g. fleet.ts) and re-export it from schema/index.ts.
//   2. Regenerate migrations from apps/hub:  flock /tmp/hub-migrations.lock npm run db:generate -- --name <what>
//      Never edit a generated migration by hand; commit the .sql with its meta/ snapshot.
//   3. openStore() applies pending migrations on every start, on both drivers; the store tests run on both.
// Timestamps are written from the injected clock, not SQL now(), so tests can drive time.
export { openStore, defaultDataDir } from './open.js';
export type { Store, StoreOptions, Database, Transaction } from './open.js';
export * as schema from './schema/index.js';
export * from './schema/index.js';
