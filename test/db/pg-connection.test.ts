/**
 * PostgreSQL's connection (src/db/pg-connection.ts) on a real server: replicas that start together on an empty
 * database migrate it once and all start; DATABASE_URL's password is never shown.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  migratePgStore,
  openPgStore,
  PG_MIGRATIONS_FOLDER,
  type PgStore,
  parseDatabaseUrl,
  pendingPgMigrationCount,
  redactDatabaseUrl,
} from '../../src/db/pg-connection.js';
import { readFileSync } from 'node:fs';
import { testDatabase, type TestDatabase } from '../support/postgres.js';

const MIGRATIONS = (JSON.parse(readFileSync(`${PG_MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8')) as { entries: unknown[] }).entries
  .length;

describe('replicas starting together on an empty database', () => {
  let database: TestDatabase;
  const stores: PgStore[] = [];
  beforeAll(async () => {
    database = await testDatabase();
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
  });

  it('migrate it once, and every one of them starts', async () => {
    for (let i = 0; i < 3; i += 1) stores.push(openPgStore(database.url, { max: 2 }));
    expect(await pendingPgMigrationCount(stores[0]!)).toBe(MIGRATIONS);

    const outcomes = await Promise.allSettled(stores.map((store) => migratePgStore(store)));

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    const applied = outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.applied : -1)).sort();
    expect(applied).toEqual([0, 0, MIGRATIONS]);
    const { rows } = await stores[0]!.pool.query<{ n: string }>('SELECT count(*) AS n FROM drizzle.__drizzle_migrations');
    expect(Number(rows[0]!.n)).toBe(MIGRATIONS);
    for (const store of stores) expect(await pendingPgMigrationCount(store)).toBe(0);
    // The lock is given back: nobody holds it once they are all up.
    const { rows: locks } = await stores[0]!.pool.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory'");
    expect(locks).toEqual([]);
  });

  it('a later start finds nothing to apply', async () => {
    const later = openPgStore(database.url);
    stores.push(later);
    expect(await migratePgStore(later)).toEqual({ applied: 0 });
  });
});

describe("DATABASE_URL's password", () => {
  const url = 'postgres://oncall:s3cret-pw@db.internal:5432/oncall?sslmode=require&sslpassword=k3y';

  it('is masked wherever the URL is shown', () => {
    expect(redactDatabaseUrl(url)).toBe('postgres://oncall:***@db.internal:5432/oncall?sslmode=require&sslpassword=***');
    const store = openPgStore(url);
    expect(store.where).not.toMatch(/s3cret|k3y/);
    void store.close();
    expect(redactDatabaseUrl('postgres://oncall:s3cret@[::1')).toBe('postgres://(unparsable)');
    expect(redactDatabaseUrl('postgres://oncall:s3cret pw@%%%')).not.toMatch(/s3cret/);
  });

  it('never appears in what a wrong URL is told', () => {
    const wrong: Array<[string, RegExp]> = [
      [
        'mysql://oncall:s3cret-pw@db:3306/oncall',
        /must be a PostgreSQL URL, got mysql:\/\/\.\.\.: write it as postgres:\/\/user:password@host:5432\/database/,
      ],
      ['postgres://oncall:s3cret-pw@db.internal:5432', /names no database \(postgres:\/\/oncall:\*\*\*@db\.internal:5432\)/],
      ['oncall:s3cret-pw at db', /DATABASE_URL is not a URL|must be a PostgreSQL URL/],
    ];
    for (const [bad, message] of wrong) {
      expect(() => parseDatabaseUrl(bad)).toThrow(message);
      expect(() => parseDatabaseUrl(bad)).not.toThrow(/s3cret/);
    }
  });

  it('is not in the error a refused connection gives', async () => {
    const database = await testDatabase();
    const store = openPgStore(database.url.replace(/:([0-9a-f]+)@/, ':wrong-s3cret@'));
    try {
      const error = await store.pool.query('SELECT 1').then(
        () => undefined,
        (caught: unknown) => caught as pg.DatabaseError,
      );
      expect(error?.message).toMatch(/password authentication failed/);
      expect(JSON.stringify({ ...error, message: error?.message })).not.toMatch(/s3cret/);
    } finally {
      await store.close();
    }
  });
});
