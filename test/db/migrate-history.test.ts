import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, migrateStore, openStore, pendingMigrationCount, type Store } from '../../src/db/connection.js';
import * as schema from '../../src/db/schema.js';
import { FakeClock } from '../../src/time/clock.js';
import { tempDbPath } from '../support/common.js';
import { TestApp } from '../support/harness.js';

interface Journal {
  entries: Array<{ idx: number; when: number; tag: string }>;
}
const JOURNAL = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as Journal;
const COUNT = JOURNAL.entries.length;

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

/** A copy of the migrations folder holding only the first `count` migrations: what an older version shipped. */
function olderFolder(count: number, edit?: (folder: string) => void): string {
  const folder = mkdtempSync(join(tmpdir(), 'oncall-migrations-'));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
  writeFileSync(join(folder, 'meta/_journal.json'), JSON.stringify({ ...JOURNAL, entries: JOURNAL.entries.slice(0, count) }));
  edit?.(folder);
  return folder;
}

function store(path?: string): Store {
  const db = path ? null : tempDbPath();
  if (db) cleanups.push(db.cleanup);
  const opened = openStore(path ?? db!.path);
  cleanups.push(() => opened.close());
  return opened;
}

/** Everything that makes up the schema: tables, columns, indexes, as SQLite stores them. */
function schemaOf(s: Store): unknown {
  const objects = s.sqlite
    .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
    .all();
  const tables = (objects as Array<{ type: string; name: string }>)
    .filter((o) => o.type === 'table')
    .map((o) => [o.name, s.sqlite.pragma(`table_info(${o.name})`)]);
  return { objects, tables };
}

const applied = (s: Store) => s.sqlite.prepare('SELECT hash, created_at FROM __drizzle_migrations ORDER BY id').all();

