import { describe, expect, it } from 'vitest';
import { parsePolicyText, type RotationPolicy } from '../../src/config/policy.js';
import { shiftIndexAt, shiftStartAt, shiftsBetween, whoIsOnCall, type Override } from '../../src/schedules/rotation.js';
import { HOUR, MINUTE } from '../../src/time/clock.js';
import { formatInZone } from '../../src/time/zoned.js';

function rotation(zone: string, extra = ''): RotationPolicy {
  const text = [
    'rotations:',
    '  r:',
    '    members: [U0A, U0B, U0C, U0D]',
    `    shift: { every: 1w, handoff: "mon 09:00", timezone: ${zone}, start: "2026-01-05" }`,
    extra,
  ].join('\n');
  return parsePolicyText(text, 'test.yml').rotations.r!;
}

const at = (iso: string) => Date.parse(iso);
const who = (r: RotationPolicy, t: number, overrides: Override[] = []) => {
  const answer = whoIsOnCall(r, overrides, t);
  return [answer.primary?.userId ?? null, answer.secondary?.userId ?? null];
};

describe('weekly rotation in UTC (seed 002: Monday 09:00 to Monday 09:00)', () => {
  const r = rotation('UTC');
  it.each([
    ['before the first shift continues the cycle backwards', '2026-01-05T08:59:59Z', ['U0D', 'U0A']],
    ['exactly at the first boundary belongs to the incoming shift', '2026-01-05T09:00:00Z', ['U0A', 'U0B']],
    ['middle of week 1', '2026-01-08T03:00:00Z', ['U0A', 'U0B']],
    ['one ms before the second boundary', '2026-01-12T08:59:59.999Z', ['U0A', 'U0B']],
    ['at the second boundary', '2026-01-12T09:00:00Z', ['U0B', 'U0C']],
    ['week 4: D primary, A secondary', '2026-01-26T12:00:00Z', ['U0D', 'U0A']],
    ['week 5 wraps to A', '2026-02-02T09:00:00Z', ['U0A', 'U0B']],
    ['Saturday 03:00 late in the year', '2026-11-28T03:00:00Z', ['U0C', 'U0D']],
  ])('%s', (_name, iso, expected) => {
    expect(who(r, at(iso))).toEqual(expected);
  });

  it('says since and until and why', () => {
    const answer = whoIsOnCall(r, [], at('2026-01-08T03:00:00Z'));
    expect(answer.primary).toEqual({
      userId: 'U0A',
      since: at('2026-01-05T09:00:00Z'),
      until: at('2026-01-12T09:00:00Z'),
      why: { kind: 'rotation' },
    });
  });

  it('has no secondary when the offset is none', () => {
    expect(who(rotation('UTC', '    secondary_offset: none'), at('2026-01-08T03:00:00Z'))).toEqual(['U0A', null]);
  });
});

/** Each zone's DST changes in 2026 and the Monday 09:00 boundary next to them. */
const DST_CASES = [
  {
    zone: 'America/New_York',
    change: '2026-03-08T07:00:00Z',
    boundaryAfter: '2026-03-09T13:00:00Z',
    boundaryBefore: '2026-03-02T14:00:00Z',
    weekHours: 167,
  },
  {
    zone: 'America/New_York',
    change: '2026-11-01T06:00:00Z',
    boundaryAfter: '2026-11-02T14:00:00Z',
    boundaryBefore: '2026-10-26T13:00:00Z',
    weekHours: 169,
  },
  {
    zone: 'Europe/London',
    change: '2026-03-29T01:00:00Z',
    boundaryAfter: '2026-03-30T08:00:00Z',
    boundaryBefore: '2026-03-23T09:00:00Z',
    weekHours: 167,
  },
  {
    zone: 'Europe/London',
    change: '2026-10-25T01:00:00Z',
    boundaryAfter: '2026-10-26T09:00:00Z',
    boundaryBefore: '2026-10-19T08:00:00Z',
    weekHours: 169,
  },
  {
    zone: 'Australia/Sydney',
    change: '2026-04-04T16:00:00Z',
    boundaryAfter: '2026-04-05T23:00:00Z',
    boundaryBefore: '2026-03-29T22:00:00Z',
    weekHours: 169,
  },
  {
    zone: 'Australia/Sydney',
    change: '2026-10-03T16:00:00Z',
    boundaryAfter: '2026-10-04T22:00:00Z',
    boundaryBefore: '2026-09-27T23:00:00Z',
    weekHours: 167,
  },
];

