import ICAL from 'ical.js';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { calendarFeed, onCallSegments, type OnCallSegment } from '../../src/calendar/calendar-feed.js';
import { parsePolicyText } from '../../src/config/policy.js';
import { calendarTokens } from '../../src/db/schema.js';
import { DAY, FakeClock, HOUR } from '../../src/time/clock.js';
import { formatInZone } from '../../src/time/zoned.js';
import { SWAP_ACTIONS } from '../../src/schedules/swap.js';
import { TestApp } from '../support/harness.js';
import { blockActionPayload } from '../support/signed-requests.js';

/** A London rotation: Monday 09:00 handoffs, so the shift starts move by an hour in UTC when the clocks change. */
const POLICY = parsePolicyText(
  `timezone: Europe/London
people: { engineering_lead: U0LEAD, cto: U0CTO }
rotations:
  web:
    members: [U0ALICE, U0BOB, U0CAROL]
    shift: { every: 1w, handoff: "mon 09:00", timezone: Europe/London, start: "2027-01-04" }
    secondary_offset: 1
  db:
    members: [U0DAN, U0BOB]
    shift: { every: 1w, handoff: "mon 09:00", timezone: UTC, start: "2027-01-04" }
`,
  'calendar.policy.yml',
);
// Monday 15 March 2027; British Summer Time starts Sunday 28 March.
const NOW = Date.parse('2027-03-15T12:00:00Z');

let t: TestApp;
afterEach(async () => t?.close());

interface ParsedEvent {
  summary: string;
  start: number;
  end: number;
  uid: string;
  description: string;
}

function parseIcs(text: string): ParsedEvent[] {
  const calendar = new ICAL.Component(ICAL.parse(text));
  return calendar.getAllSubcomponents('vevent').map((c) => {
    const event = new ICAL.Event(c);
    return {
      summary: event.summary,
      start: event.startDate.toUnixTime() * 1000,
      end: event.endDate.toUnixTime() * 1000,
      uid: event.uid,
      description: event.description,
    };
  });
}

const utc = (ms: number) => formatInZone(ms, 'UTC', "yyyy-MM-dd'T'HH:mm'Z'");

/** [start, end, who, description] of each event, in feed order, for exact comparisons. */
const rows = (events: ParsedEvent[], suffix: string) =>
  events.filter((e) => e.summary.endsWith(suffix)).map((e) => [utc(e.start), utc(e.end), e.summary.split(':')[0], e.description]);

/** Fails when someone holds both roles of a rotation at the same instant somewhere in the feed. */
function expectNoDoubleRoles(events: ParsedEvent[], rotation: string): void {
  const primaries = events.filter((e) => e.summary.endsWith(`${rotation} primary`));
  const secondaries = events.filter((e) => e.summary.endsWith(`${rotation} secondary`));
  const both = primaries.flatMap((p) =>
    secondaries
      .filter((s) => s.summary.split(':')[0] === p.summary.split(':')[0] && s.start < p.end && p.start < s.end)
      .map((s) => `${p.summary} and ${s.summary} from ${utc(Math.max(p.start, s.start))}`),
  );
  expect(both).toEqual([]);
}

async function linksFor(user: string): Promise<{ text: string; token: string }> {
  const answer = await t.command('/oncall', 'calendar', user);
  const text = (answer.json() as { text: string }).text;
  const token = /token=([A-Za-z0-9_-]+)/.exec(text)?.[1];
  if (!token) throw new Error(`no link in: ${text}`);
  return { text, token };
}

const start = async () => {
  t = await TestApp.start({ policy: POLICY, clock: new FakeClock(NOW) });
  t.standIn.addUser({ id: 'U0ALICE', name: 'Alice Ames' });
  t.standIn.addUser({ id: 'U0BOB', name: 'Bob Brown' });
  t.standIn.addUser({ id: 'U0DAN', name: 'Dan Diaz' });
};