describe('database migrations', () => {
  it('migrating a current database again changes nothing: same schema, same history, same rows', () => {
    const s = store();
    migrateStore(s);
    s.sqlite.prepare("INSERT INTO timers (kind, subject, payload, due_at, created_at) VALUES ('k', 's', '{}', 1, 1)").run();
    const before = { schema: schemaOf(s), applied: applied(s), timers: s.sqlite.prepare('SELECT * FROM timers').all() };
    expect(before.applied).toHaveLength(COUNT);
    migrateStore(s);
    migrateStore(s);
    expect({ schema: schemaOf(s), applied: applied(s), timers: s.sqlite.prepare('SELECT * FROM timers').all() }).toEqual(before);
    expect(pendingMigrationCount(s)).toBe(0);
  });

  it.each(Array.from({ length: COUNT - 1 }, (_, i) => i + 1))(
    'a database made by the version with %i migrations ends with exactly the schema of a new one',
    (count) => {
      const fresh = store();
      migrateStore(fresh);
      const old = store();
      migrateStore(old, olderFolder(count));
      expect(pendingMigrationCount(old)).toBe(COUNT - count);
      migrateStore(old);
      expect(pendingMigrationCount(old)).toBe(0);
      expect(schemaOf(old)).toEqual(schemaOf(fresh));
      expect(applied(old)).toEqual(applied(fresh));
    },
  );

  it('rows an older version wrote get the defaults of the columns added since', () => {
    const s = store();
    // Version 3: before timers had a priority (0004), alerts a routed severity (0006), the outbox sending_at (0011).
    migrateStore(s, olderFolder(4));
    s.sqlite.prepare("INSERT INTO timers (kind, subject, payload, due_at, created_at) VALUES ('page.step', 'page:1', '{}', 5, 1)").run();
    s.sqlite
      .prepare(
        "INSERT INTO outbox (priority, method, args, lane, status, next_attempt_at, created_at) VALUES (0, 'chat.postMessage', '{}', 'channel:C1', 'pending', 1, 1)",
      )
      .run();
    migrateStore(s);
    expect(s.sqlite.prepare('SELECT kind, due_at, priority FROM timers').all()).toEqual([{ kind: 'page.step', due_at: 5, priority: 1 }]);
    expect(s.sqlite.prepare('SELECT status, sending_at, thread_ref FROM outbox').all()).toEqual([
      { status: 'pending', sending_at: null, thread_ref: null },
    ]);
  });

  it('the current bot, started on an older file, migrates it and delivers the Slack call the old version left waiting', async () => {
    const file = tempDbPath();
    cleanups.push(file.cleanup);
    const old = openStore(file.path);
    migrateStore(old, olderFolder(10)); // before 0010_playbooks and 0011_outbox_sending_at
    old.sqlite
      .prepare(
        "INSERT INTO outbox (priority, method, args, lane, status, next_attempt_at, created_at) VALUES (0, 'chat.postMessage', ?, 'channel:C0OPS', 'pending', 0, 0)",
      )
      .run(JSON.stringify({ channel: 'C0OPS', text: 'queued by the old version' }));
    old.close();

    const t = await TestApp.start({ dbPath: file.path, clock: new FakeClock('2026-01-05T09:00:00Z'), channels: ['C0OPS'] });
    try {
      expect(pendingMigrationCount(t.store)).toBe(0);
      await t.tick();
      expect(await (await t.get('/readyz')).json()).toMatchObject({ ready: true, checks: { migrations: { ok: true, detail: 'applied' } } });
      await t.app.drainer.drain();
      expect(t.standIn.take('chat.postMessage', (a) => a.channel === 'C0OPS').map((c) => c.args.text)).toEqual([
        'queued by the old version',
      ]);
      expect(t.store.sqlite.prepare('SELECT status FROM outbox').all()).toEqual([{ status: 'sent' }]);
    } finally {
      await t.close({ keepDb: true });
    }
  });

  it('a migration that fails leaves the database as it was: nothing half-applied, still pending', () => {
    const s = store();
    migrateStore(s, olderFolder(12));
    const before = { schema: schemaOf(s), applied: applied(s) };
    // The next two migrations, the second broken at its end: neither may stay.
    const broken = olderFolder(14, (folder) => {
      const file = join(folder, `${JOURNAL.entries[13]!.tag}.sql`);
      writeFileSync(file, `${readFileSync(file, 'utf8')}\n--> statement-breakpoint\nCREATE TABLE broken (;`);
    });
    expect(() => migrateStore(s, broken)).toThrow();
    expect({ schema: schemaOf(s), applied: applied(s) }).toEqual(before);
    expect(pendingMigrationCount(s)).toBe(COUNT - 12);
    migrateStore(s);
    expect(pendingMigrationCount(s)).toBe(0);
  });

  it('every migration is later than the one before it (drizzle skips one dated before the last applied), and its file exists', () => {
    JOURNAL.entries.forEach((entry, i) => {
      expect(entry.idx).toBe(i);
      expect(existsSync(join(MIGRATIONS_FOLDER, `${entry.tag}.sql`))).toBe(true);
      if (i > 0) expect(entry.when).toBeGreaterThan(JOURNAL.entries[i - 1]!.when);
    });
  });

  it('the migrations build every table and column the code declares (a schema change without its migration fails here)', () => {
    const s = store();
    migrateStore(s);
    const tables = Object.values(schema as Record<string, unknown>).filter((v): v is SQLiteTable => v instanceof SQLiteTable);
    expect(tables.length).toBeGreaterThan(10);
    for (const table of tables) {
      const config = getTableConfig(table);
      const columns = s.sqlite.pragma(`table_info(${config.name})`) as Array<{ name: string; notnull: number; pk: number }>;
      const inDb = Object.fromEntries(columns.map((c) => [c.name, Boolean(c.notnull || c.pk)]));
      const declared = Object.fromEntries(config.columns.map((c) => [c.name, c.notNull || c.primary]));
      expect({ table: config.name, columns: inDb }).toEqual({ table: config.name, columns: declared });
      const indexes = (s.sqlite.pragma(`index_list(${config.name})`) as Array<{ name: string; origin: string }>)
        .filter((i) => i.origin === 'c')
        .map((i) => i.name);
      const declaredIndexes = [
        ...config.indexes.map((i) => i.config.name),
        ...config.uniqueConstraints.map((u) => u.getName()),
        ...config.columns.filter((c) => c.isUnique).map((c) => c.uniqueName ?? `${config.name}_${c.name}_unique`),
      ];
      expect({ table: config.name, indexes: indexes.sort() }).toEqual({ table: config.name, indexes: declaredIndexes.sort() });
    }
  });
});
