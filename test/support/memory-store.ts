import { afterEach, beforeEach } from 'vitest';
import { migrateStore, openStore, type Store } from '../../src/db/connection.js';

/**
 * A migrated in-memory database for each test of the file, opened before it and closed after, for the store tests:
 * `const store = migratedStoreEachTest();` at the top, then `store.db` (drizzle) and `store.sqlite` are the current test's.
 * A `beforeEach` of the file registered after this call runs on the fresh database.
 */
export function migratedStoreEachTest(): Pick<Store, 'db' | 'sqlite'> {
  let current: Store | null = null;
  beforeEach(() => {
    current = openStore(':memory:');
    migrateStore(current);
  });
  afterEach(() => {
    current?.close();
    current = null;
  });
  const open = (): Store => {
    if (!current)
      throw new Error('The store is opened before each test: use it inside a test or a beforeEach, not at the top of the file.');
    return current;
  };
  return {
    get db() {
      return open().db;
    },
    get sqlite() {
      return open().sqlite;
    },
  };
}