describe('calendar feed', () => {
  it('a rotation feed parses back as its shifts for 12 weeks, at the right instants across the change to summer time', async () => {
    await start();
    const { text, token } = await linksFor('U0ALICE');
    expect(text).toContain(`/calendar/me.ics?token=${token}`);
    expect(text).toContain(`/calendar/web.ics?token=${token}`);

    const response = await t.get(`/calendar/web.ics?token=${token}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/calendar');
    const events = parseIcs(await response.text());
    const primaries = events.filter((e) => e.summary.endsWith('web primary'));
    // Shift 10 (8 March) is in progress; the feed starts now and runs 12 weeks.
    expect(primaries[0]).toMatchObject({ start: NOW, end: Date.parse('2027-03-22T09:00:00Z'), summary: 'Bob Brown: web primary' });
    // 22 March 09:00 GMT is 09:00Z; 29 March 09:00 BST is 08:00Z: the shift across the change is an hour shorter.
    expect(primaries[1]).toMatchObject({
      start: Date.parse('2027-03-22T09:00:00Z'),
      end: Date.parse('2027-03-29T08:00:00Z'),
      summary: 'U0CAROL: web primary',
    });
    expect(primaries[2]).toMatchObject({
      start: Date.parse('2027-03-29T08:00:00Z'),
      end: Date.parse('2027-04-05T08:00:00Z'),
      summary: 'Alice Ames: web primary',
    });
    expect(primaries.at(-1)!.end).toBe(NOW + 12 * 7 * DAY);
    expect(primaries).toHaveLength(13);
    // Every instant is covered once per role: no gap, no overlap.
    for (let i = 1; i < primaries.length; i += 1) expect(primaries[i]!.start).toBe(primaries[i - 1]!.end);
    expect(events.filter((e) => e.summary.endsWith('web secondary'))).toHaveLength(13);
    expect(new Set(events.map((e) => e.uid)).size).toBe(events.length);
  });

  it('my feed holds only my shifts, in every rotation, overrides included', async () => {
    await start();
    // Dan covers Bob's db primary (the week of 22 March) for two days in the middle of it.
    const override = await t.command('/oncall', 'override <@U0DAN|dan> 2027-03-23 09:00 2027-03-25 09:00 db primary', 'U0DAN');
    expect((override.json() as { text: string }).text).toContain('Override #1');
    const { token } = await linksFor('U0BOB');
    const events = parseIcs(await (await t.get(`/calendar/me.ics?token=${token}`)).text());
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.summary.startsWith('Bob Brown: '))).toBe(true);
    const dbShifts = events.filter((e) => e.summary === 'Bob Brown: db primary');
    // Bob's db week is split around Dan's two days.
    expect(dbShifts.slice(0, 2).map((e) => [e.start, e.end])).toEqual([
      [Date.parse('2027-03-22T09:00:00Z'), Date.parse('2027-03-23T09:00:00Z')],
      [Date.parse('2027-03-25T09:00:00Z'), Date.parse('2027-03-29T09:00:00Z')],
    ]);
    expect(events.some((e) => e.summary === 'Bob Brown: db secondary' && e.start === NOW)).toBe(true);
  });

  it('a wrong, missing or reset token, or an unknown rotation, gets 404; the token is stored only as a hash', async () => {
    await start();
    const { token } = await linksFor('U0ALICE');
    expect((await t.get(`/calendar/web.ics?token=${token}x`)).status).toBe(404);
    expect((await t.get('/calendar/web.ics')).status).toBe(404);
    expect((await t.get(`/calendar/nope.ics?token=${token}`)).status).toBe(404);
    expect((await t.get(`/calendar/__proto__.ics?token=${token}`)).status).toBe(404);
    const again = await t.command('/oncall', 'calendar', 'U0ALICE');
    expect((again.json() as { text: string }).text).toContain('shown again');

    const reset = await t.command('/oncall', 'calendar reset', 'U0ALICE');
    const fresh = /token=([A-Za-z0-9_-]+)/.exec((reset.json() as { text: string }).text)![1]!;
    expect(fresh).not.toBe(token);
    const old = await t.get(`/calendar/web.ics?token=${token}`);
    expect(old.status).toBe(404);
    expect(await old.text()).toContain('/oncall calendar');
    expect((await t.get(`/calendar/web.ics?token=${fresh}`)).status).toBe(200);

    const rows = t.store.db.select().from(calendarTokens).all();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).not.toContain(fresh);
    t.store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(t.store.path).includes(Buffer.from(fresh))).toBe(false);
  });

  it('tells a mistyped subcommand how to use it', async () => {
    await start();
    const answer = await t.command('/oncall', 'calendar please', 'U0ALICE');
    expect((answer.json() as { text: string }).text).toContain('`/oncall calendar reset`');
  });
});

describe('calendar feed: swaps, leave, and who sees what', () => {
  it('an accepted swap shows in both feeds as the swap, and never makes one person primary and secondary at once', async () => {
    await start();
    t.standIn.addUser({ id: 'U0CAROL', name: 'Carol Cruz' });
    // Alice is web primary the week of 29 March (Bob secondary); Carol takes it.
    const asked = (await t.command('/oncall', 'swap <@U0CAROL> 2027-03-30', 'U0ALICE')).json() as { text: string };
    expect(asked.text).toMatch(/^Swap request #1 sent to <@U0CAROL>/);
    await t.tick();
    await t.interact(blockActionPayload('U0CAROL', SWAP_ACTIONS.accept, '1', { channel: { id: 'DU0CAROL' } }));
    await t.settled();
    const { token } = await linksFor('U0CAROL');

    const web = parseIcs(await (await t.get(`/calendar/web.ics?token=${token}`)).text());
    expect(rows(web, 'web primary').slice(2, 4)).toEqual([
      ['2027-03-29T08:00Z', '2027-04-05T08:00Z', 'Carol Cruz', 'On call for web (primary): swap (override #1).'],
      ['2027-04-05T08:00Z', '2027-04-12T08:00Z', 'Bob Brown', 'On call for web (primary) by the rotation.'],
    ]);
    expectNoDoubleRoles(web, 'web');

    const mine = parseIcs(await (await t.get(`/calendar/me.ics?token=${token}`)).text());
    expect(mine.every((e) => e.summary.startsWith('Carol Cruz: '))).toBe(true);
    expect(mine.some((e) => e.start === Date.parse('2027-03-29T08:00:00Z') && e.summary === 'Carol Cruz: web primary')).toBe(true);
  });

  it('leave shows the promoted secondary and the cover, each for the days of the leave only', async () => {
    await start();
    // Carol is web primary the week of 22 March, Alice secondary; Carol is away on the 23rd and 24th.
    const answer = (await t.command('/oncall', 'leave <@U0CAROL> 2027-03-23 2027-03-25', 'U0CAROL')).json() as { text: string };
    expect(answer.text).toContain('is on leave');
    const { token } = await linksFor('U0ALICE');
    const web = parseIcs(await (await t.get(`/calendar/web.ics?token=${token}`)).text());
    expect(rows(web, 'web primary').slice(1, 4)).toEqual([
      ['2027-03-22T09:00Z', '2027-03-23T00:00Z', 'U0CAROL', 'On call for web (primary) by the rotation.'],
      ['2027-03-23T00:00Z', '2027-03-25T00:00Z', 'Alice Ames', 'On call for web (primary): leave (override #1).'],
      ['2027-03-25T00:00Z', '2027-03-29T08:00Z', 'U0CAROL', 'On call for web (primary) by the rotation.'],
    ]);
    expect(rows(web, 'web secondary').slice(1, 4)).toEqual([
      ['2027-03-22T09:00Z', '2027-03-23T00:00Z', 'Alice Ames', 'On call for web (secondary) by the rotation.'],
      ['2027-03-23T00:00Z', '2027-03-25T00:00Z', 'Bob Brown', 'On call for web (secondary): leave (override #2).'],
      ['2027-03-25T00:00Z', '2027-03-29T08:00Z', 'Alice Ames', 'On call for web (secondary) by the rotation.'],
    ]);
    expectNoDoubleRoles(web, 'web');
  });

  it('someone in no rotation gets a valid, empty feed of their own (not a 404)', async () => {
    await start();
    const { token } = await linksFor('U0LEAD');
    const response = await t.get(`/calendar/me.ics?token=${token}`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('X-WR-CALNAME:My on-call shifts');
    expect(parseIcs(text)).toEqual([]);
    // The same token still reads every rotation's feed.
    expect(parseIcs(await (await t.get(`/calendar/db.ics?token=${token}`)).text()).length).toBeGreaterThan(0);
  });

  it('a refresh later in the week keeps the ids of the shifts to come, so calendars update them in place', async () => {
    await start();
    const { token } = await linksFor('U0BOB');
    const before = parseIcs(await (await t.get(`/calendar/web.ics?token=${token}`)).text());
    t.clock.advance(2 * DAY);
    const after = parseIcs(await (await t.get(`/calendar/web.ics?token=${token}`)).text());
    // Shifts that start after the refresh and end inside the first feed's 12 weeks (the last one was cut short there).
    const upcoming = (events: ParsedEvent[]) =>
      events
        .filter((e) => e.start >= Date.parse('2027-03-22T09:00:00Z') && e.end < NOW + 12 * 7 * DAY)
        .map((e) => [e.uid, e.summary, e.start, e.end]);
    expect(upcoming(after)).toEqual(upcoming(before));
    expect(upcoming(after).length).toBeGreaterThanOrEqual(22);
  });

  it('the links use PUBLIC_URL as given, without a doubled slash', async () => {
    t = await TestApp.start({ policy: POLICY, clock: new FakeClock(NOW), env: { PUBLIC_URL: 'https://oncall.example.com/bot/' } });
    const { text, token } = await linksFor('U0ALICE');
    expect(text).toContain(`• Your own shifts: https://oncall.example.com/bot/calendar/me.ics?token=${token}`);
    expect(text).toContain(`• *db*: https://oncall.example.com/bot/calendar/db.ics?token=${token}`);
  });
});

describe('on-call segments across the end of summer time', () => {
  const weekly = (zone: string) =>
    parsePolicyText(
      `rotations:\n  r:\n    members: [U0A, U0B]\n    shift: { every: 1w, handoff: "mon 09:00", timezone: ${zone}, start: "2027-01-04" }\n`,
      'dst.yml',
    ).rotations.r!;

  it.each([
    // London: clocks go back Sunday 31 October 2027; Monday 09:00 is 08:00Z before, 09:00Z after.
    ['Europe/London', '2027-10-25T08:00:00Z', '2027-11-01T09:00:00Z'],
    // New York: back Sunday 7 November 2027; 09:00 EDT is 13:00Z, 09:00 EST 14:00Z.
    ['America/New_York', '2027-11-01T13:00:00Z', '2027-11-08T14:00:00Z'],
    // Sydney: back Sunday 4 April 2027; 09:00 AEDT is 22:00Z the day before, 09:00 AEST 23:00Z.
    ['Australia/Sydney', '2027-03-28T22:00:00Z', '2027-04-04T23:00:00Z'],
  ])('%s: the shift across the change is 7 days and an hour, from 09:00 local to 09:00 local', (zone, start, end) => {
    const from = Date.parse(start) - 7 * DAY;
    const segments = onCallSegments(weekly(zone), [], from, Date.parse(end) + 7 * DAY).filter((s) => s.role === 'primary');
    const across = segments.find((s) => s.start === Date.parse(start));
    expect(across).toBeDefined();
    expect(across!.end).toBe(Date.parse(end));
    expect(across!.end - across!.start).toBe(7 * DAY + HOUR);
    // Its neighbours are plain weeks, and nothing is left uncovered.
    expect(segments.map((s) => s.end - s.start)).toEqual([7 * DAY, 7 * DAY + HOUR, 7 * DAY]);
    for (let i = 1; i < segments.length; i += 1) expect(segments[i]!.start).toBe(segments[i - 1]!.end);
  });

  it('the feed writes the instants in UTC, so the hour is right in any calendar', () => {
    const segment: OnCallSegment = {
      rotation: 'r',
      role: 'primary',
      userId: 'U0A',
      start: Date.parse('2027-10-25T08:00:00Z'),
      end: Date.parse('2027-11-01T09:00:00Z'),
      why: 'rotation',
    };
    const text = calendarFeed({ title: 'x', segments: [segment], names: new Map([['U0A', 'Ann']]), description: 'd' });
    expect(text).toContain('DTSTART:20271025T080000Z');
    expect(text).toContain('DTEND:20271101T090000Z');
    expect(parseIcs(text)).toEqual([
      {
        summary: 'Ann: r primary',
        start: segment.start,
        end: segment.end,
        uid: `r-primary-${segment.start}@oncall-bot`,
        description: 'On call for r (primary) by the rotation.',
      },
    ]);
  });
});

describe('on-call segments', () => {
  it('joins a person carrying on across a boundary and leaves no gap when nobody is secondary', () => {
    const single = parsePolicyText(
      `rotations:\n  solo:\n    members: [U0ALICE]\n    shift: { every: 1d, handoff: "mon 09:00", timezone: UTC, start: "2027-01-04" }\n`,
      'solo.yml',
    ).rotations.solo!;
    const segments = onCallSegments(single, [], NOW, NOW + 3 * DAY);
    expect(segments).toEqual([{ rotation: 'solo', role: 'primary', userId: 'U0ALICE', start: NOW, end: NOW + 3 * DAY, why: 'rotation' }]);
    expect(segments.every((s) => s.end - s.start > HOUR)).toBe(true);
  });

  it("a staggered secondary is one event per two-week stint, starting a week into the primary's shift", () => {
    const grown = parsePolicyText(
      [
        'rotations:',
        '  platform:',
        '    members: [U0ANA, U0BEN, U0CAT, U0DEV]',
        '    shift: { every: 2w, handoff: "mon 09:00", timezone: UTC, start: "2027-01-04" }',
        '    secondary_offset: 2',
        '    secondary_handoff_after: 1w',
      ].join('\n'),
      'grown.yml',
    ).rotations.platform!;
    const from = Date.parse('2027-01-04T09:00:00Z');
    const segments = onCallSegments(grown, [], from, from + 28 * DAY);
    const at = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    expect(segments.filter((s) => s.role === 'secondary').map((s) => [s.userId, at(s.start), at(s.end)])).toEqual([
      ['U0BEN', '2027-01-04', '2027-01-11'],
      ['U0CAT', '2027-01-11', '2027-01-25'],
      ['U0DEV', '2027-01-25', '2027-02-01'],
    ]);
    expect(segments.filter((s) => s.role === 'primary').map((s) => [s.userId, at(s.start), at(s.end)])).toEqual([
      ['U0ANA', '2027-01-04', '2027-01-18'],
      ['U0BEN', '2027-01-18', '2027-02-01'],
    ]);
  });
});
