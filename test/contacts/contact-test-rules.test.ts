/** Test pages, pure: which ways, in what order, what each event does, how the result reads, and the signed links. */
import { describe, expect, it } from 'vitest';
import {
  checkTestToken,
  decideTest,
  elapsedWords,
  makeTestToken,
  TEST_GAP_MS,
  TEST_GIVE_UP_MS,
  testMethods,
  testOutcomeWords,
  type TestDecision,
  type TestEvent,
  type TestState,
} from '../../src/contacts/contact-test-rules.js';
import type { ContactKind } from '../../src/contacts/contact-rules.js';
import { MINUTE, SECOND } from '../../src/time/clock.js';

const T0 = Date.parse('2026-01-07T03:00:00Z');
const running = (sent: number, methods: TestState['methods'] = ['slack', 'push', 'voice']): TestState => ({
  status: 'running',
  methods,
  sent,
  startedAt: T0,
});

describe('testMethods', () => {
  it.each<[string, ContactKind[], ContactKind[], { methods: string[]; unsendable: string[] }]>([
    [
      'Slack first, then in order push, sms, voice, email',
      ['email', 'voice', 'sms', 'push'],
      ['push', 'sms', 'voice', 'email'],
      { methods: ['slack', 'push', 'sms', 'voice', 'email'], unsendable: [] },
    ],
    ['nothing verified: Slack alone', [], ['push'], { methods: ['slack'], unsendable: [] }],
    ['verified but the bot cannot send it (no SMTP)', ['push', 'email'], ['push'], { methods: ['slack', 'push'], unsendable: ['email'] }],
  ])('%s', (_name, verified, sendable, expected) => {
    expect(testMethods(verified, (k) => sendable.includes(k))).toEqual(expected);
  });
});

describe('decideTest', () => {
  it.each<[string, TestState, TestEvent, number, TestDecision]>([
    [
      'start: Slack now, push a minute later',
      running(0),
      { kind: 'start' },
      T0,
      { ok: true, send: [{ index: 0, via: 'slack' }], sent: 1, next: { index: 1, dueAt: T0 + TEST_GAP_MS }, end: null },
    ],
    [
      'the push timer: push now, the call a minute later',
      running(1),
      { kind: 'next', index: 1 },
      T0 + MINUTE,
      { ok: true, send: [{ index: 1, via: 'push' }], sent: 2, next: { index: 2, dueAt: T0 + 2 * MINUTE }, end: null },
    ],
    [
      'the last way: sent, then giving up 5 minutes later',
      running(2),
      { kind: 'next', index: 2 },
      T0 + 2 * MINUTE,
      { ok: true, send: [{ index: 2, via: 'voice' }], sent: 3, next: { index: 3, dueAt: T0 + 2 * MINUTE + TEST_GIVE_UP_MS }, end: null },
    ],
    [
      'giving up: unanswered, nothing more',
      running(3),
      { kind: 'next', index: 3 },
      T0 + 7 * MINUTE,
      { ok: true, send: [], sent: 3, next: null, end: { status: 'unanswered', via: null, elapsedMs: 7 * MINUTE } },
    ],
    ['a timer fired twice (already sent): nothing', running(2), { kind: 'next', index: 1 }, T0 + MINUTE, { ok: false, why: 'stale' }],
    [
      'acknowledged by push: over, with the time since the start',
      running(2),
      { kind: 'ack', via: 'push' },
      T0 + MINUTE + 10 * SECOND,
      { ok: true, send: [], sent: 2, next: null, end: { status: 'acknowledged', via: 'push', elapsedMs: MINUTE + 10 * SECOND } },
    ],
    [
      'acknowledged by Slack while later ways are still to come',
      running(1),
      { kind: 'ack', via: 'slack' },
      T0 + 5 * SECOND,
      { ok: true, send: [], sent: 1, next: null, end: { status: 'acknowledged', via: 'slack', elapsedMs: 5 * SECOND } },
    ],
    ['acknowledged through a way not sent yet: nothing', running(1), { kind: 'ack', via: 'voice' }, T0, { ok: false, why: 'not_sent' }],
    [
      'acknowledged after it is over: nothing',
      { ...running(3), status: 'unanswered' },
      { kind: 'ack', via: 'push' },
      T0,
      { ok: false, why: 'over' },
    ],
    [
      'a timer after it is over: nothing',
      { ...running(2), status: 'acknowledged' },
      { kind: 'next', index: 2 },
      T0,
      { ok: false, why: 'stale' },
    ],
    ['started twice: nothing', running(1), { kind: 'start' }, T0, { ok: false, why: 'stale' }],
    [
      'the call was busy: the way after it goes at once',
      running(2, ['slack', 'voice', 'email']),
      { kind: 'unanswered', via: 'voice' },
      T0 + MINUTE + 20 * SECOND,
      {
        ok: true,
        send: [{ index: 2, via: 'email' }],
        sent: 3,
        next: { index: 3, dueAt: T0 + MINUTE + 20 * SECOND + TEST_GIVE_UP_MS },
        end: null,
      },
    ],
    [
      'the call was the last way: it keeps waiting for the others',
      running(3),
      { kind: 'unanswered', via: 'voice' },
      T0,
      { ok: false, why: 'stale' },
    ],
    [
      'an earlier way reported unanswered after a later one went: nothing',
      running(3, ['slack', 'voice', 'email']),
      { kind: 'unanswered', via: 'voice' },
      T0,
      { ok: false, why: 'stale' },
    ],
  ])('%s', (_name, state, event, now, expected) => {
    expect(decideTest(state, event, now)).toEqual(expected);
  });
});

