/**
 * Paging rules the seeds write, run through the real app (signed requests, the stand-in, the fake clock):
 * each test is one sentence of a team's policy that the bot used to lose.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parsePolicyText } from '../../src/config/policy.js';
import { pages } from '../../src/db/schema.js';
import { PAGE_ACTIONS } from '../../src/paging/page-blocks.js';
import { FakeClock, HOUR, MINUTE } from '../../src/time/clock.js';
import { TestApp } from '../support/harness.js';
import { dmTimeline, pagingPolicy, runMinutes } from '../support/paging-scenario.js';
import { blockActionPayload } from '../support/signed-requests.js';
import { SlackStandIn, type RecordedCall } from '../../src/playground/slack-stand-in.js';

let t: TestApp;
const standIns: SlackStandIn[] = [];
afterEach(async () => {
  await t?.close();
  for (const standIn of standIns.splice(0)) await standIn.stop();
});

/** Saturday 03:00 in London (UTC in winter): the night of the weekend. */
const SAT_0300 = Date.parse('2026-11-28T03:00:00Z');
const MON_0900 = Date.parse('2026-11-30T09:00:00Z');

async function raisePage(text: string, user = 'U0DAN'): Promise<number> {
  const answer = (await t.command('/oncall', `page ${text}`, user)).json() as { text: string };
  expect(answer.text).toMatch(/page #\d+/);
  await t.tick();
  return Number(/page #(\d+)/.exec(answer.text)![1]);
}

/** Moves the clock to `at` an hour at a time (timers fire in order, each at its due instant). */
async function advanceTo(at: number): Promise<void> {
  while (t.clock.now() < at) await t.advance(Math.min(HOUR, at - t.clock.now()));
}

const press = (userId: string, action: string, id: number) =>
  t.interact(blockActionPayload(userId, action, String(id), { channel: { id: `D${userId}` } }));
const pageRow = (id: number) =>
  t.store.db
    .select()
    .from(pages)
    .all()
    .find((p) => p.id === id)!;

describe('the ack SLA starts when someone is told (seed 002: P2 "4 business hours")', () => {
  it('a P2 raised Saturday 03:00 is held until Monday 09:00 and breaches nothing before 4 business hours after that', async () => {
    t = await TestApp.start({ policy: pagingPolicy(['ack_sla: { P2: 4 business hours }']), clock: new FakeClock(SAT_0300) });
    const id = await raisePage('--severity P2 search results are slow');
    await advanceTo(MON_0900 - MINUTE);
    // Nobody was told all weekend: no deadline runs, no breach (it used to be "breached" at Saturday 03:30).
    expect(pageRow(id)).toMatchObject({ status: 'open', toldAt: null, breachedAt: null });
    await advanceTo(MON_0900 + 3 * HOUR + 59 * MINUTE);
    expect(pageRow(id)).toMatchObject({ toldAt: MON_0900, breachedAt: null });
    await advanceTo(MON_0900 + 4 * HOUR + MINUTE);
    expect(pageRow(id).breachedAt).toBe(MON_0900 + 4 * HOUR);
  });

  it('acknowledged within the business target: not a breach, and /oncall pages says so', async () => {
    t = await TestApp.start({ policy: pagingPolicy(['ack_sla: { P2: 4 business hours }']), clock: new FakeClock(SAT_0300) });
    const id = await raisePage('--severity P2 search results are slow');
    await advanceTo(MON_0900 + 3 * HOUR);
    expect((await press('U0DAN', PAGE_ACTIONS.ack, id)).status).toBe(200);
    expect(pageRow(id)).toMatchObject({ status: 'acknowledged', breachedAt: null });
    const listed = (await t.command('/oncall', 'pages week', 'U0DAN')).json() as { text: string };
    expect(listed.text).toContain('acknowledged · acked by <@U0DAN>');
    expect(listed.text).not.toContain('ack SLA breached');
  });

  it('a wall-clock SLA still counts from the first message: P1 at 03:00 breaches at 03:15', async () => {
    t = await TestApp.start({ policy: pagingPolicy(), clock: new FakeClock(SAT_0300) });
    const id = await raisePage('--severity P1 api latency doubled');
    await advanceTo(SAT_0300 + 14 * MINUTE);
    expect(pageRow(id)).toMatchObject({ toldAt: SAT_0300, breachedAt: null });
    await advanceTo(SAT_0300 + 16 * MINUTE);
    expect(pageRow(id).breachedAt).toBe(SAT_0300 + 15 * MINUTE);
  });
});

describe('chat-only severities ask in the channel (seed 002: "P2: Slack message to primary")', () => {
  it('a plain message in the rotation channel names the primary, with Acknowledge; no siren DM; the chain still escalates', async () => {
    const policy = pagingPolicy([
      '    channel: C0BACKEND',
      'escalation:',
      '  default:',
      '    P2: { chat_only: true, steps: [{ page: primary }, { after: 30m, page: secondary }] }',
    ]);
    const wed = Date.parse('2026-01-07T10:00:00Z');
    t = await TestApp.start({ policy, clock: new FakeClock(wed) });
    const id = await raisePage('--severity P2 export job slow');
    await t.app.drainer.drain();
    const first = t.standIn.take('chat.postMessage');
    expect(first.map((c) => [c.args.channel, String(c.args.text)])).toEqual([
      ['C0BACKEND', ':speech_balloon: <@U0ALICE>: [P2] export job slow needs a look (#1, paged by <@U0DAN>)'],
    ]);
    const blocks = JSON.stringify(first[0]!.args.blocks);
    expect(blocks).toContain(PAGE_ACTIONS.ack);
    expect(blocks).not.toContain('"type":"header"'); // no alarm styling
    await advanceTo(wed + 30 * MINUTE);
    await t.app.drainer.drain();
    const second = t.standIn.take('chat.postMessage');
    expect(second.map((c) => [c.args.channel, /<@(\w+)>/.exec(String(c.args.text))![1]])).toEqual([['C0BACKEND', 'U0BOB']]);
    // The secondary acknowledges from the channel message; both messages show it.
    expect((await t.interact(blockActionPayload('U0BOB', PAGE_ACTIONS.ack, String(id), { channel: { id: 'C0BACKEND' } }))).status).toBe(
      200,
    );
    await t.app.drainer.drain();
    expect(pageRow(id)).toMatchObject({ status: 'acknowledged', ackedBy: 'U0BOB' });
    const edits = t.standIn.take('chat.update');
    expect(edits).toHaveLength(2);
    expect(edits.every((e) => String(e.args.text).includes('Acknowledged by <@U0BOB>'))).toBe(true);
    expect(t.standIn.unasserted().filter((c) => String(c.args.channel).startsWith('U'))).toEqual([]);
  });
});

describe('task severities log a task, page nobody (seed 001 SEV-3 "log as a task"; seed 003 P4 "next business day")', () => {
  it('one message in the rotation channel with its target, no DM, no chain, nothing more at night', async () => {
    const policy = pagingPolicy([
      '    channel: C0BACKEND',
      'ack_sla: { P3: next business day }',
      'escalation:',
      '  default:',
      '    P3: { task: true }',
    ]);
    t = await TestApp.start({ policy, clock: new FakeClock(SAT_0300) });
    const id = await raisePage('--severity P3 typo in the refund template');
    await advanceTo(SAT_0300 + 48 * HOUR);
    const posts = t.standIn.take('chat.postMessage');
    expect(posts.map((c) => c.args.channel)).toEqual(['C0BACKEND']);
    expect(String(posts[0]!.args.text)).toMatch(
      /^:clipboard: Task \[P3\] typo in the refund template \(#1, paged by <@U0DAN>\): logged for the rotation, nobody paged; acknowledge by <!date\^/,
    );
    // Next business day from Saturday 03:00: counting starts Monday 09:00, so Tuesday 09:00.
    expect(pageRow(id)).toMatchObject({ status: 'open', toldAt: SAT_0300, breachedAt: null });
    expect(String(posts[0]!.args.text)).toContain(`<!date^${(Date.parse('2026-12-01T09:00:00Z') / 1000).toString()}^`);
    expect(t.standIn.unasserted()).toEqual([]);
  });

  it('a task with steps is refused: it pages nobody', () => {
    expect(() => pagingPolicy(['escalation:', '  default:', '    P3: { task: true, steps: [{ page: primary }] }'])).toThrow(
      'escalation.default.P3.steps: a task (task: true) pages nobody, so it has no steps: remove steps, or remove task to page',
    );
  });
});

describe('notify rules that page, and rules after the acknowledgement (seeds 001 and 002)', () => {
  const WED = Date.parse('2026-01-07T03:00:00Z'); // Alice primary, Bob secondary that week
  const dmsTo = (user: string) => t.standIn.take('chat.postMessage', (a) => a.channel === user).map((c) => String(c.args.text));
  /** The bot at WED with these notify rules, one a line of the policy's list. */
  async function startWithRules(...rules: string[]): Promise<void> {
    t = await TestApp.start({ policy: pagingPolicy(['notify:', ...rules.map((r) => `  - ${r}`)]), clock: new FakeClock(WED) });
  }
  /** Moves the clock to `at` and delivers what fell due. */
  async function deliveredAt(at: number): Promise<void> {
    await advanceTo(at);
    await t.app.drainer.drain();
  }
  const STABILIZED_IN_15M = '{ when: unmitigated, severity: P1, after: 15m, since: acknowledged, who: secondary, how: page }';

  it('"P0 at 2 h without mitigation: escalate to the CTO" pages the CTO with Acknowledge, worded unmitigated', async () => {
    await startWithRules(
      '{ when: declared, severity: P0, who: engineering_lead }',
      '{ when: unmitigated, severity: P0, after: 2h, who: cto, how: page }',
    );
    const id = await raisePage('--severity P0 checkout returns 500');
    await t.advance(10 * MINUTE);
    expect((await press('U0ALICE', PAGE_ACTIONS.ack, id)).status).toBe(200);
    await deliveredAt(WED + 2 * HOUR - MINUTE);
    expect(dmsTo('U0CTO')).toEqual([]);
    await deliveredAt(WED + 2 * HOUR);
    const cto = t.standIn.take('chat.postMessage', (a) => a.channel === 'U0CTO');
    expect(cto).toHaveLength(1);
    expect(String(cto[0]!.args.text)).toBe(':rotating_light: Page [P0] checkout returns 500 (backend), paged by <@U0DAN>');
    expect(JSON.stringify(cto[0]!.args.blocks)).toContain('notify rule: P0 is still unmitigated after 2 h');
    expect(JSON.stringify(cto[0]!.args.blocks)).toContain(PAGE_ACTIONS.ack);
    // Reached by the rule, the CTO may act on the page (resolve it).
    expect((await press('U0CTO', PAGE_ACTIONS.resolve, id)).status).toBe(200);
    expect(pageRow(id).status).toBe('resolved');
  });

  it('a resolved page pulls nobody in, and an FYI in the minute the chain pages the same person is not sent', async () => {
    await startWithRules(
      '{ when: unresolved, severity: P0, after: 30m, who: engineering_lead }',
      '{ when: unmitigated, severity: P0, after: 2h, who: cto, how: page }',
    );
    const id = await raisePage('--severity P0 checkout returns 500');
    for (let minute = 1; minute <= 30; minute += 1) await t.advance(MINUTE); // the ticker's pace: each step scheduled in its time
    await t.app.drainer.drain();
    // Minute 30: step 3 pages the lead; the 30-minute FYI to the lead would say the same thing again.
    const lead = dmsTo('U0LEAD');
    expect(lead).toHaveLength(1);
    expect(lead[0]).toMatch(/^:rotating_light: Page \[P0\]/);
    expect((await press('U0LEAD', PAGE_ACTIONS.resolve, id)).status).toBe(200);
    await deliveredAt(WED + 3 * HOUR);
    expect(dmsTo('U0CTO')).toEqual([]);
  });

  it('"not stabilized within 15 minutes: escalate to the secondary" fires 15 min after the acknowledgement while unresolved', async () => {
    await startWithRules(STABILIZED_IN_15M);
    const id = await raisePage('--severity P1 repeated 429s from the vendor');
    await t.advance(5 * MINUTE);
    expect((await press('U0ALICE', PAGE_ACTIONS.ack, id)).status).toBe(200);
    await deliveredAt(WED + 19 * MINUTE);
    expect(dmsTo('U0BOB')).toEqual([]);
    await deliveredAt(WED + 20 * MINUTE);
    const bob = t.standIn.take('chat.postMessage', (a) => a.channel === 'U0BOB');
    expect(bob.map((c) => String(c.args.text))).toEqual([
      ':rotating_light: Page [P1] repeated 429s from the vendor (backend), paged by <@U0DAN>',
    ]);
    expect(JSON.stringify(bob[0]!.args.blocks)).toContain('still unmitigated 15 min after it was acknowledged');
  });

  it('the rule after acknowledgement stays quiet when the page is resolved in time', async () => {
    await startWithRules(STABILIZED_IN_15M);
    const id = await raisePage('--severity P1 repeated 429s from the vendor');
    await t.advance(5 * MINUTE);
    await press('U0ALICE', PAGE_ACTIONS.ack, id);
    await t.advance(5 * MINUTE);
    await press('U0ALICE', PAGE_ACTIONS.resolve, id);
    await deliveredAt(WED + HOUR);
    expect(dmsTo('U0BOB')).toEqual([]);
  });

  it('since: acknowledged is refused on a rule that fires at declaration, and primary/secondary only after acknowledgement', () => {
    expect(() => pagingPolicy(['notify: [{ when: declared, severity: P1, since: acknowledged, who: cto }]'])).toThrow(
      'notify[0].since: a rule "when: declared" fires at declaration',
    );
    expect(() => pagingPolicy(['notify: [{ when: unmitigated, severity: P1, after: 15m, who: secondary }]'])).toThrow(
      '"secondary" is paged already, so it cannot be notified (only after an acknowledgement, with since: acknowledged)',
    );
  });
});

describe('user groups reach their members (seed 003 "notify CTO + all engineers"; seed 004 "any available engineering owner")', () => {
  const WED = Date.parse('2026-01-07T03:00:00Z');

  async function startWithGroup(extra: string[], group: string, members: string[]): Promise<void> {
    const standIn = await new SlackStandIn().start();
    standIn.setUsergroup(group, members);
    t = await TestApp.start({ policy: pagingPolicy(extra), clock: new FakeClock(WED), standIn });
    standIns.push(standIn);
    expect(await t.app.usergroups.refresh(group)).toBe(true);
  }

  /** A P1 whose chain pages the S0OWNERS group at 5 min, raised at WED and run to that minute: its id and the posts so far. */
  async function groupPagedAt5m(members: string[]): Promise<{ id: number; posts: RecordedCall[] }> {
    await startWithGroup(
      ['escalation:', '  default:', '    P1: { loops: 1, steps: [{ page: primary }, { after: 5m, page: S0OWNERS }] }'],
      'S0OWNERS',
      members,
    );
    const id = await raisePage('--severity P1 public profile returns 500');
    for (let minute = 1; minute <= 5; minute += 1) await t.advance(MINUTE);
    await t.app.drainer.drain();
    return { id, posts: t.standIn.take('chat.postMessage') };
  }
  /** The alerts channel's line that pages the group. */
  const groupLine = (posts: RecordedCall[]) =>
    posts.find((c) => c.args.channel === 'C0ALERTS' && String(c.args.text).includes('<!subteam^S0OWNERS>'))!;
  /** A ✅ on that line, as Slack sends it. */
  const checkOn = (line: RecordedCall, user: string) =>
    t.event({
      type: 'reaction_added',
      user,
      reaction: 'white_check_mark',
      item: { type: 'message', channel: 'C0ALERTS', ts: String(line.response.ts) },
    });

  it('a notify rule naming a group: each member gets the FYI by DM and the channel line mentions the group', async () => {
    await startWithGroup(
      ['notify:', '  - { when: declared, severity: P1, who: cto }', '  - { when: declared, severity: P1, who: S0ALLENG }'],
      'S0ALLENG',
      ['U0ERIN', 'U0FRED'],
    );
    await raisePage('--severity P1 login fails for everyone');
    await t.app.drainer.drain();
    const fyi = t.standIn.take('chat.postMessage', (a) => String(a.text).startsWith(':information_source:'));
    expect(fyi.map((c) => c.args.channel).sort()).toEqual(['C0ALERTS', 'U0CTO', 'U0ERIN', 'U0FRED']);
    expect(String(fyi.find((c) => c.args.channel === 'C0ALERTS')!.args.text)).toMatch(
      /^:information_source: <!subteam\^S0ALLENG> FYI \[P1\] login fails for everyone \(#1\) was raised\.$/,
    );
  });

  it('a step naming a group pages each member with Acknowledge, and a member (no rotation member) acknowledges from the channel line', async () => {
    const { id, posts } = await groupPagedAt5m(['U0ERIN', 'U0FRED']);
    const memberDms = posts.filter((c) => c.args.channel === 'U0ERIN' || c.args.channel === 'U0FRED');
    expect(memberDms.map((c) => c.args.channel).sort()).toEqual(['U0ERIN', 'U0FRED']);
    expect(memberDms.every((c) => JSON.stringify(c.args.blocks).includes(PAGE_ACTIONS.ack))).toBe(true);
    const line = groupLine(posts);
    expect(JSON.stringify(line.args.blocks)).toContain(PAGE_ACTIONS.ack);
    expect((await t.interact(blockActionPayload('U0FRED', PAGE_ACTIONS.ack, String(id), { channel: { id: 'C0ALERTS' } }))).status).toBe(
      200,
    );
    expect(pageRow(id)).toMatchObject({ status: 'acknowledged', ackedBy: 'U0FRED' });
  });

  it('a ✅ on the channel line from a member who joined the group after the last list: Slack is asked again, and it counts', async () => {
    const { id, posts } = await groupPagedAt5m(['U0ERIN']);
    const line = groupLine(posts);
    t.standIn.setUsergroup('S0OWNERS', ['U0ERIN', 'U0GUS']);
    expect((await checkOn(line, 'U0GUS')).status).toBe(200);
    await t.settled();
    expect(pageRow(id)).toMatchObject({ status: 'acknowledged', ackedBy: 'U0GUS' });
  });

  it('a ✅ from someone in no rotation, group or role is refused and says who may', async () => {
    const { id, posts } = await groupPagedAt5m(['U0ERIN']);
    const line = groupLine(posts);
    await checkOn(line, 'U0STRANGER');
    await t.settled();
    expect(pageRow(id).status).toBe('open');
    const told = await t.standIn.waitFor('chat.postEphemeral');
    expect(told.args.user).toBe('U0STRANGER');
    expect(String(told.args.text)).toMatch(/^Only /);
  });
});

describe("chains the seeds write: another rotation's on-call, and a repeat wait of its own (seed 003)", () => {
  const WED = Date.parse('2026-01-07T03:00:00Z');

  it('a step pages another rotation\'s primary ("platform.primary")', async () => {
    const policy = pagingPolicy([
      '  platform:',
      '    members: [U0PAT, U0QUINN]',
      '    shift: { every: 1w, handoff: "mon 09:00", timezone: UTC, start: "2026-01-05" }',
      'escalation:',
      '  default:',
      '    P1: { loops: 1, steps: [{ page: primary }, { after: 10m, page: platform.primary }] }',
    ]);
    t = await TestApp.start({ policy, clock: new FakeClock(WED) });
    await raisePage('backend --severity P1 the database is unreachable');
    const received = await runMinutes(t, WED, 11);
    expect(dmTimeline(received)).toEqual(['0 U0ALICE', '10 U0PAT']);
  });

  it('a rotation that does not exist is refused at its line', () => {
    expect(() =>
      pagingPolicy(['escalation:', '  default:', '    P1: { steps: [{ page: primary }, { after: 10m, page: platfrom.primary }] }']),
    ).toThrow('escalation.default.P1.steps[1].page: no rotation named "platfrom" for "platfrom.primary" (defined: backend)');
  });

  it("repeat_after: the chain repeats after its own wait, not the last step's (the CTO step has none)", async () => {
    const policy = pagingPolicy([
      'escalation:',
      '  default:',
      '    P1: { loops: 2, repeat_after: 5m, steps: [{ page: primary }, { after: 15m, page: secondary }, { after: 15m, page: cto }] }',
    ]);
    t = await TestApp.start({ policy, clock: new FakeClock(WED) });
    await raisePage('--severity P1 api latency doubled');
    const received = await runMinutes(t, WED, 80);
    expect(dmTimeline(received)).toEqual(['0 U0ALICE', '15 U0BOB', '30 U0CTO', '35 U0ALICE', '50 U0BOB', '65 U0CTO']);
    expect(received.filter((r) => r.text.startsWith(':warning: Nobody')).map((r) => r.minute)).toEqual([70]);
  });
});

describe('a 2-week rotation whose secondary is offset by one week (seed 003 grown to four engineers)', () => {
  // Shift 0 is 2026-01-05 .. 01-19 (Ana primary); the secondary hands off every other Monday in between.
  const GROWN = [
    'timezone: UTC',
    'people: { engineering_lead: U0LEAD, cto: U0CTO }',
    'channels: { alerts: C0ALERTS }',
    'rotations:',
    '  platform:',
    '    members: [U0ANA, U0BEN, U0CAT, U0DEV]',
    '    shift: { every: 2w, handoff: "mon 09:00", timezone: UTC, start: "2026-01-05" }',
    '    secondary_offset: 2',
    '    secondary_handoff_after: 1w',
    '    channel: C0PLATFORM',
    '    alerts_channel: C0ALERTS',
    'escalation:',
    '  default:',
    '    P1: { loops: 1, steps: [{ page: primary }, { after: 10m, page: secondary }] }',
  ].join('\n');
  const WEEK_0 = Date.parse('2026-01-05T09:00:00Z');
  const WEEK = 7 * 24 * HOUR;

  it("a page in the second week of a shift climbs to that week's secondary, not the one the shift began with", async () => {
    t = await TestApp.start({ policy: parsePolicyText(GROWN, 'grown.yml'), clock: new FakeClock(WEEK_0 + WEEK + 2 * 24 * HOUR) });
    await raisePage('platform --severity P1 queue backlog growing');
    const received = await runMinutes(t, t.clock.now(), 11);
    expect(dmTimeline(received)).toEqual(['0 U0ANA', '10 U0CAT']);
  });

  it("the channel hears the secondary change a week into the shift; /oncall who and schedule show each week's pair", async () => {
    t = await TestApp.start({ policy: parsePolicyText(GROWN, 'grown.yml'), clock: new FakeClock(WEEK_0 + 3 * 24 * HOUR) });
    await advanceTo(WEEK_0 + WEEK);
    await t.app.drainer.drain();
    const posts = t.standIn.take('chat.postMessage', (a) => a.channel === 'C0PLATFORM').map((c) => String(c.args.text));
    expect(posts).toEqual([
      expect.stringMatching(
        /^:arrows_counterclockwise: \*platform\* secondary change: <@U0CAT> is secondary until <!date\^\d+\^[^>]+>; <@U0ANA> stays primary until <!date\^\d+\^[^>]+>\.$/,
      ),
    ]);
    expect(posts[0]).toContain(`<!date^${(WEEK_0 + 3 * WEEK) / 1000}^`);
    const who = (await t.command('/oncall', 'who platform', 'U0ANA')).json() as { text: string };
    expect(who.text).toMatch(/Primary: <@U0ANA> until <!date\^(\d+)\^/);
    expect(who.text).toContain(`Secondary: <@U0CAT> until <!date^${(WEEK_0 + 3 * WEEK) / 1000}^`);
    const schedule = (await t.command('/oncall', 'schedule platform 4', 'U0ANA')).json() as { text: string };
    const pairs = schedule.text
      .split('\n')
      .filter((l) => l.includes(' → '))
      .map((l) => l.replace(/<!date\^\d+\^[^>]+>/g, 'D'));
    expect(pairs).toEqual([
      'D → D: <@U0ANA> / <@U0CAT>',
      'D → D: <@U0BEN> / <@U0CAT>',
      'D → D: <@U0BEN> / <@U0DEV>',
      'D → D: <@U0CAT> / <@U0DEV>',
    ]);
  });

  it("leave for a whole shift is covered week by week: each week's secondary is promoted in turn", async () => {
    t = await TestApp.start({ policy: parsePolicyText(GROWN, 'grown.yml'), clock: new FakeClock(WEEK_0 - 24 * HOUR) });
    const answer = (await t.command('/oncall', 'leave <@U0ANA> 2026-01-05 2026-01-19', 'U0ANA')).json() as { text: string };
    expect(answer.text).toContain('<@U0ANA> is on leave');
    const at = async (when: number) => {
      await advanceTo(when);
      return ((await t.command('/oncall', 'who platform', 'U0ANA')).json() as { text: string }).text;
    };
    // Week 0: Ben (that week's secondary) is promoted; week 1: Cat is. The secondary seat goes to the next free person.
    expect(await at(WEEK_0 + HOUR)).toMatch(/Primary: <@U0BEN> until .*\(leave #\d+\)\nSecondary: <@U0CAT>/);
    expect(await at(WEEK_0 + WEEK + HOUR)).toMatch(/Primary: <@U0CAT> until .*\(leave #\d+\)\nSecondary: <@U0DEV>/);
  });
});
