/**
 * A database of its own for each PostgreSQL test file, on the run's real server (test/support/postgres-server.ts).
 * Without PostgreSQL's binaries `testDatabase()` throws the command that installs them: the test fails, never skips.
 */
import pg from 'pg';
import { inject } from 'vitest';
import { ensureServer } from './postgres-server.js';

export interface TestDatabase {
  /** postgres://postgres:<password>@127.0.0.1:<port>/<name> */
  url: string;
  name: string;
  /** The server's superuser connection string to its `postgres` database (to create or inspect databases). */
  adminUrl: string;
}

let counter = 0;

/** A new, empty database on the run's PostgreSQL server, started on first use. Call it in beforeAll. */
export async function testDatabase(): Promise<TestDatabase> {
  const runDir = inject('postgresRunDir');
  if (!runDir)
    throw new Error(
      'No PostgreSQL run directory: run the tests with vitest.config.ts, whose globalSetup is test/support/postgres-global-setup.ts',
    );
  const { port, password } = await ensureServer(runDir);
  const base = `postgres://postgres:${password}@127.0.0.1:${port}`;
  counter += 1;
  const name = `test_${process.pid}_${counter}`;
  const admin = new pg.Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return { url: `${base}/${name}`, name, adminUrl: `${base}/postgres` };
}
