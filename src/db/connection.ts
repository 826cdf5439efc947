import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema>;

export interface Store {
  db: Db;
  sqlite: Database.Database;
  path: string;
  close(): void;
}

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));

/** Opens (creating if needed) the SQLite file with the settings every process must share. */
export function openStore(path: string): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  // WAL lets the HTTP handlers read while the ticker writes; the busy timeout absorbs short write overlaps.
  // Takes effect only in a new, empty file (an old one keeps its mode): free pages can then be given back hourly.
  sqlite.pragma('auto_vacuum = INCREMENTAL');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  const db = drizzle(sqlite, { schema });
  return {
    db,
    sqlite,
    path,
    close: () => {
      if (sqlite.open) sqlite.close();
    },
  };
}

/** The database file's size and how much of it is free pages (reclaimable), read from SQLite itself. */
export function databaseSize(db: Db): { bytes: number; freeBytes: number } {
  const pragma = (name: 'page_size' | 'page_count' | 'freelist_count') =>
    Object.values(db.get<Record<string, number>>(sql.raw(`pragma ${name}`)))[0] ?? 0;
  const pageSize = pragma('page_size');
  return { bytes: pageSize * pragma('page_count'), freeBytes: pageSize * pragma('freelist_count') };
}

/**
 * SQLite's own upkeep, cheap enough for every hour: refresh the planner's statistics where they are stale, and
 * give free pages back to the file system when the database was made with incremental auto-vacuum.
 */
export function maintainDatabase(db: Db): void {
  db.run(sql`pragma optimize`);
  const mode = Object.values(db.get<Record<string, number>>(sql`pragma auto_vacuum`))[0];
  if (mode === 2) db.run(sql`pragma incremental_vacuum(1000)`);
}

/** Applies every migration not yet applied; an older file moves forward, a current one is untouched. */
export function migrateStore(store: Store, migrationsFolder = MIGRATIONS_FOLDER): void {
  migrate(store.db, { migrationsFolder });
}

/** How many migrations in the folder this database has not applied yet (readiness reports it). */
export function pendingMigrationCount(store: Store, migrationsFolder = MIGRATIONS_FOLDER): number {
  const journal = JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8')) as {
    entries: unknown[];
  };
  const table = store.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get();
  if (!table) return journal.entries.length;
  const row = store.sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number };
  return Math.max(0, journal.entries.length - row.n);
}
