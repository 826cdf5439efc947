import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // Each file gets its own SQLite file and stand-in, so files can run in parallel.
    pool: 'forks',
    // A PostgreSQL server for the run, started only when a test asks for a database (test/support/postgres.ts).
    globalSetup: ['test/support/postgres-global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
