/** The leader election's rules (src/engine/leader.ts), as a table: every role against every observation. */
import { describe, expect, it } from 'vitest';
import {
  decideLeadership,
  FOLLOWER,
  fenceStatement,
  type LeaderState,
  type LeaderStep,
  LeadershipLost,
  type LockObservation,
  leadershipView,
  lockSessionSettings,
} from '../../src/engine/leader.js';

const LEADER: LeaderState = { role: 'leader', term: 3, since: Date.UTC(2026, 0, 5, 9) };

describe('decideLeadership', () => {
  const table: Array<[LeaderState, LockObservation, LeaderStep]> = [
    [FOLLOWER, 'won', { do: 'begin-term' }],
    [FOLLOWER, 'held', { do: 'begin-term' }],
    [FOLLOWER, 'busy', { do: 'wait' }],
    [FOLLOWER, 'lost', { do: 'wait' }],
    [LEADER, 'held', { do: 'stay' }],
    [LEADER, 'won', { do: 'begin-term' }],
    [LEADER, 'busy', { do: 'step-down', why: 'lock-taken' }],
    [LEADER, 'lost', { do: 'step-down', why: 'session-lost' }],
  ];
  for (const [state, seen, step] of table) {
    it(`${state.role} that sees "${seen}": ${step.do}`, () => {
      expect(decideLeadership(state, seen)).toEqual(step);
    });
  }
});

describe('leadershipView', () => {
  const row = { term: 4, replica: 'bot-b', since: Date.UTC(2026, 0, 5, 10) };

  it('says who leads, since when, and how many takeovers there were', () => {
    expect(leadershipView('bot-a', FOLLOWER, row)).toEqual({
      replica: 'bot-a',
      leads: false,
      leader: 'bot-b',
      leaderSince: row.since,
      term: 4,
      takeovers: 3,
    });
    expect(leadershipView('bot-b', { role: 'leader', term: 4, since: row.since }, row).leads).toBe(true);
  });

  it('before anyone led: no leader, no takeover', () => {
    expect(leadershipView('bot-a', FOLLOWER, null)).toEqual({
      replica: 'bot-a',
      leads: false,
      leader: null,
      leaderSince: null,
      term: null,
      takeovers: 0,
    });
    expect(leadershipView('bot-a', FOLLOWER, { ...row, term: 1 }).takeovers).toBe(0);
  });
});

describe('the fencing check', () => {
  it('reads the current term row FOR SHARE, so a takeover waits for the transaction that checked it', () => {
    expect(fenceStatement('engine', 7)).toEqual({
      text: 'SELECT term FROM leader_terms WHERE name = $1 AND term = $2 FOR SHARE',
      values: ['engine', 7],
    });
  });

  it('says which term this replica had and which term leads now', () => {
    expect(new LeadershipLost(2, { term: 3, replica: 'bot-b', since: 0 }).message).toBe(
      'this replica led term 2, but the lead is at term 3 (bot-b): it writes nothing more',
    );
    expect(new LeadershipLost(2, null).message).toBe('this replica led term 2, but no term is recorded: it writes nothing more');
  });
});

describe('lockSessionSettings', () => {
  it('ends a frozen leader after three missed polls, and a vanished one by TCP keepalives within seconds', () => {
    expect(lockSessionSettings(1_000)).toEqual({
      idle_session_timeout: 3_000,
      tcp_keepalives_idle: 2,
      tcp_keepalives_interval: 1,
      tcp_keepalives_count: 3,
    });
    expect(lockSessionSettings(100).idle_session_timeout).toBe(1_000);
  });
});
