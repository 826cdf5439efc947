/**
 * decideBoundary and the boundary timers, as pure functions (boundary.test.ts runs the same through the app):
 * what a shift change announces, which user group it sets, and when the next one is due, also when the timer
 * fires late.
 */
import { describe, expect, it } from 'vitest';
import { parsePolicyText } from '../../src/config/policy.js';
import { PRIORITY } from '../../src/engine/outbox.js';
import { BOUNDARY_TIMER, boundaryTimer, decideBoundary, nextBoundaryTimer } from '../../src/schedules/boundary.js';
import type { Override } from '../../src/schedules/rotation.js';
import { DAY, HOUR } from '../../src/time/clock.js';

const POLICY = parsePolicyText(
  [
    'rotations:',
    '  backend:',
    '    members: [U0ALICE, U0BOB, U0CAROL]',
    '    shift: { every: 1w, handoff: "mon 09:00", timezone: UTC, start: "2026-01-05" }',
    '    channel: C0BACKEND',
    '    usergroup: S0ONCALL',
    '  quiet:',
    '    members: [U0DAN]',
    '    shift: { every: 1d, handoff: "mon 10:00", timezone: UTC, start: "2026-01-05" }',
  ].join('\n'),
  'test.yml',
);
const BACKEND = POLICY.rotations.backend!;
const QUIET = POLICY.rotations.quiet!;
/** Monday 2026-01-12 09:00 UTC: backend's second shift, Bob primary, Carol secondary. */
const MONDAY = Date.UTC(2026, 0, 12, 9, 0);
const NEXT_MONDAY = MONDAY + 7 * DAY;

describe('boundary timers', () => {
  it('are keyed by rotation and shift start, so scheduling one twice is harmless', () => {
    expect(boundaryTimer(BACKEND, MONDAY)).toEqual({
      kind: BOUNDARY_TIMER,
      subject: 'rotation:backend',
      key: `boundary:backend:${MONDAY}`,
      dueAt: MONDAY,
      payload: { rotation: 'backend', shiftStart: MONDAY },
    });
    expect(BOUNDARY_TIMER).toBe('schedule.boundary');
  });

  it.each([
    ['a week before the boundary', MONDAY - 7 * DAY + 1, MONDAY],
    ['an instant before the boundary', MONDAY - 1, MONDAY],
    ['at the boundary: the one after it', MONDAY, NEXT_MONDAY],
    ['mid-shift', MONDAY + 3 * DAY, NEXT_MONDAY],
  ])('the next one after %s', (_what, now, expected) => {
    expect(nextBoundaryTimer(BACKEND, now).dueAt).toBe(expected);
  });
});

describe('decideBoundary', () => {
  it('announces the new shift in the channel, sets the user group to the primary, and schedules the next boundary', () => {
    const decision = decideBoundary(POLICY, { rotation: 'backend', shiftStart: MONDAY }, [], MONDAY);
    expect(decision.calls).toEqual([
      {
        method: 'chat.postMessage',
        args: {
          channel: 'C0BACKEND',
          text: expect.stringMatching(
            /^:arrows_counterclockwise: \*backend\* shift change: <@U0BOB> is primary until <!date\^\d+\^[^>]+>; <@U0CAROL> is secondary\.$/,
          ),
        },
        priority: PRIORITY.notice,
      },
      { method: 'usergroups.users.update', args: { usergroup: 'S0ONCALL', users: 'U0BOB' }, priority: PRIORITY.notice },
    ]);
    expect((decision.calls[0]!.args.text as string).includes(`<!date^${NEXT_MONDAY / 1000}^`)).toBe(true);
    expect(decision.next).toEqual(boundaryTimer(BACKEND, NEXT_MONDAY));
  });

  it('a timer that fires late announces the shift in force now, once, and schedules the boundary after now', () => {
    const late = NEXT_MONDAY + 2 * HOUR; // the bot was down across the next boundary too
    const decision = decideBoundary(POLICY, { rotation: 'backend', shiftStart: MONDAY }, [], late);
    expect(decision.calls).toHaveLength(2);
    expect(decision.calls[0]!.args.text).toMatch(/<@U0CAROL> is primary .*; <@U0ALICE> is secondary\./);
    expect(decision.calls[1]!.args).toEqual({ usergroup: 'S0ONCALL', users: 'U0CAROL' });
    expect(decision.next?.dueAt).toBe(NEXT_MONDAY + 7 * DAY);
  });

  it('follows an override of the primary', () => {
    const override: Override = {
      id: 1,
      rotation: 'backend',
      role: 'primary',
      userId: 'U0ZED',
      startsAt: MONDAY,
      endsAt: MONDAY + DAY,
      reason: 'swap',
      createdAt: 1,
    };
    const decision = decideBoundary(POLICY, { rotation: 'backend', shiftStart: MONDAY }, [override], MONDAY);
    expect(decision.calls[0]!.args.text).toMatch(
      /^:arrows_counterclockwise: \*backend\* shift change: <@U0ZED> is primary until <!date\^\d+/,
    );
    expect((decision.calls[0]!.args.text as string).includes(`<!date^${(MONDAY + DAY) / 1000}^`)).toBe(true);
    expect(decision.calls[1]!.args).toEqual({ usergroup: 'S0ONCALL', users: 'U0ZED' });
  });

  it('says when nobody is primary or secondary, and leaves the user group alone without a primary', () => {
    const nobody = { ...POLICY, rotations: { backend: { ...BACKEND, members: [], secondaryOffset: null } } };
    const decision = decideBoundary(nobody, { rotation: 'backend', shiftStart: MONDAY }, [], MONDAY);
    expect(decision.calls).toEqual([
      {
        method: 'chat.postMessage',
        args: {
          channel: 'C0BACKEND',
          text: ':arrows_counterclockwise: *backend* shift change: nobody is primary (add members or an override); no secondary.',
        },
        priority: PRIORITY.notice,
      },
    ]);
  });

  it('a rotation without channel or user group changes shift silently, and keeps its timer going', () => {
    const decision = decideBoundary(POLICY, { rotation: 'quiet', shiftStart: Date.UTC(2026, 0, 6, 10) }, [], Date.UTC(2026, 0, 6, 10));
    expect(decision).toEqual({ calls: [], next: boundaryTimer(QUIET, Date.UTC(2026, 0, 7, 10)) });
  });

  it('a rotation removed from the policy ends its timers', () => {
    expect(decideBoundary(POLICY, { rotation: 'gone', shiftStart: MONDAY }, [], MONDAY)).toEqual({ calls: [], next: null });
  });
});