describe.each(DST_CASES)('$zone around the DST change at $change', ({ zone, change, boundaryAfter, boundaryBefore, weekHours }) => {
  const r = rotation(zone);
  it(`keeps the handoff at 09:00 local, so the week across the change is ${weekHours} h`, () => {
    const k = shiftIndexAt(r, at(boundaryAfter));
    expect(shiftStartAt(r, k)).toBe(at(boundaryAfter));
    expect(shiftStartAt(r, k - 1)).toBe(at(boundaryBefore));
    expect((at(boundaryAfter) - at(boundaryBefore)) / HOUR).toBe(weekHours);
    expect(formatInZone(at(boundaryAfter), zone, 'EEE HH:mm')).toBe('Mon 09:00');
    expect(formatInZone(at(boundaryBefore), zone, 'EEE HH:mm')).toBe('Mon 09:00');
  });

  it('hands over exactly at the local boundary, not an hour early or late', () => {
    const before = who(r, at(boundaryAfter) - 1);
    const after = who(r, at(boundaryAfter));
    expect(after[0]).toBe(before[1]);
    expect(who(r, at(boundaryAfter) - HOUR)).toEqual(before);
    expect(who(r, at(boundaryAfter) + HOUR)).toEqual(after);
  });

  it('does not change hands at the DST change itself', () => {
    expect(who(r, at(change) - MINUTE)).toEqual(who(r, at(change) + MINUTE));
  });
});

describe('hundreds of instants across 2026', () => {
  it.each(['UTC', 'America/New_York', 'Europe/London', 'Australia/Sydney'])(
    'in %s the primary changes only at Monday 09:00 local, in order',
    (zone) => {
      const r = rotation(zone);
      let previous = who(r, at('2026-01-01T00:00:00Z'))[0];
      let changes = 0;
      for (let t = at('2026-01-01T00:00:00Z'); t < at('2027-01-01T00:00:00Z'); t += 7 * HOUR) {
        const [primary, secondary] = who(r, t);
        const members = r.members;
        expect(secondary).toBe(members[(members.indexOf(primary!) + 1) % members.length]);
        if (primary !== previous) {
          changes += 1;
          expect(primary).toBe(members[(members.indexOf(previous!) + 1) % members.length]);
          const start = whoIsOnCall(r, [], t).shiftStart;
          expect(formatInZone(start, zone, 'EEE HH:mm')).toBe('Mon 09:00');
          previous = primary;
        }
      }
      expect(changes).toBeGreaterThanOrEqual(51);
      expect(changes).toBeLessThanOrEqual(53);
    },
  );
});

describe('daily and N-day shifts', () => {
  it('hands over every day at the handoff time in Europe/London across the spring change', () => {
    const r = parsePolicyText(
      'rotations:\n  d:\n    members: [U0A, U0B, U0C]\n    shift: { every: 1d, handoff: "mon 10:00", timezone: Europe/London, start: "2026-03-28" }',
      'x.yml',
    ).rotations.d!;
    expect(who(r, at('2026-03-28T09:59:00Z'))[0]).toBe('U0C');
    expect(who(r, at('2026-03-28T10:00:00Z'))[0]).toBe('U0A');
    expect(who(r, at('2026-03-29T09:30:00Z'))[0]).toBe('U0B'); // 10:30 BST
    expect(who(r, at('2026-03-30T08:59:00Z'))[0]).toBe('U0B'); // 09:59 BST
    expect(who(r, at('2026-03-30T09:00:00Z'))[0]).toBe('U0C'); // 10:00 BST
  });
});

