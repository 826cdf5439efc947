import ICAL from 'ical.js';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { onCallSegments } from '../../src/calendar/calendar-feed.js';
import { parsePolicyText } from '../../src/config/policy.js';
import { calendarTokens } from '../../src/db/schema.js';
import { DAY, FakeClock, HOUR } from '../../src/time/clock.js';
import { TestApp } from '../support/harness.js';

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
}

function parseIcs(text: string): ParsedEvent[] {
  const calendar = new ICAL.Component(ICAL.parse(text));
  return calendar.getAllSubcomponents('vevent').map((c) => {
    const event = new ICAL.Event(c);
    return { summary: event.summary, start: event.startDate.toUnixTime() * 1000, end: event.endDate.toUnixTime() * 1000, uid: event.uid };
  });
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
    expect(primaries[1]).toMatchObject({ start: Date.parse('2027-03-22T09:00:00Z'), end: Date.parse('2027-03-29T08:00:00Z'), summary: 'U0CAROL: web primary' });
    expect(primaries[2]).toMatchObject({ start: Date.parse('2027-03-29T08:00:00Z'), end: Date.parse('2027-04-05T08:00:00Z'), summary: 'Alice Ames: web primary' });
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
});
