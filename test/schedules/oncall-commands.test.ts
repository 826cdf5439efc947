import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicyText } from '../../src/config/policy.js';
import { overrides } from '../../src/db/schema.js';
import { FakeClock } from '../../src/time/clock.js';
import { TestApp } from '../support/harness.js';

const POLICY = parsePolicyText(
  [
    'people: { engineering_lead: U0LEAD, cto: U0CTO }',
    'permissions: { admins: [engineering_lead] }',
    'rotations:',
    '  backend:',
    '    members: [U0ALICE, U0BOB, U0CAROL, U0DAN]',
    '    shift: { every: 1w, handoff: "mon 09:00", timezone: UTC, start: "2026-01-05" }',
    '  web:',
    '    members: [U0ERIN, U0FRANK]',
    '    shift: { every: 1w, handoff: "mon 09:00", timezone: America/New_York, start: "2026-01-05" }',
  ].join('\n'),
  'test.yml',
);

let t: TestApp;
const text = async (command: string, user = 'U0ALICE') => ((await t.command('/oncall', command, user)).json() as { text: string }).text;

beforeAll(async () => {
  t = await TestApp.start({ policy: POLICY, clock: new FakeClock('2026-01-14T12:00:00Z') });
  t.standIn.addUser({ id: 'U0ALICE', tz: 'Europe/London' });
  t.standIn.addUser({ id: 'U0ERIN', tz: 'America/New_York' });
  for (const id of ['U0BOB', 'U0CAROL', 'U0DAN', 'U0FRANK', 'U0LEAD']) t.standIn.addUser({ id });
});
afterAll(async () => t.close());

describe('/oncall over signed HTTP', () => {
  it('who: every rotation with primary, secondary and until when as a Slack date token', async () => {
    const answer = await text('who');
    expect(answer).toContain('*backend*\nPrimary: <@U0BOB> until <!date^1768813200^');
    expect(answer).toContain('Secondary: <@U0CAROL>');
    expect(answer).toContain('*web*\nPrimary: <@U0FRANK>');
  });

  it('who <rotation> and an unknown rotation', async () => {
    expect(await text('who web')).not.toContain('backend');
    expect(await text('who payments')).toBe(
      'There is no rotation `payments`. Rotations: `backend`, `web`.\nUsage: `/oncall who [rotation]`',
    );
  });

  it('next: the coming shifts of a rotation', async () => {
    const answer = await text('next backend 2');
    expect(answer.split('\n')).toHaveLength(3);
    expect(answer).toContain('<@U0CAROL> primary, <@U0DAN> secondary');
    expect(answer).toContain('<@U0DAN> primary, <@U0ALICE> secondary');
  });

  it("override in the caller's zone changes who, and cancel undoes it", async () => {
    // Alice is in London: 2026-01-15 09:00 London (GMT) is 09:00 UTC.
    const made = await text('override <@U0DAN|dan> 2026-01-14 12:00 2026-01-15 09:00 backend primary');
    expect(made).toMatch(/^Override #\d+: <@U0DAN> is primary of \*backend\* from <!date\^1768392000\^.* to <!date\^1768467600\^/);
    const row = t.store.db.select().from(overrides).all()[0]!;
    expect(row).toMatchObject({
      userId: 'U0DAN',
      role: 'primary',
      createdBy: 'U0ALICE',
      startsAt: Date.parse('2026-01-14T12:00:00Z'),
      endsAt: Date.parse('2026-01-15T09:00:00Z'),
    });
    expect(await text('who backend')).toContain(
      `Primary: <@U0DAN> until <!date^1768467600^{date_short_pretty} {time}|15 Jan 2026, 09:00 UTC> (override #${row.id})`,
    );

    expect(await text(`cancel ${row.id}`)).toBe(
      `Override #${row.id} is cancelled: <@U0DAN> is no longer primary of *backend* for that time.`,
    );
    expect(await text('who backend')).toContain('Primary: <@U0BOB>');
    expect(await text(`cancel ${row.id}`)).toBe(`There is no active override #${row.id}; \`/oncall schedule\` lists them.`);
  });

  it("reads dates in the caller's own zone", async () => {
    const made = await text('override <@U0ERIN> 2026-01-20 09:00 2026-01-21 09:00 web', 'U0ERIN');
    // 09:00 in New York in January is 14:00 UTC.
    expect(made).toContain(`<!date^${Date.parse('2026-01-20T14:00:00Z') / 1000}^`);
  });

  it.each([
    ['override', 'Say who takes over, with an @mention.'],
    ['override dan tomorrow next monday', '"dan" is not a person; mention them with @.'],
    ['override <@U0DAN> 2026-02-30 2026-03-02 backend', 'Start: "2026-02-30" is not a real date; use `2026-12-01`'],
    ['override <@U0DAN> soon 2026-03-02 backend', 'Start: "soon" is not a date I can read'],
    ['override <@U0DAN> tomorrow', 'End: a date is missing'],
    ['override <@U0DAN> 2026-01-20 2026-01-19 backend', 'must be after the start'],
    ['override <@U0DAN> 2026-01-01 2026-01-02 backend', 'would already be over'],
    ['override <@U0DAN> tomorrow next monday', 'Name a rotation: `backend`, `web`.'],
    ['override <@U0DAN> tomorrow next monday payments', 'There is no rotation `payments`.'],
    ['override <@U0NOBODY> tomorrow next monday backend', 'I cannot find <@U0NOBODY> in this workspace (or they were deactivated).'],
    ['cancel', 'Say which override, by its number'],
    ['next backend 99', 'Ask for 1 to 52 shifts.\nUsage: `/oncall next [rotation] [n]`'],
    ['schedule nowhere 2', 'There is no rotation `nowhere`. Rotations: `backend`, `web`.\nUsage: `/oncall schedule [rotation] [weeks]`'],
    ['cancel 999', 'There is no active override #999'],
  ])('/oncall %s explains what is wrong and shows the right form', async (command, expected) => {
    const answer = await text(command);
    expect(answer).toContain(expected);
    if (command.startsWith('override'))
      expect(answer).toContain('Usage: `/oncall override @who <from> <to> [rotation] [primary|secondary]`');
  });

  it('refuses a schedule change from someone outside the rotation and says who may', async () => {
    const answer = await text('override <@U0DAN> tomorrow next monday backend', 'U0STRANGER');
    expect(answer).toBe(
      'Only members of *backend* (<@U0ALICE>, <@U0BOB>, <@U0CAROL>, <@U0DAN>) or the engineering_lead (<@U0LEAD>) can change the schedule of *backend*. Ask one of them.',
    );
  });

  it('schedule lists shifts and pending overrides', async () => {
    await text('override <@U0ALICE> 2026-01-27 09:00 2026-01-28 09:00 backend secondary', 'U0LEAD');
    const answer = await text('schedule backend 3');
    expect(answer).toContain('*backend* (primary / secondary)');
    expect(answer).toMatch(/override: <@U0ALICE> secondary/);
  });
});