describe('overrides', () => {
  const r = rotation('UTC');
  const override = (id: number, userId: string, from: string, to: string, extra: Partial<Override> = {}): Override => ({
    id,
    rotation: 'r',
    role: 'primary',
    userId,
    startsAt: at(from),
    endsAt: at(to),
    reason: 'override',
    createdAt: id,
    ...extra,
  });

  it('replaces the primary while it lasts and says why', () => {
    const o = override(1, 'U0Z', '2026-01-07T00:00:00Z', '2026-01-08T00:00:00Z');
    expect(who(r, at('2026-01-06T23:59:59Z'), [o])).toEqual(['U0A', 'U0B']);
    expect(whoIsOnCall(r, [o], at('2026-01-07T00:00:00Z')).primary).toEqual({
      userId: 'U0Z',
      since: at('2026-01-07T00:00:00Z'),
      until: at('2026-01-08T00:00:00Z'),
      why: { kind: 'override', overrideId: 1 },
    });
    expect(who(r, at('2026-01-08T00:00:00Z'), [o])).toEqual(['U0A', 'U0B']);
  });

  it('cuts the rotation assignment at the override edges', () => {
    const o = override(1, 'U0Z', '2026-01-07T00:00:00Z', '2026-01-08T00:00:00Z');
    expect(whoIsOnCall(r, [o], at('2026-01-06T00:00:00Z')).primary?.until).toBe(at('2026-01-07T00:00:00Z'));
    expect(whoIsOnCall(r, [o], at('2026-01-09T00:00:00Z')).primary?.since).toBe(at('2026-01-08T00:00:00Z'));
  });

  it('lets the newest of two overlapping overrides win, and the older one resume after it', () => {
    const older = override(1, 'U0Y', '2026-01-06T00:00:00Z', '2026-01-10T00:00:00Z');
    const newer = override(2, 'U0Z', '2026-01-07T00:00:00Z', '2026-01-08T00:00:00Z');
    expect(who(r, at('2026-01-06T12:00:00Z'), [older, newer])[0]).toBe('U0Y');
    expect(who(r, at('2026-01-07T12:00:00Z'), [older, newer])[0]).toBe('U0Z');
    expect(who(r, at('2026-01-09T12:00:00Z'), [older, newer])[0]).toBe('U0Y');
  });

  it('spans a shift boundary', () => {
    const o = override(1, 'U0Z', '2026-01-11T00:00:00Z', '2026-01-14T00:00:00Z');
    expect(who(r, at('2026-01-11T12:00:00Z'), [o])).toEqual(['U0Z', 'U0B']);
    expect(who(r, at('2026-01-12T09:00:00Z'), [o])).toEqual(['U0Z', 'U0C']);
    expect(who(r, at('2026-01-14T00:00:00Z'), [o])).toEqual(['U0B', 'U0C']);
  });

  it('overrides the secondary without touching the primary, and ignores other rotations', () => {
    const o = override(1, 'U0Z', '2026-01-05T09:00:00Z', '2026-01-12T09:00:00Z', { role: 'secondary' });
    const elsewhere = override(2, 'U0Q', '2026-01-05T09:00:00Z', '2026-01-12T09:00:00Z', { rotation: 'other' });
    expect(who(r, at('2026-01-06T00:00:00Z'), [o, elsewhere])).toEqual(['U0A', 'U0Z']);
  });

  it('lists the shifts between two instants', () => {
    const shifts = shiftsBetween(r, [], at('2026-01-08T00:00:00Z'), at('2026-01-26T09:00:00Z'));
    expect(shifts.map((s) => [s.primary?.userId, formatInZone(s.shiftStart, 'UTC', 'yyyy-MM-dd')])).toEqual([
      ['U0A', '2026-01-05'],
      ['U0B', '2026-01-12'],
      ['U0C', '2026-01-19'],
    ]);
  });
});
