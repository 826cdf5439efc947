import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, migrateStore, openStore, pendingMigrationCount } from '../../src/db/connection.js';
import { tempDbPath } from '../support/common.js';

describe('migrations', () => {
  it('moves a database file made by the first version forward on start, keeping its rows', () => {
    const older = mkdtempSync(join(tmpdir(), 'oncall-migrations-'));
    const db = tempDbPath();
    try {
      cpSync(MIGRATIONS_FOLDER, older, { recursive: true });
      const journal = JSON.parse(readFileSync(join(older, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
      expect(journal.entries.length).toBeGreaterThan(1);
      journal.entries = journal.entries.slice(0, 1);
      writeFileSync(join(older, 'meta/_journal.json'), JSON.stringify(journal));

      const first = openStore(db.path);
      migrateStore(first, older);
      first.sqlite.prepare("INSERT INTO timers (kind, subject, payload, due_at, created_at) VALUES ('k', 's', '{}', 1, 1)").run();
      expect(pendingMigrationCount(first)).toBeGreaterThan(0);
      first.close();

      const second = openStore(db.path);
      migrateStore(second);
      expect(pendingMigrationCount(second)).toBe(0);
      expect(second.sqlite.prepare('SELECT count(*) AS n FROM timers').get()).toEqual({ n: 1 });
      expect(second.sqlite.prepare("SELECT name FROM sqlite_master WHERE name = 'overrides'").get()).toEqual({ name: 'overrides' });
      expect(second.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(second.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
      second.close();
    } finally {
      rmSync(older, { recursive: true, force: true });
      db.cleanup();
    }
  });
});
