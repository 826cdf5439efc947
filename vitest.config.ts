import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // Each file gets its own SQLite file and stand-in, so files can run in parallel.
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
