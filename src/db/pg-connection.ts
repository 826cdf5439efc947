/**
 * PostgreSQL (DATABASE_URL=postgres://...), for several replicas on one database. In progress: the bot still runs on
 * SQLite only (src/db/connection.ts); this opens the pool and applies migrations-pg/ so the stores can move over.
 *
 * Migrations run under a session advisory lock on one connection: replicas starting together queue on the lock,
 * the first applies what is pending, the others find nothing left to do. The URL's password is never logged or put
 * in an error message: `redactDatabaseUrl` is what to show.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { leaderTerms } from './pg-leader-schema.js';
import * as generated from './pg-schema.generated.js';

export const pgSchema = { ...generated, leaderTerms };
export type PgDb = NodePgDatabase<typeof pgSchema>;

export const PG_MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations-pg', import.meta.url));

/**
 * The session advisory locks the bot takes, one number each (pg_advisory_lock's bigint key space is shared by
 * everything on the server, so these are unlikely numbers, never reused for something else).
 */
export const ADVISORY_LOCKS = {
  /** Held while migrations are applied. */
  migrate: 0x0c_a1_1b_07_01,
  /** Held by the replica that runs the ticker and drains the outbox (src/engine/leader-election.ts). */
  engine: 0x0c_a1_1b_07_02,
} as const;

export interface PgStore {
  db: PgDb;
  pool: pg.Pool;
  /** The URL without its password, for logs and /readyz. */
  where: string;
  close(): Promise<void>;
}

/** postgres://user:***@host:port/db: the URL with any password masked; anything unparsable shows no more than its scheme. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const key of [...parsed.searchParams.keys()]) if (/pass|secret|key/i.test(key)) parsed.searchParams.set(key, '***');
    return parsed.toString();
  } catch {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
    return scheme ? `${scheme}://(unparsable)` : '(unparsable)';
  }
}

/** Checks DATABASE_URL's shape before connecting, with a message that says the right form and never the password. */
export function parseDatabaseUrl(url: string): URL {
  const form = 'postgres://user:password@host:5432/database';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`DATABASE_URL is not a URL (${redactDatabaseUrl(url)}): write it as ${form}`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')
    throw new Error(`DATABASE_URL must be a PostgreSQL URL, got ${parsed.protocol}//...: write it as ${form}`);
  if (!parsed.hostname) throw new Error(`DATABASE_URL names no host (${redactDatabaseUrl(url)}): write it as ${form}`);
  if (parsed.pathname.replace(/^\//, '') === '')
    throw new Error(`DATABASE_URL names no database (${redactDatabaseUrl(url)}): write it as ${form}`);
  return parsed;
}

export interface PgStoreOptions {
  /** Connections in the pool (the leader's lock holds one more of its own). */
  max?: number;
  /** Told about an idle connection that failed (the server restarted, the network dropped); the pool replaces it. */
  onIdleError?: (error: Error) => void;
}

/** Opens a pool on DATABASE_URL; connects lazily, on the first query. */
export function openPgStore(url: string, options: PgStoreOptions = {}): PgStore {
  parseDatabaseUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    // A dead server or a cut network is noticed by the kernel instead of hanging a query for hours.
    keepAlive: true,
    keepAliveInitialDelayMillis: 5_000,
    connectionTimeoutMillis: 10_000,
    // A replica that froze inside a transaction must not hold its row locks (a fenced leader_terms row) for ever.
    idle_in_transaction_session_timeout: 10_000,
  });
  // Without a listener an idle connection's error (server restart) would end the process.
  pool.on('error', (error) => options.onIdleError?.(error));
  const db = drizzle({ client: pool, schema: pgSchema });
  let closed = false;
  return {
    db,
    pool,
    where: redactDatabaseUrl(url),
    close: async () => {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

function journalLength(migrationsFolder: string): number {
  const journal = JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
}

async function appliedCount(client: pg.ClientBase): Promise<number> {
  const { rows: table } = await client.query<{ exists: boolean }>(
    "SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS exists",
  );
  if (!table[0]?.exists) return 0;
  const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM drizzle.__drizzle_migrations');
  return Number(rows[0]?.n ?? 0);
}

/**
 * Applies every migration of the folder not yet applied, under the migrate advisory lock, and says how many this
 * call applied (0 when another replica had already done it).
 */
export async function migratePgStore(store: PgStore, migrationsFolder = PG_MIGRATIONS_FOLDER): Promise<{ applied: number }> {
  const client = await store.pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCKS.migrate]);
    const before = await appliedCount(client);
    await migrate(drizzle({ client, schema: pgSchema }), { migrationsFolder });
    const applied = (await appliedCount(client)) - before;
    await client.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCKS.migrate]);
    client.release();
    return { applied };
  } catch (error) {
    // The connection is closed rather than returned to the pool: closing it releases the lock whatever state it is in.
    client.release(error instanceof Error ? error : true);
    throw error;
  }
}

/** How many migrations of the folder the database has not applied yet (readiness reports it). */
export async function pendingPgMigrationCount(store: PgStore, migrationsFolder = PG_MIGRATIONS_FOLDER): Promise<number> {
  const client = await store.pool.connect();
  try {
    return Math.max(0, journalLength(migrationsFolder) - (await appliedCount(client)));
  } finally {
    client.release();
  }
}
