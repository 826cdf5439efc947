/**
 * Leader election on a real PostgreSQL server (src/engine/leader-election.ts): one of two candidates leads; when
 * the leader's session is killed the other leads at its next poll with a higher term; a leader that froze and lost
 * its lock has its fenced writes rejected, and a takeover waits for the fenced transaction already under way.
 */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migratePgStore, openPgStore, type PgStore } from '../../src/db/pg-connection.js';
import { LeadershipLost } from '../../src/engine/leader.js';
import { LeaderElection, type LeaderElectionOptions } from '../../src/engine/leader-election.js';
import { FakeClock } from '../../src/time/clock.js';
import { type TestDatabase, testDatabase } from '../support/postgres.js';

let database: TestDatabase;
let store: PgStore;
let admin: pg.Client;
const clock = new FakeClock('2026-01-05T09:00:00Z');
const elections: LeaderElection[] = [];

beforeEach(async () => {
  database = await testDatabase();
  store = openPgStore(database.url);
  await migratePgStore(store);
  admin = new pg.Client({ connectionString: database.adminUrl });
  await admin.connect();
});

afterEach(async () => {
  await Promise.all(elections.splice(0).map((election) => election.stop()));
  await store?.close();
  await admin?.end();
});

function candidate(replica: string, options: Partial<LeaderElectionOptions> = {}): LeaderElection {
  const election = new LeaderElection({ url: database.url, replica, clock, pollMs: 200, ...options });
  elections.push(election);
  return election;
}

