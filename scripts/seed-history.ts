/**
 * `npm run seed:history -- <database file> [--scale 1]`: fills a database with a year of closed history, the
 * shape a bot has after running for years, so benchmarks can compare a hot path on it with an empty database.
 *
 * At scale 1: 1,000,000 resolved alerts, 250,000 resolved pages with 500,000 page messages and 500,000
 * stored Slack messages, 1,000,000 delivered outbox rows, 100,000 resolved incidents with 300,000 timeline
 * events, 10,000 overrides that are over (spread over the rotations given), and 1,000,000 fired timers.
 * A timer's row is deleted when it fires (src/engine/timers.ts, claimTimer), so a year of fired timers leaves
 * no rows, only their trace: ids a million on and the pages the table grew into and gave back; the seed
 * writes and deletes them batch by batch, as the ticker does. Nothing is open, so what the bot does next costs what the
 * current state costs, if the hot paths are right. Rows are written through plain prepared statements in large
 * transactions (this is a fixture builder, not the bot): about a minute at scale 1.
 */
import { existsSync } from 'node:fs';
import { migrateStore, openStore, type Store } from '../src/db/connection.js';
import { LARGE_PEOPLE, LARGE_ROTATIONS, largePerson } from './large-policy.js';

export interface HistoryCounts {
  alerts: number;
  pages: number;
  outbox: number;
  incidents: number;
  overrides: number;
  firedTimers: number;
}

export function historyCounts(scale: number): HistoryCounts {
  const n = (base: number) => Math.max(1, Math.round(base * scale));
  return {
    alerts: n(1_000_000),
    pages: n(250_000),
    outbox: n(1_000_000),
    incidents: n(100_000),
    overrides: n(10_000),
    firedTimers: n(1_000_000),
  };
}

const YEAR_MS = 365 * 24 * 3_600_000;

/**
 * Writes closed history ending an hour before `until`, across `rotations`, into a migrated store; pages reached,
 * overrides and incidents are `people`'s (in turn).
 */
