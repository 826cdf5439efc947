/**
 * decideBoundary minute by minute (#20 "Done when": the boundary decision tested directly): a boundary timer
 * firing at, or some minutes after, a shift change in the rotation's zone says who is on call at that minute,
 * points the user group at them and sets the next boundary; across both DST weeks of 2026 in Berlin, where
 * Monday 09:00 is 08:00 UTC in winter and 07:00 UTC in summer.
 */
import { describe, expect, it } from 'vitest';
import { parsePolicyText } from '../../src/config/policy.js';
import { decideBoundary, nextBoundaryTimer, type BoundaryDecision } from '../../src/schedules/boundary.js';
import type { Override } from '../../src/schedules/rotation.js';
import { DAY, HOUR, MINUTE } from '../../src/time/clock.js';

const POLICY = parsePolicyText(
  [
    'rotations:',
    '  berlin:',
    '    members: [U0ANA, U0BEN, U0CAT]',
    '    shift: { every: 1w, handoff: "mon 09:00", timezone: Europe/Berlin, start: "2026-01-05" }',
    '    channel: C0BERLIN',
    '    usergroup: S0BERLIN',
  ].join('\n'),
  'test.yml',
);
const BERLIN = POLICY.rotations.berlin!;

/** Spring forward on Sunday 29 March 2026: the Monday boundary before is 08:00 UTC, the one after 07:00 UTC. */
const BEFORE_SPRING = Date.UTC(2026, 2, 23, 8);
const SPRING = Date.UTC(2026, 2, 30, 7);
/** Fall back on Sunday 25 October 2026: 07:00 UTC the Monday before, 08:00 UTC the one after. */
const BEFORE_AUTUMN = Date.UTC(2026, 9, 19, 7);
const AUTUMN = Date.UTC(2026, 9, 26, 8);

/** The decision as one line: who is announced primary and secondary, the user group, and when the next timer is due. */
function line(d: BoundaryDecision): string {
  const text = d.calls.find((c) => c.method === 'chat.postMessage')?.args.text as string | undefined;
  const who = text
    ? (text
        .match(/<@(\w+)> is primary.*<@(\w+)> is secondary/)
        ?.slice(1, 3)
        .join('/') ?? text)
    : 'silent';
  const group = d.calls.find((c) => c.method === 'usergroups.users.update')?.args.users ?? 'none';
  return `${who} group=${String(group)} next=${d.next ? new Date(d.next.dueAt).toISOString().slice(0, 16) : 'none'}`;
}

describe('decideBoundary, minute by minute around a DST boundary (Europe/Berlin)', () => {
  // Shift 0 starts Monday 5 January (Ana, Ben secondary); 23 March is shift 11 (Cat/Ana), 30 March shift 12 (Ana/Ben),
  // 19 October shift 41 (Cat/Ana), 26 October shift 42 (Ana/Ben).
  it.each([
    ['the week before spring: at 09:00 CET (08:00 UTC)', BEFORE_SPRING, BEFORE_SPRING, 'U0CAT/U0ANA group=U0CAT next=2026-03-30T07:00'],
    ['spring: at 09:00 CEST (07:00 UTC)', SPRING, SPRING, 'U0ANA/U0BEN group=U0ANA next=2026-04-06T07:00'],
    ['spring: a minute late', SPRING, SPRING + MINUTE, 'U0ANA/U0BEN group=U0ANA next=2026-04-06T07:00'],
    [
      'spring: 59 minutes late (08:59 UTC, what 09:00 would be without DST)',
      SPRING,
      SPRING + 59 * MINUTE,
      'U0ANA/U0BEN group=U0ANA next=2026-04-06T07:00',
    ],
    [
      'spring: a week less a minute late: still this shift',
      SPRING,
      SPRING + 7 * DAY - MINUTE,
      'U0ANA/U0BEN group=U0ANA next=2026-04-06T07:00',
    ],
    [
      'spring: a week late: the shift in force now, once, and the boundary after it',
      SPRING,
      SPRING + 7 * DAY,
      'U0BEN/U0CAT group=U0BEN next=2026-04-13T07:00',
    ],
    ['the week before autumn: at 09:00 CEST (07:00 UTC)', BEFORE_AUTUMN, BEFORE_AUTUMN, 'U0CAT/U0ANA group=U0CAT next=2026-10-26T08:00'],
    [
      'the week before autumn: 07:59 UTC on the autumn Monday is still that shift',
      BEFORE_AUTUMN,
      AUTUMN - MINUTE,
      'U0CAT/U0ANA group=U0CAT next=2026-10-26T08:00',
    ],
    ['autumn: at 09:00 CET (08:00 UTC)', AUTUMN, AUTUMN, 'U0ANA/U0BEN group=U0ANA next=2026-11-02T08:00'],
    ['autumn: a minute late', AUTUMN, AUTUMN + MINUTE, 'U0ANA/U0BEN group=U0ANA next=2026-11-02T08:00'],
  ])('%s', (_what, shiftStart, now, expected) => {
    expect(line(decideBoundary(POLICY, { rotation: 'berlin', shiftStart }, [], now))).toBe(expected);
  });

  it.each([
    ['a minute before spring', SPRING - MINUTE, SPRING],
    ['at spring', SPRING, SPRING + 7 * DAY],
    ['an hour before the autumn boundary (07:00 UTC, 08:00 CET)', AUTUMN - HOUR, AUTUMN],
    ['a minute before autumn', AUTUMN - MINUTE, AUTUMN],
    ['at autumn', AUTUMN, AUTUMN + 7 * DAY],
  ])('the next boundary timer, %s', (_what, now, expected) => {
    expect(nextBoundaryTimer(BERLIN, now).dueAt).toBe(expected);
  });

  it('an override starting a minute after the boundary is not announced at the boundary, and is a minute later', () => {
    const override: Override = {
      id: 1,
      rotation: 'berlin',
      role: 'primary',
      userId: 'U0ZED',
      startsAt: SPRING + MINUTE,
      endsAt: SPRING + DAY,
      reason: 'override',
      createdAt: 1,
    };
    expect(line(decideBoundary(POLICY, { rotation: 'berlin', shiftStart: SPRING }, [override], SPRING))).toBe(
      'U0ANA/U0BEN group=U0ANA next=2026-04-06T07:00',
    );
    expect(line(decideBoundary(POLICY, { rotation: 'berlin', shiftStart: SPRING }, [override], SPRING + MINUTE))).toBe(
      'U0ZED/U0BEN group=U0ZED next=2026-04-06T07:00',
    );
  });
});
