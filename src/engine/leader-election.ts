/**
 * The I/O of leader election (the rules are src/engine/leader.ts): a dedicated connection that tries the engine's
 * advisory lock every poll, the leader_terms row it bumps on each takeover, and the fencing check an apply step runs
 * inside its own transaction. Not wired into the bot yet: it still runs on SQLite, as one process.
 *
 * Takeover time: a leader that dies or is cut off loses its session when the server notices (at once for a clean
 * exit or pg_terminate_backend; TCP keepalives of a few seconds for a dead machine); one that freezes loses it after
 * idle_session_timeout (three polls). The next poll of another replica then wins the lock.
 */
import pg from 'pg';
import { ADVISORY_LOCKS } from '../db/pg-connection.js';
import type { Clock } from '../time/clock.js';
import {
  decideLeadership,
  FOLLOWER,
  fenceStatement,
  LeadershipLost,
  type LeadershipView,
  type LeaderState,
  type LeaderStep,
  type LockObservation,
  leadershipView,
  lockSessionSettings,
  type TermRow,
} from './leader.js';

export interface LeaderElectionOptions {
  /** DATABASE_URL: the lock session is a connection of its own, never one of the pool's. */
  url: string;
  /** This replica's name, shown in /readyz and stored in leader_terms. */
  replica: string;
  clock: Clock;
  /** How often the lock is tried (followers) or checked (the leader). */
  pollMs?: number;
  /** Told when this replica takes the lead (start the ticker, reconcile the outbox) and when it stops leading. */
  onLead?: (term: number) => void | Promise<void>;
  onStepDown?: (why: 'session-lost' | 'lock-taken' | 'stopped') => void | Promise<void>;
  /** A poll that failed for a reason other than a lost session (told, then retried next poll). */
  onError?: (error: Error) => void;
}

const LOCK_NAME = 'engine';

export class LeaderElection {
  private session: pg.Client | null = null;
  private sessionAlive = false;
  private state: LeaderState = FOLLOWER;
  private lastRow: TermRow | null = null;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<LeaderStep> | null = null;
  private stopped = false;
  readonly pollMs: number;

  constructor(private readonly options: LeaderElectionOptions) {
    this.pollMs = options.pollMs ?? 1_000;
  }

  /** Polls now and then every pollMs until stop(). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.poll();
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.poll().finally(() => this.schedule());
    }, this.pollMs);
  }

  /** One round: look at the lock, decide, act. Rounds never overlap (a second caller gets the running one). */
  poll(): Promise<LeaderStep> {
    this.polling ??= this.round().finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  private async round(): Promise<LeaderStep> {
    const seen = await this.observe();
    const step = decideLeadership(this.state, seen);
    try {
      await this.apply(step);
    } catch (error) {
      this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
    }
    return step;
  }

  private async observe(): Promise<LockObservation> {
    try {
      const session = await this.openSession();
      if (this.state.role === 'leader') {
        const { rows } = await session.query<{ held: boolean }>(
          "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = $1) AS held",
          [ADVISORY_LOCKS.engine],
        );
        if (rows[0]?.held) return 'held';
        const { rows: tried } = await session.query<{ won: boolean }>('SELECT pg_try_advisory_lock($1) AS won', [ADVISORY_LOCKS.engine]);
        return tried[0]?.won ? 'won' : 'busy';
      }
      const { rows } = await session.query<{ won: boolean }>('SELECT pg_try_advisory_lock($1) AS won', [ADVISORY_LOCKS.engine]);
      return rows[0]?.won ? 'won' : 'busy';
    } catch {
      this.dropSession();
      return 'lost';
    }
  }

  private async openSession(): Promise<pg.Client> {
    if (this.session && this.sessionAlive) return this.session;
    if (this.state.role === 'leader') throw new Error('the lock session is gone');
    const settings = Object.entries(lockSessionSettings(this.pollMs))
      .map(([key, value]) => `-c ${key}=${value}`)
      .join(' ');
    const session = new pg.Client({
      connectionString: this.options.url,
      keepAlive: true,
      keepAliveInitialDelayMillis: 1_000,
      connectionTimeoutMillis: 10_000,
      options: settings,
      application_name: `oncall-leader:${this.options.replica}`.slice(0, 63),
    });
    const mark = () => {
      if (this.session === session) this.sessionAlive = false;
    };
    session.on('error', mark);
    session.on('end', mark);
    await session.connect();
    this.session = session;
    this.sessionAlive = true;
    return session;
  }

  private dropSession(): void {
    const session = this.session;
    this.session = null;
    this.sessionAlive = false;
    if (session) void session.end().catch(() => undefined);
  }

  private async apply(step: LeaderStep): Promise<void> {
    switch (step.do) {
      case 'begin-term': {
        const session = this.session!;
        const since = this.options.clock.now();
        // Waits for any transaction that holds the row FOR SHARE (an old leader's fenced apply step) to end.
        const { rows } = await session.query<{ term: string; replica: string; since: string }>(
          `INSERT INTO leader_terms (name, term, replica, since) VALUES ($1, 1, $2, $3)
           ON CONFLICT (name) DO UPDATE SET term = leader_terms.term + 1, replica = EXCLUDED.replica, since = EXCLUDED.since
           RETURNING term, replica, since`,
          [LOCK_NAME, this.options.replica, since],
        );
        const row = toTermRow(rows[0]!);
        this.lastRow = row;
        this.state = { role: 'leader', term: row.term, since };
        await this.options.onLead?.(row.term);
        return;
      }
      case 'step-down':
        this.state = FOLLOWER;
        if (step.why === 'session-lost') this.dropSession();
        await this.options.onStepDown?.(step.why);
        return;
      case 'stay':
      case 'wait':
        if (this.session && this.sessionAlive) await this.readRow(this.session);
        return;
    }
  }

  private async readRow(client: pg.ClientBase): Promise<TermRow | null> {
    const { rows } = await client.query<{ term: string; replica: string; since: string }>(
      'SELECT term, replica, since FROM leader_terms WHERE name = $1',
      [LOCK_NAME],
    );
    this.lastRow = rows[0] ? toTermRow(rows[0]) : null;
    return this.lastRow;
  }

  /** This replica's role as it last saw it. */
  get leaderState(): LeaderState {
    return this.state;
  }

  /** For /readyz and /metrics: as of the last poll, without a query. */
  view(): LeadershipView {
    return leadershipView(this.options.replica, this.state, this.lastRow);
  }

  /**
   * The fencing check: run first inside an apply step's transaction, on that transaction's client. Throws
   * LeadershipLost (so the transaction rolls back) when this replica does not lead, or leads no more.
   */
  async fence(client: pg.ClientBase): Promise<void> {
    const term = this.state.term;
    if (this.state.role !== 'leader' || term === null) throw new LeadershipLost(term ?? 0, this.lastRow);
    const { text, values } = fenceStatement(LOCK_NAME, term);
    const { rowCount } = await client.query(text, values);
    if (rowCount === 1) return;
    throw new LeadershipLost(term, await this.readRow(client));
  }

  /** Stops polling and gives the lead back at once (the next replica's poll takes it). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.polling?.catch(() => undefined);
    const wasLeader = this.state.role === 'leader';
    this.state = FOLLOWER;
    const session = this.session;
    this.session = null;
    this.sessionAlive = false;
    if (session) await session.end().catch(() => undefined);
    if (wasLeader) await this.options.onStepDown?.('stopped');
  }
}

function toTermRow(row: { term: string; replica: string; since: string }): TermRow {
  return { term: Number(row.term), replica: row.replica, since: Number(row.since) };
}