describe('words', () => {
  it.each([
    [45 * SECOND, '45s'],
    [70 * SECOND, '1m 10s'],
    [3 * MINUTE, '3m'],
    [62 * MINUTE, '1h 2m'],
    [0, '0s'],
  ])('elapsedWords(%i) = %s', (ms, words) => expect(elapsedWords(ms)).toBe(words));

  it('says which way woke the person, or what was tried', () => {
    const base = { methods: ['slack', 'push'] as const, sent: 2, startedAt: T0, endedAt: T0 + 70 * SECOND };
    expect(testOutcomeWords({ ...base, status: 'acknowledged', ackedVia: 'push' })).toBe('reached by push after 1m 10s');
    expect(testOutcomeWords({ ...base, status: 'unanswered', ackedVia: null })).toBe('not acknowledged (tried Slack, push) after 1m 10s');
  });
});

describe('test links', () => {
  const claim = { testId: 7, userId: 'U0ALICE', via: 'push' as const, expiresAt: T0 + MINUTE };
  it.each<[string, (token: string) => string, string, number, unknown]>([
    ['good', (t) => t, 'k', T0, { ok: true, claim }],
    ['another secret', (t) => t, 'other', T0, { ok: false, why: 'forged' }],
    ['another way written in', (t) => t.replace('.push.', '.voice.'), 'k', T0, { ok: false, why: 'forged' }],
    ['another person written in', (t) => t.replace('U0ALICE', 'U0BOB'), 'k', T0, { ok: false, why: 'forged' }],
    ['expired', (t) => t, 'k', T0 + MINUTE, { ok: false, why: 'expired' }],
    [
      'a page token shape',
      () => 'v1.12.U0ALICE.1767582000000.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      'k',
      T0,
      { ok: false, why: 'malformed' },
    ],
    ['an unknown way', (t) => t.replace('.push.', '.fax.'), 'k', T0, { ok: false, why: 'malformed' }],
  ])('%s', (_name, change, secret, now, expected) => {
    expect(checkTestToken(secret, change(makeTestToken('k', claim)), now)).toEqual(expected);
  });
});