describe('a staggered secondary (seed 003 grown: 2-week shifts, the secondary handing off a week in)', () => {
  const GROWN_POLICY = parsePolicyText(
    [
      'rotations:',
      '  platform:',
      '    members: [U0ANA, U0BEN, U0CAT, U0DEV]',
      '    shift: { every: 2w, handoff: "mon 09:00", timezone: UTC, start: "2026-01-05" }',
      '    secondary_offset: 2',
      '    secondary_handoff_after: 1w',
      '    channel: C0PLATFORM',
      '    usergroup: S0ONCALL',
    ].join('\n'),
    'grown.yml',
  );
  const PLATFORM = GROWN_POLICY.rotations.platform!;
  const SHIFT_0 = Date.UTC(2026, 0, 5, 9);
  const WEEK = 7 * DAY;

  it("a timer is due every week: the shift change, then the secondary's handoff", () => {
    expect(nextBoundaryTimer(PLATFORM, SHIFT_0).dueAt).toBe(SHIFT_0 + WEEK);
    expect(nextBoundaryTimer(PLATFORM, SHIFT_0 + WEEK).dueAt).toBe(SHIFT_0 + 2 * WEEK);
    expect(nextBoundaryTimer(PLATFORM, SHIFT_0 + WEEK - 1).dueAt).toBe(SHIFT_0 + WEEK);
  });

  it('at the shift change both are named, the secondary with its own end; the user group follows the primary', () => {
    const decision = decideBoundary(GROWN_POLICY, { rotation: 'platform', shiftStart: SHIFT_0 + 2 * WEEK }, [], SHIFT_0 + 2 * WEEK);
    expect(decision.calls[0]!.args.text).toMatch(
      /^:arrows_counterclockwise: \*platform\* shift change: <@U0BEN> is primary until <!date\^\d+\^[^>]+>; <@U0CAT> is secondary until <!date\^\d+\^[^>]+>\.$/,
    );
    expect((decision.calls[0]!.args.text as string).includes(`<!date^${(SHIFT_0 + 4 * WEEK) / 1000}^`)).toBe(true);
    expect((decision.calls[0]!.args.text as string).includes(`<!date^${(SHIFT_0 + 3 * WEEK) / 1000}^`)).toBe(true);
    expect(decision.calls[1]!.args).toEqual({ usergroup: 'S0ONCALL', users: 'U0BEN' });
    expect(decision.next?.dueAt).toBe(SHIFT_0 + 3 * WEEK);
  });

  it('a week in, only the secondary changes: said so, the primary stays, the user group is left alone', () => {
    const decision = decideBoundary(GROWN_POLICY, { rotation: 'platform', shiftStart: SHIFT_0 + 3 * WEEK }, [], SHIFT_0 + 3 * WEEK);
    expect(decision.calls).toEqual([
      {
        method: 'chat.postMessage',
        args: {
          channel: 'C0PLATFORM',
          text: expect.stringMatching(
            /^:arrows_counterclockwise: \*platform\* secondary change: <@U0DEV> is secondary until <!date\^\d+\^[^>]+>; <@U0BEN> stays primary until <!date\^\d+\^[^>]+>\.$/,
          ),
        },
        priority: PRIORITY.notice,
      },
    ]);
    expect(decision.next?.dueAt).toBe(SHIFT_0 + 4 * WEEK);
  });

  it('a secondary handoff timer that fires after the next shift began announces that shift in full', () => {
    const decision = decideBoundary(GROWN_POLICY, { rotation: 'platform', shiftStart: SHIFT_0 + 3 * WEEK }, [], SHIFT_0 + 4 * WEEK + HOUR);
    expect(decision.calls[0]!.args.text).toMatch(/shift change: <@U0CAT> is primary .*; <@U0DEV> is secondary until/);
    expect(decision.calls[1]!.args).toEqual({ usergroup: 'S0ONCALL', users: 'U0CAT' });
    expect(decision.next?.dueAt).toBe(SHIFT_0 + 5 * WEEK);
  });
});
