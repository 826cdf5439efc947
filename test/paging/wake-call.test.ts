import { describe, expect, it } from 'vitest';
import {
  CALL_IN_FLIGHT_BOUND_MS,
  callSpeech,
  decideCall,
  matchSent,
  pagesNamed,
  RECONCILE_SKEW_MS,
  type WakeCallRecord,
} from '../../src/paging/wake-call.js';
import { SECOND } from '../../src/time/clock.js';

const NOW = Date.parse('2026-01-07T03:03:00Z');
const call = (over: Partial<WakeCallRecord>): WakeCallRecord => ({
  id: 1,
  sid: 'CA1',
  placedAt: NOW - 40 * SECOND,
  answeredAt: null,
  named: null,
  endedAt: null,
  ...over,
});
const answered = (named: number[]) => call({ answeredAt: NOW - 20 * SECOND, named });
const PAGE = 12;

describe('decideCall: at most one call per person in flight', () => {
  it.each<[string, WakeCallRecord | null, 'place' | 'covered' | 'wait']>([
    ['no call before', null, 'place'],
    ['a call placed 40 s ago, ringing (no callback yet)', call({}), 'covered'],
    ['a call answered 20 s ago that read this page', answered([9, PAGE]), 'covered'],
    ['a call answered 20 s ago that did not read this page', answered([9, 10]), 'wait'],
    ['a call answered without this page that then ended', { ...answered([9]), endedAt: NOW - SECOND }, 'place'],
    [
      'a call answered without this page whose callback never came (bound passed)',
      { ...answered([9]), placedAt: NOW - 150 * SECOND },
      'place',
    ],
    ['placed this very instant', call({ placedAt: NOW }), 'covered'],
    ['a call placed 40 s ago that ended busy 10 s ago', call({ endedAt: NOW - 10 * SECOND }), 'place'],
    ['a call placed just under the bound ago, no callback', call({ placedAt: NOW - CALL_IN_FLIGHT_BOUND_MS + 1 }), 'covered'],
    ['a call placed exactly the bound ago, no callback (lost)', call({ placedAt: NOW - CALL_IN_FLIGHT_BOUND_MS }), 'place'],
    ['a call placed 3 min ago, no callback (lost)', call({ placedAt: NOW - 180 * SECOND }), 'place'],
    ['a request that never got a sid (it failed, or the process died)', call({ sid: null }), 'place'],
  ])('%s -> %s', (_name, latest, expected) => {
    expect(decideCall(latest, PAGE, NOW).kind).toBe(expected);
  });

  it('covered names the call that covers it', () => {
    expect(decideCall(call({ id: 7 }), PAGE, NOW)).toEqual({ kind: 'covered', by: 7 });
    expect(decideCall({ ...answered([9]), id: 8 }, PAGE, NOW)).toEqual({ kind: 'wait', for: 8 });
  });
});

describe('what a call says', () => {
  const page = (id: number, summary: string) => ({ id, severity: 'P0', rotation: 'backend', summary, age: '3 minutes' });

  it.each([
    [
      [page(12, 'checkout down')],
      'P0 page 12 for backend: checkout down. Open for 3 minutes. Press 4 to acknowledge, 5 to escalate, 6 to resolve.',
    ],
    [
      [page(12, 'checkout down'), page(9, 'db slow'), page(14, 'queue stuck')],
      'You have 3 open pages. P0 page 12 for backend: checkout down. Open for 3 minutes. P0 page 9 for backend: db slow. ' +
        'Open for 3 minutes. P0 page 14 for backend: queue stuck. Open for 3 minutes. Press 4 to acknowledge all 3, or 5 to escalate, 6 to resolve page 12.',
    ],
  ])('%j', (pages, said) => {
    expect(callSpeech(pages)).toBe(said);
  });

  it.each<[number, number[], number[]]>([
    [12, [], [12]],
    [12, [12], [12]],
    [12, [14, 9, 12, 9], [12, 9, 14]],
  ])('the page the call is for first, then the others by id: %d of %j -> %j', (forPage, open, named) => {
    expect(pagesNamed(forPage, open)).toEqual(named);
  });
});

describe('matchSent: which recent send an interrupted row made', () => {
  const claimedAt = NOW;
  const none = new Set<string>();
  it.each<[string, Parameters<typeof matchSent>[0], Parameters<typeof matchSent>[1], string | null]>([
    [
      'a call a second after the claim, unknown sid',
      [{ id: 'CA2', createdAt: NOW + SECOND }],
      { claimedAt, knownIds: none, marker: null },
      'CA2',
    ],
    [
      'a call within the clock skew before the claim',
      [{ id: 'CA2', createdAt: NOW - RECONCILE_SKEW_MS }],
      { claimedAt, knownIds: none, marker: null },
      'CA2',
    ],
    [
      'a call before the claim, beyond the skew',
      [{ id: 'CA2', createdAt: NOW - RECONCILE_SKEW_MS - 1 }],
      { claimedAt, knownIds: none, marker: null },
      null,
    ],
    [
      'only a call the bot knows (its sid recorded)',
      [{ id: 'CA1', createdAt: NOW + SECOND }],
      { claimedAt, knownIds: new Set(['CA1']), marker: null },
      null,
    ],
    ['nothing listed', [], { claimedAt, knownIds: none, marker: null }, null],
    [
      'a text naming this page',
      [{ id: 'SM1', createdAt: NOW, text: '[P0] x: page #12 (backend) is not acknowledged. Reply 4 12 to acknowledge.' }],
      { claimedAt, knownIds: none, marker: 'Reply 4 12 to acknowledge.' },
      'SM1',
    ],
    [
      'a text naming another page (112 is not 12)',
      [{ id: 'SM1', createdAt: NOW, text: '[P0] x: page #112 (backend) is not acknowledged. Reply 4 112 to acknowledge.' }],
      { claimedAt, knownIds: none, marker: 'Reply 4 12 to acknowledge.' },
      null,
    ],
  ])('%s', (_name, sends, claim, expected) => {
    expect(matchSent(sends, claim)?.id ?? null).toBe(expected);
  });
});
