/**
 * Which replica leads (runs the ticker and drains the outbox) when several share one PostgreSQL database: the pure
 * rules. The I/O (the advisory lock session, the leader_terms row, the fencing query) is src/engine/leader-election.ts.
 *
 * The lead is a PostgreSQL session advisory lock: whoever's session holds it leads, and it is released by the server
 * the moment that session ends (the process died, its connection was cut, or it froze long enough for the server's
 * idle_session_timeout to end it). Each takeover bumps the term in leader_terms. A leader that froze may wake up
 * still believing it leads; every apply step therefore checks, inside its own transaction, that its term is still
 * the current one (`fenceStatement`), and writes nothing when it is not.
 */

export interface LeaderState {
  role: 'follower' | 'leader';
  /** The term this replica leads in; null while it follows. */
  term: number | null;
  /** When this replica took the lead (UTC epoch ms); null while it follows. */
  since: number | null;
}

export const FOLLOWER: LeaderState = { role: 'follower', term: null, since: null };

/** What one poll of the lock session saw. */
export type LockObservation =
  /** pg_try_advisory_lock just returned true: this session holds the lock now. */
  | 'won'
  /** This session holds the lock, as it did at the last poll. */
  | 'held'
  /** Another session holds it. */
  | 'busy'
  /** This replica's lock session is gone or does not answer (the server ended it, the network dropped). */
  | 'lost';

export type LeaderStep =
  /** Take the lead: bump the term, then start the leader's work (the outbox's reconcile first). */
  | { do: 'begin-term' }
  /** Keep leading. */
  | { do: 'stay' }
  /** Stop the leader's work at once; the lock is gone (or going), a new session will try again next poll. */
  | { do: 'step-down'; why: 'session-lost' | 'lock-taken' }
  /** Keep following. */
  | { do: 'wait' };

/**
 * The next step from what this replica believes and what its lock session just saw.
 *
 *  role      seen   step
 *  follower  won    begin-term
 *  follower  held   begin-term   (holds the lock without a term: the last begin-term failed half-way)
 *  follower  busy   wait
 *  follower  lost   wait         (the next poll opens a new session)
 *  leader    held   stay
 *  leader    won    begin-term   (its old session died unseen and a new one won: someone may have led in between)
 *  leader    busy   step-down    (lock-taken)
 *  leader    lost   step-down    (session-lost)
 */
export function decideLeadership(state: LeaderState, seen: LockObservation): LeaderStep {
  if (state.role === 'follower') return seen === 'won' || seen === 'held' ? { do: 'begin-term' } : { do: 'wait' };
  switch (seen) {
    case 'held':
      return { do: 'stay' };
    case 'won':
      return { do: 'begin-term' };
    case 'busy':
      return { do: 'step-down', why: 'lock-taken' };
    case 'lost':
      return { do: 'step-down', why: 'session-lost' };
  }
}

/** The leader_terms row of a lock: the current term, who began it, and when. */
export interface TermRow {
  term: number;
  replica: string;
  since: number;
}

/** What /readyz and /metrics say about the lead, from this replica's point of view. */
export interface LeadershipView {
  /** This replica. */
  replica: string;
  /** Whether this replica leads now. */
  leads: boolean;
  /** The replica the database names as leader, when it began, and the term; null before anyone led. */
  leader: string | null;
  leaderSince: number | null;
  term: number | null;
  /** Takeovers since the database was made: every term after the first. */
  takeovers: number;
}

export function leadershipView(replica: string, state: LeaderState, row: TermRow | null): LeadershipView {
  return {
    replica,
    leads: state.role === 'leader',
    leader: row?.replica ?? null,
    leaderSince: row?.since ?? null,
    term: row?.term ?? null,
    takeovers: row ? Math.max(0, row.term - 1) : 0,
  };
}

/** Thrown inside an apply step's transaction when this replica no longer holds the lead: the transaction rolls back. */
export class LeadershipLost extends Error {
  constructor(
    readonly term: number,
    readonly current: TermRow | null,
  ) {
    super(
      current
        ? `this replica led term ${term}, but the lead is at term ${current.term} (${current.replica}): it writes nothing more`
        : `this replica led term ${term}, but no term is recorded: it writes nothing more`,
    );
    this.name = 'LeadershipLost';
  }
}

/**
 * The fencing check, for the first statement of an apply step's transaction: one row when `term` is still the
 * current term of lock `name`, none otherwise. FOR SHARE holds that row until the transaction ends, so a takeover's
 * term bump (an UPDATE of the row) waits for this transaction: either it commits before the new term begins, or it
 * finds the new term and writes nothing.
 */
export function fenceStatement(name: string, term: number): { text: string; values: [string, number] } {
  return { text: 'SELECT term FROM leader_terms WHERE name = $1 AND term = $2 FOR SHARE', values: [name, term] };
}

/**
 * The server settings of the lock session for a poll interval: a frozen leader stops polling, and the server ends
 * its idle session (releasing the lock) after three missed polls; a dead machine is found by TCP keepalives.
 */
export function lockSessionSettings(pollMs: number): Record<string, number> {
  return {
    idle_session_timeout: Math.max(3 * pollMs, 1_000),
    tcp_keepalives_idle: 2,
    tcp_keepalives_interval: 1,
    tcp_keepalives_count: 3,
  };
}