/** Ends a replica's lock session from outside, as a dead process, a cut network or the server's idle timeout would. */
async function killLockSession(replica: string): Promise<void> {
  const { rows } = await admin.query<{ pid: number; ended: boolean }>(
    'SELECT pid, pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1 AND datname = $2',
    [`oncall-leader:${replica}`, database.name],
  );
  expect(rows.map((row) => row.ended)).toEqual([true]);
  // pg_terminate_backend signals the backend; the lock is free once it has exited.
  for (let tries = 0; ; tries += 1) {
    const { rows: left } = await admin.query(
      'SELECT 1 FROM pg_stat_activity WHERE pid = $1 UNION ALL SELECT 1 FROM pg_locks WHERE pid = $1',
      [rows[0]!.pid],
    );
    if (left.length === 0) return;
    if (tries > 300) throw new Error(`the lock session of ${replica} did not end`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A write of the leader's apply step: the fence first, in the same transaction. */
async function fencedWrite(election: LeaderElection, reason: string, beforeCommit?: () => Promise<void>): Promise<void> {
  const client = await store.pool.connect();
  try {
    await client.query('BEGIN');
    await election.fence(client);
    await client.query(
      "INSERT INTO silences (service, reason, created_by, starts_at, ends_at, created_at) VALUES ('api', $1, 'leader', 0, 1, 0)",
      [reason],
    );
    await beforeCommit?.();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

async function written(): Promise<string[]> {
  const { rows } = await store.pool.query<{ reason: string }>('SELECT reason FROM silences ORDER BY id');
  return rows.map((row) => row.reason);
}

async function termRows(): Promise<Array<{ term: string; replica: string }>> {
  return (await store.pool.query<{ term: string; replica: string }>('SELECT term, replica FROM leader_terms')).rows;
}

describe('leader election', () => {
  it('two candidates: one leads, the other follows and knows who leads', async () => {
    const a = candidate('bot-a');
    const b = candidate('bot-b');
    const [stepA, stepB] = await Promise.all([a.poll(), b.poll()]);
    expect([stepA.do, stepB.do].sort()).toEqual(['begin-term', 'wait']);
    const [leader, follower] = stepA.do === 'begin-term' ? [a, b] : [b, a];
    expect(await follower.poll()).toEqual({ do: 'wait' });
    expect(await leader.poll()).toEqual({ do: 'stay' });

    expect(leader.view()).toMatchObject({ leads: true, term: 1, takeovers: 0, leaderSince: clock.now() });
    expect(follower.view()).toMatchObject({ leads: false, leader: leader.view().replica, term: 1, takeovers: 0 });
    expect(await termRows()).toEqual([{ term: '1', replica: leader.view().replica }]);
  });

  it("the leader's connection killed: the other leads at its next poll, in a higher term", async () => {
    const a = candidate('bot-a');
    const b = candidate('bot-b');
    expect((await a.poll()).do).toBe('begin-term');
    expect((await b.poll()).do).toBe('wait');

    await killLockSession('bot-a');
    clock.advance(5_000);

    expect(await b.poll()).toEqual({ do: 'begin-term' });
    expect(b.view()).toMatchObject({ leads: true, leader: 'bot-b', term: 2, takeovers: 1, leaderSince: clock.now() });
    expect(await a.poll()).toEqual({ do: 'step-down', why: 'session-lost' });
    expect(await a.poll()).toEqual({ do: 'wait' });
    expect(a.view()).toMatchObject({ leads: false, leader: 'bot-b', term: 2, takeovers: 1 });
  });

  it('runs by itself: after the kill, a replica takes the lead on its own polling, and both agree who', async () => {
    const leads: Array<[string, number]> = [];
    let tookOver: () => void = () => undefined;
    const takeover = new Promise<void>((resolve) => (tookOver = resolve));
    const onLead = (replica: string) => (term: number) => {
      leads.push([replica, term]);
      if (term === 2) tookOver();
    };
    const a = candidate('bot-a', { onLead: onLead('bot-a') });
    const b = candidate('bot-b', { onLead: onLead('bot-b') });
    await a.start();
    await b.start();
    await killLockSession('bot-a');
    await takeover;
    // Whoever polled first after the kill leads term 2 (bot-a's own next poll opens a new session and may win).
    expect(leads.map(([, term]) => term)).toEqual([1, 2]);
    const [newLeader] = leads[1]!;
    await Promise.all([a.poll(), b.poll()]);
    for (const election of [a, b]) expect(election.view()).toMatchObject({ leader: newLeader, term: 2, takeovers: 1 });
    expect([a, b].filter((election) => election.view().leads).map((election) => election.view().replica)).toEqual([newLeader]);
  });

  it('a frozen leader that lost its lock has its fenced write rejected, and writes nothing', async () => {
    const a = candidate('bot-a');
    const b = candidate('bot-b');
    await a.poll();
    await b.poll();
    await fencedWrite(a, 'a in term 1');

    // bot-a "freezes": it polls no more, so it still believes it leads; its lock session is ended meanwhile.
    await killLockSession('bot-a');
    await b.poll();
    expect(a.leaderState).toMatchObject({ role: 'leader', term: 1 });

    const rejected = await fencedWrite(a, 'a after losing the lock').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(rejected).toBeInstanceOf(LeadershipLost);
    expect((rejected as Error).message).toBe('this replica led term 1, but the lead is at term 2 (bot-b): it writes nothing more');
    await fencedWrite(b, 'b in term 2');
    expect(await written()).toEqual(['a in term 1', 'b in term 2']);
  });

  it('a takeover waits for the fenced transaction already under way, which commits in the old term', async () => {
    const a = candidate('bot-a');
    const b = candidate('bot-b');
    await a.poll();
    let takeover: Promise<unknown> | undefined;
    await fencedWrite(a, 'a, committed while bot-b waits', async () => {
      await killLockSession('bot-a');
      takeover = b.poll();
      // bot-b won the lock and its term bump now waits on the row this transaction holds FOR SHARE.
      for (let tries = 0; ; tries += 1) {
        const { rows } = await admin.query(
          "SELECT 1 FROM pg_stat_activity WHERE application_name = 'oncall-leader:bot-b' AND datname = $1 AND wait_event_type = 'Lock'",
          [database.name],
        );
        if (rows.length === 1) break;
        if (tries > 300) throw new Error("bot-b's term bump never waited on the fenced row");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
    expect(await takeover).toEqual({ do: 'begin-term' });
    expect(b.view()).toMatchObject({ leads: true, term: 2 });
    await expect(fencedWrite(a, 'a, after the takeover')).rejects.toBeInstanceOf(LeadershipLost);
    expect(await written()).toEqual(['a, committed while bot-b waits']);
  });

  it('a leader that freezes without anyone killing it loses the lead to the idle-session timeout', async () => {
    const a = candidate('bot-a', { pollMs: 300 });
    const b = candidate('bot-b', { pollMs: 300 });
    await a.poll();
    // bot-a polls no more (SIGSTOP); the server ends its idle lock session after three of its polls.
    for (let tries = 0; (await b.poll()).do !== 'begin-term'; tries += 1) {
      if (tries > 200) throw new Error('bot-b never took the lead from the frozen bot-a');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(b.view()).toMatchObject({ leads: true, leader: 'bot-b', term: 2, takeovers: 1 });
    await expect(fencedWrite(a, 'frozen a wakes up')).rejects.toBeInstanceOf(LeadershipLost);
  });

  it('a follower cannot pass the fence, and a stopped leader hands over at the next poll', async () => {
    const a = candidate('bot-a');
    const b = candidate('bot-b');
    await a.poll();
    await b.poll();
    await expect(fencedWrite(b, 'b as follower')).rejects.toBeInstanceOf(LeadershipLost);
    await a.stop();
    expect(await b.poll()).toEqual({ do: 'begin-term' });
    expect(b.view()).toMatchObject({ term: 2, takeovers: 1 });
  });
});
