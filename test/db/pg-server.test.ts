/**
 * The tests' PostgreSQL server (test/support/postgres.ts): real, reachable on loopback with a password, one database
 * per file; and without the binaries, a failure that names the install command instead of a silent skip.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from '../support/postgres.js';
import { findPostgresBin } from '../support/postgres-server.js';

describe("the tests' PostgreSQL server", () => {
  let db: TestDatabase;
  let client: pg.Client;
  beforeAll(async () => {
    db = await testDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
  });

  it('is a real PostgreSQL on loopback, in a database of its own', async () => {
    const { rows } = await client.query<{ version: string; db: string; addr: string }>(
      'SELECT version() AS version, current_database() AS db, host(inet_server_addr()) AS addr',
    );
    expect(rows[0]!.version).toMatch(/^PostgreSQL \d+/);
    expect(rows[0]!.db).toBe(db.name);
    expect(rows[0]!.addr).toBe('127.0.0.1');
  });

  it('refuses a wrong password', async () => {
    const wrong = new pg.Client({ connectionString: db.url.replace(/:[0-9a-f]+@/, ':wrong@') });
    await expect(wrong.connect()).rejects.toThrow(/password authentication failed/);
  });

  it('gives the next caller another empty database', async () => {
    const other = await testDatabase();
    expect(other.name).not.toBe(db.name);
  });
});

describe('without PostgreSQL installed', () => {
  const root = mkdtempSync(join(tmpdir(), 'no-pg-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('fails with the command that installs it', () => {
    expect(() => findPostgresBin({}, join(root, 'nothing-here'))).toThrow(/apt-get install postgresql/);
    mkdirSync(join(root, '15', 'bin'), { recursive: true });
    expect(() => findPostgresBin({}, root)).toThrow(/found no .*\/\*\/bin\/initdb: apt-get install postgresql/);
  });

  it('says what is wrong with a POSTGRES_BIN that holds no initdb', () => {
    expect(() => findPostgresBin({ POSTGRES_BIN: root })).toThrow(`POSTGRES_BIN=${root} has no initdb in it`);
  });

  it('picks the newest installed version', () => {
    expect(findPostgresBin({}, '/usr/lib/postgresql')).toMatch(/^\/usr\/lib\/postgresql\/\d+\/bin$/);
  });
});
