/**
 * The playground's demo rotations start on the Monday whose 09:00 London handoff began the week in progress,
 * so their first members are on call at the first start, whenever that is (the browser test expects Ana).
 */
import { describe, expect, it } from 'vitest';
import { thisMonday } from '../../src/playground/playground.js';

describe('the demo week', () => {
  it.each([
    ['Wednesday afternoon', '2026-12-02T15:00:00Z', '2026-11-30'],
    ['Sunday night', '2026-12-06T23:30:00Z', '2026-11-30'],
    ['Monday 00:06, before the handoff: the week before', '2026-11-30T00:06:00Z', '2026-11-23'],
    ['Monday 08:59 London', '2026-11-30T08:59:00Z', '2026-11-23'],
    ['Monday 09:00 London: this week', '2026-11-30T09:00:00Z', '2026-11-30'],
    ['Monday 08:30 London in summer time (07:30 UTC)', '2026-06-01T07:30:00Z', '2026-05-25'],
    ['Monday 09:00 London in summer time (08:00 UTC)', '2026-06-01T08:00:00Z', '2026-06-01'],
  ])('%s: %s -> %s', (_what, at, monday) => {
    expect(thisMonday(Date.parse(at))).toBe(monday);
  });
});
