import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicyText } from '../../src/config/policy.js';
import { planLeave } from '../../src/schedules/leave.js';
import { whoIsOnCall, type Override } from '../../src/schedules/rotation.js';
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
    '    channel: C0BACKEND',
    '  pair:',
    '    members: [U0ERIN, U0FRANK]',
    '    shift: { every: 1w, handoff: "mon 09:00", timezone: UTC, start: "2026-01-05" }',
  ].join('\n'),
  'test.yml',
);
const backend = POLICY.rotations.backend!;
const pair = POLICY.rotations.pair!;
const at = (iso: string) => Date.parse(iso);
const asOverrides = (covers: ReturnType<typeof planLeave>, rotation: string): Override[] =>
  covers.map((c, i) => ({
    id: i + 1,
    rotation,
    role: c.role,
    userId: c.userId!,
    startsAt: c.startsAt,
    endsAt: c.endsAt,
    reason: 'leave',
    createdAt: 1,
  }));

describe('planLeave (pure)', () => {
  it('promotes the secondary when the primary is away and the next free member covers secondary', () => {
    // Week of 2026-01-05: Alice primary, Bob secondary.
    const covers = planLeave(backend, [], 'U0ALICE', at('2026-01-06T00:00:00Z'), at('2026-01-08T00:00:00Z'), 'U0LEAD');
    expect(covers).toEqual([
      { role: 'primary', userId: 'U0BOB', startsAt: at('2026-01-06T00:00:00Z'), endsAt: at('2026-01-08T00:00:00Z') },
      { role: 'secondary', userId: 'U0CAROL', startsAt: at('2026-01-06T00:00:00Z'), endsAt: at('2026-01-08T00:00:00Z') },
    ]);
    const during = whoIsOnCall(backend, asOverrides(covers, 'backend'), at('2026-01-07T00:00:00Z'));
    expect([during.primary?.userId, during.secondary?.userId, during.primary?.why.kind]).toEqual(['U0BOB', 'U0CAROL', 'leave']);
  });

  it('covers only the secondary when the secondary is away', () => {
    const covers = planLeave(backend, [], 'U0BOB', at('2026-01-06T00:00:00Z'), at('2026-01-07T00:00:00Z'), 'U0LEAD');
    expect(covers).toEqual([
      { role: 'secondary', userId: 'U0CAROL', startsAt: at('2026-01-06T00:00:00Z'), endsAt: at('2026-01-07T00:00:00Z') },
    ]);
  });

  it('splits a leave that spans a boundary per shift', () => {
    const covers = planLeave(backend, [], 'U0BOB', at('2026-01-10T00:00:00Z'), at('2026-01-14T00:00:00Z'), 'U0LEAD');
    expect(covers.map((c) => [c.role, c.userId, new Date(c.startsAt).toISOString()])).toEqual([
      ['secondary', 'U0CAROL', '2026-01-10T00:00:00.000Z'],
      ['primary', 'U0CAROL', '2026-01-12T09:00:00.000Z'],
      ['secondary', 'U0DAN', '2026-01-12T09:00:00.000Z'],
    ]);
  });

  it('falls back to the engineering lead when nobody in the rotation is free', () => {
    const covers = planLeave(pair, [], 'U0ERIN', at('2026-01-06T00:00:00Z'), at('2026-01-07T00:00:00Z'), 'U0LEAD');
    expect(covers.map((c) => [c.role, c.userId])).toEqual([
      ['primary', 'U0FRANK'],
      ['secondary', 'U0LEAD'],
    ]);
  });

  it('changes nothing when the person is not on call during the leave', () => {
    expect(planLeave(backend, [], 'U0DAN', at('2026-01-06T00:00:00Z'), at('2026-01-07T00:00:00Z'), 'U0LEAD')).toEqual([]);
  });
});

describe('/oncall leave over signed HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ policy: POLICY, clock: new FakeClock('2026-01-05T12:00:00Z') });
  });
  afterAll(async () => t.close());

  it('records the cover, tells the rotation channel, and who shows it', async () => {
    const answer = (await t.command('/oncall', 'leave <@U0ALICE> 2026-01-06 2026-01-08', 'U0ALICE')).json() as { text: string };
    expect(answer.text).toContain('*backend*: <@U0ALICE> is on leave');
    expect(answer.text).toContain('• primary: <@U0BOB>');
    expect(answer.text).toContain('• secondary: <@U0CAROL>');
    await t.tick();
    const posted = t.standIn.take('chat.postMessage', (a) => a.channel === 'C0BACKEND');
    expect(posted).toHaveLength(1);
    expect(String(posted[0]!.args.text)).toContain(':palm_tree: *backend*: <@U0ALICE> is on leave');

    t.clock.set('2026-01-07T00:00:00Z');
    const who = (await t.command('/oncall', 'who backend')).json() as { text: string };
    expect(who.text).toMatch(/Primary: <@U0BOB> until .*\(leave #\d+\)/);
    expect(who.text).toMatch(/Secondary: <@U0CAROL> until .*\(leave #\d+\)/);
  });

  it('explains a wrong form', async () => {
    const answer = (await t.command('/oncall', 'leave alice tomorrow', 'U0ALICE')).json() as { text: string };
    expect(answer.text).toBe(
      '"alice" is not a person; mention them with @.\nUsage: `/oncall leave @who <from> <to>`\nExample: `/oncall leave @alice 2026-12-21 2027-01-04`',
    );
  });

  it('refuses someone outside the rotations and says who may', async () => {
    const answer = (await t.command('/oncall', 'leave <@U0DAN> 2026-02-01 2026-02-03', 'U0STRANGER')).json() as { text: string };
    expect(answer.text).toBe(
      "Only <@U0DAN>, members of *backend* (<@U0ALICE>, <@U0BOB>, <@U0CAROL>, <@U0DAN>) or the engineering_lead (<@U0LEAD>) can record <@U0DAN>'s leave in *backend*.",
    );
  });
});
