// Store fixtures for tests: in-memory PGlite and a throwaway PostgreSQL database, both migrated by openStore.
import { createTestDatabase } from '@flotilla/testkit';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';

export interface StoreFixture {
  store: Store;
  /** Closes the store and drops anything it created. */
  cleanup(): Promise<void>;
}

export type DriverName = 'pglite' | 'postgres';

export const drivers: DriverName[] = ['pglite', 'postgres'];

export async function openTestStore(driver: DriverName = 'pglite'): Promise<StoreFixture> {
  if (driver === 'pglite') {
    const store = await openStore({ dataDir: 'memory://' });
    return { store, cleanup: () => store.close() };
  }
  const database = await createTestDatabase();
  try {
    const store = await openStore({ databaseUrl: database.url });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await database.drop();
      },
    };
  } catch (err) {
    await database.drop();
    throw err;
  }
}