export function seedHistory(
  store: Store,
  counts: HistoryCounts,
  until: number,
  rotations: readonly string[],
  people: readonly string[] = ['U0HIST'],
): void {
  const db = store.sqlite;
  const from = until - YEAR_MS;
  const at = (i: number, total: number) => from + Math.floor(((until - 3_600_000 - from) * i) / total);
  const rotation = (i: number) => rotations[i % rotations.length]!;
  const person = (i: number) => people[i % people.length]!;
  const batch = (total: number, write: (i: number) => void) => {
    for (let start = 0; start < total; start += 50_000) {
      db.transaction(() => {
        for (let i = start; i < Math.min(total, start + 50_000); i += 1) write(i);
      })();
    }
  };

  const alert = db.prepare(
    `insert into alerts (integration, source, dedup_key, status, service, severity, rotation, summary, details, labels, links, count, first_seen_at, last_seen_at, resolved_at)
     values (?, 'alertmanager', ?, 'resolved', ?, 'P2', ?, ?, '', '{}', '[]', 1, ?, ?, ?)`,
  );
  batch(counts.alerts, (i) => {
    const t = at(i, counts.alerts);
    alert.run('prometheus', `history-${i}`, `svc-${i % 40}`, rotation(i), `old alert ${i}`, t, t + 60_000, t + 600_000);
  });

  const page = db.prepare(
    `insert into pages (rotation, severity, summary, source, source_ref, created_by, status, created_at, acked_by, acked_at, resolved_by, resolved_at, told_at)
     values (?, 'P2', ?, 'alert', ?, null, 'resolved', ?, 'U0HIST', ?, 'U0HIST', ?, ?)`,
  );
  const pageMessage = db.prepare(
    `insert into page_messages (page_id, user_id, ref, step_index, loop, created_at) values (?, ?, ?, 0, 0, ?)`,
  );
  const slackMessage = db.prepare(`insert into slack_messages (ref, channel, ts, created_at, updated_at) values (?, ?, ?, ?, ?)`);
  batch(counts.pages, (i) => {
    const t = at(i, counts.pages);
    const id = Number(page.run(rotation(i), `old page ${i}`, `alert:history-${i}`, t, t + 120_000, t + 900_000, t).lastInsertRowid);
    for (const [who, kind] of [
      [person(i), 'dm'],
      [null, 'channel'],
    ] as const) {
      const ref = `history:page:${id}:${kind}`;
      pageMessage.run(id, who, ref, t);
      slackMessage.run(ref, who ? `D${who}` : 'C0HISTORY', `${Math.floor(t / 1000)}.${String(i % 1_000_000).padStart(6, '0')}`, t, t);
    }
  });

  const sent = db.prepare(
    `insert into outbox (priority, method, args, lane, status, attempts, next_attempt_at, created_at, sent_at) values (1, 'chat.postMessage', ?, ?, 'sent', 1, ?, ?, ?)`,
  );
  batch(counts.outbox, (i) => {
    const t = at(i, counts.outbox);
    sent.run(JSON.stringify({ channel: 'C0HISTORY', text: `old message ${i}` }), `channel:C0HISTORY`, t, t, t + 200);
  });

  const incident = db.prepare(
    `insert into incidents (title, severity, status, impact, tags, rotation, declared_by, commander, roles, declared_at, last_update_at, resolved_at, resolved_by, resolution)
     values (?, 'P2', 'resolved', 'history', '[]', ?, 'U0HIST', 'U0HIST', '{}', ?, ?, ?, 'U0HIST', 'fixed')`,
  );
  const event = db.prepare(`insert into incident_events (incident_id, at, kind, actor, text) values (?, ?, ?, 'U0HIST', ?)`);
  batch(counts.incidents, (i) => {
    const t = at(i, counts.incidents);
    const id = Number(incident.run(`old incident ${i}`, rotation(i), t, t + 1_800_000, t + 3_600_000).lastInsertRowid);
    for (const [k, kind] of ['declared', 'update', 'resolved'].entries()) event.run(id, t + k * 1_800_000, kind, `${kind} ${i}`);
  });

  const override = db.prepare(
    `insert into overrides (rotation, role, user_id, starts_at, ends_at, reason, created_by, created_at) values (?, 'primary', ?, ?, ?, 'override', ?, ?)`,
  );
  batch(counts.overrides, (i) => {
    const t = at(i, counts.overrides);
    override.run(
      rotation(i),
      person(i),
      t,
      t + 4 * 3_600_000 > until - 3_600_000 ? until - 3_600_000 : t + 4 * 3_600_000,
      person(i + 1),
      t,
    );
  });

  // Fired timers: written and then deleted a batch at a time, as the ticker claims them.
  const timer = db.prepare(
    `insert into timers (kind, subject, key, payload, due_at, priority, created_at) values ('page.step', ?, null, ?, ?, 0, ?)`,
  );
  const fire = db.prepare('delete from timers where id >= ?');
  for (let start = 0; start < counts.firedTimers; start += 50_000) {
    db.transaction(() => {
      let first: number | null = null;
      for (let i = start; i < Math.min(counts.firedTimers, start + 50_000); i += 1) {
        const t = at(i, counts.firedTimers);
        const id = Number(
          timer.run(`page:${i + 1}`, JSON.stringify({ pageId: i + 1, stepIndex: 1, loop: 0 }), t, t - 900_000).lastInsertRowid,
        );
        first ??= id;
      }
      if (first !== null) fire.run(first);
    })();
  }
  db.pragma('optimize');
}

async function main(): Promise<void> {
  const [path, ...rest] = process.argv.slice(2);
  const scaleAt = rest.indexOf('--scale');
  const scale = scaleAt >= 0 ? Number(rest[scaleAt + 1]) : 1;
  const large = rest.includes('--large');
  if (!path || !Number.isFinite(scale) || scale <= 0) {
    process.stderr.write(
      'Usage: npm run seed:history -- <database file> [--scale 1] [--large]\n  e.g. npm run seed:history -- /tmp/history.db --scale 0.1\n' +
        '  --large: the rotations and people of scripts/large-policy.ts (50 rotations, 200 people)\n',
    );
    process.exit(2);
  }
  if (existsSync(path)) {
    process.stderr.write(`${path} exists: give a new file (this script adds a year of history and would mix it into a real database)\n`);
    process.exit(2);
  }
  const store = openStore(path);
  migrateStore(store);
  const counts = historyCounts(scale);
  // The clock module is the one place that reads the time; a fixture for benchmarks takes a fixed "now".
  const until = Date.parse('2027-01-06T03:00:00Z');
  if (large)
    seedHistory(
      store,
      counts,
      until,
      LARGE_ROTATIONS,
      Array.from({ length: LARGE_PEOPLE }, (_, i) => largePerson(i)),
    );
  else seedHistory(store, counts, until, ['backend', 'frontend', 'platform']);
  store.close();
  process.stdout.write(`${path}: ${JSON.stringify(counts)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
