/**
 * /oncall simulate through the real Bolt app over signed HTTP: the answer is ephemeral, and the simulation ran
 * in a bot of its own. The live database and the live Slack stand-in see nothing of it.
 */
import { like } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePolicyText } from '../../src/config/policy.js';
import { outbox, pageMessages, pages, timers } from '../../src/db/schema.js';
import { SLACK_MAX_LINES } from '../../src/playground/simulator-timeline.js';
import { FakeClock } from '../../src/time/clock.js';
import { TestApp } from '../support/harness.js';
import { ResponseUrlSink } from '../support/response-url-sink.js';
import { pagingPolicy } from '../support/paging-scenario.js';

// Wednesday 2026-11-25 10:00 UTC: "sat 03:00" is Saturday 2026-11-28.
const WEDNESDAY = Date.parse('2026-11-25T10:00:00Z');

let t: TestApp;
const sinks: ResponseUrlSink[] = [];
afterEach(async () => {
  await t?.close();
  for (const sink of sinks.splice(0)) await sink.stop();
});

function totalChanges(app: TestApp): number {
  return (app.store.sqlite.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
}

/** The command's answer: in the ack, or (a busy machine ran the dry run past the ack budget) by response_url. */
async function simulateCommand(text: string, userId = 'U0ALICE'): Promise<{ response_type: string; text: string }> {
  const sink = await new ResponseUrlSink().start();
  sinks.push(sink);
  const answer = await t.command('/oncall', `simulate ${text}`, userId, { responseUrl: sink.url });
  expect(answer.status).toBe(200);
  const acked = answer.json() as { response_type: string; text: string };
  if (!acked.text.startsWith(':hourglass_flowing_sand: Working on')) return acked;
  const later = await sink.next();
  expect(later.replace_original).toBe(true);
  return later as { response_type: string; text: string };
}

/** Nothing of the simulation reached the live bot: no page, no timer, no outbox row, no write, no Slack message. */
async function expectLiveBotUntouched(changesBefore: number): Promise<void> {
  await t.tick();
  expect(totalChanges(t)).toBe(changesBefore);
  expect(t.store.db.select().from(pages).all()).toEqual([]);
  expect(t.store.db.select().from(pageMessages).all()).toEqual([]);
  expect(t.store.db.select().from(outbox).all()).toEqual([]);
  expect(t.store.db.select().from(timers).where(like(timers.subject, 'page:%')).all()).toEqual([]);
  expect(t.standIn.delivered('chat.postMessage')).toEqual([]);
  expect(t.standIn.delivered('chat.update')).toEqual([]);
  expect(t.standIn.unasserted()).toEqual([]);
  expect(t.logs.lines.filter((l) => /"level":(40|50|60)/.test(l))).toEqual([]);
}

describe('a command that runs past its ack budget', () => {
  it('is acked at once with "working on it", and its answer replaces that line by response_url', async () => {
    t = await TestApp.start({ policy: pagingPolicy(), clock: new FakeClock(WEDNESDAY), commandAckBudgetMs: 0 });
    const sink = await new ResponseUrlSink().start();
    sinks.push(sink);
    const answer = await t.command('/oncall', 'simulate P1 "sat 03:00"', 'U0ALICE', { responseUrl: sink.url });
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({
      response_type: 'ephemeral',
      text: ':hourglass_flowing_sand: Working on `/oncall simulate P1 "sat 03:00"`: the answer follows here in a moment.',
    });
    const later = await sink.next();
    expect(later).toMatchObject({ response_type: 'ephemeral', replace_original: true });
    expect(later.text.split('\n')[0]).toBe(
      '*Dry run* (nobody was paged): a P1 page on *backend* raised Sat 28 Nov 2026 03:00 Europe/London; nobody acknowledges.',
    );
    expect(sink.posts).toEqual([]);
  });

  it('a quick command is answered in the ack as before, and nothing comes by response_url', async () => {
    t = await TestApp.start({ policy: pagingPolicy(), clock: new FakeClock(WEDNESDAY), commandAckBudgetMs: 60_000 });
    const sink = await new ResponseUrlSink().start();
    sinks.push(sink);
    const answer = (await t.command('/oncall', 'who backend', 'U0ALICE', { responseUrl: sink.url })).json() as { text: string };
    expect(answer.text).toMatch(/^\*backend\*\nPrimary: /);
    await t.settled();
    expect(sink.posts).toEqual([]);
  });
});

describe('/oncall simulate', () => {
  it('answers the caller only with the timeline of a P1 on Saturday 03:00, and pages nobody', async () => {
    t = await TestApp.start({ policy: pagingPolicy(), clock: new FakeClock(WEDNESDAY) });
    const before = totalChanges(t);
    const reply = await simulateCommand('P1 "sat 03:00"');
    expect(reply.response_type).toBe('ephemeral');
    const lines = reply.text.split('\n');
    // The caller is unknown to Slack here, so the policy's zone is used.
    expect(lines[0]).toBe(
      '*Dry run* (nobody was paged): a P1 page on *backend* raised Sat 28 Nov 2026 03:00 Europe/London; nobody acknowledges.',
    );
    expect(lines).toContain('`Sat 28 Nov 03:00` DM (page) <@U0CAROL> · P1 step 1 of 4, round 1 of 2: primary, at once');
    expect(lines).toContain('`Sat 28 Nov 03:45` DM (page) <@U0DAN> · P1 step 2 of 4, round 1 of 2: secondary, 45m after step 1');
    expect(lines).toContain('`Sat 28 Nov 04:00` DM (page) <@U0LEAD> · P1 step 3 of 4, round 1 of 2: engineering_lead, 15m after step 2');
    // The lead's 1 h FYI falls in the minute the chain pages the lead: one message, the page.
    expect(lines.filter((l) => l.startsWith('`Sat 28 Nov 04:00` DM (FYI)'))).toEqual([]);
    expect(lines).toContain(
      '`Sat 28 Nov 06:00` end · the chain is exhausted; page #1 stays open (anyone can still acknowledge it) and nothing more is due',
    );
    expect(lines.at(-1)).toBe(
      'Paged: <@U0CAROL> at Sat 28 Nov 03:00, <@U0DAN> at Sat 28 Nov 03:45, <@U0LEAD> at Sat 28 Nov 04:00, <@U0CTO> at Sat 28 Nov 04:15, ' +
        '<@U0CAROL> at Sat 28 Nov 04:30, <@U0DAN> at Sat 28 Nov 05:15, <@U0LEAD> at Sat 28 Nov 05:30, <@U0CTO> at Sat 28 Nov 05:45.',
    );
    await expectLiveBotUntouched(before);
  });

  it("reads the time in the caller's Slack zone, and ack-after stops the chain", async () => {
    t = await TestApp.start({ policy: pagingPolicy(), clock: new FakeClock(WEDNESDAY) });
    t.standIn.addUser({ id: 'U0NYC', tz: 'America/New_York' });
    const before = totalChanges(t);
    const reply = await simulateCommand('P1 sat 03:00 backend ack-after 50m', 'U0NYC');
    expect(reply.response_type).toBe('ephemeral');
    const lines = reply.text.split('\n');
    expect(lines[0]).toBe(
      '*Dry run* (nobody was paged): a P1 page on *backend* raised Sat 28 Nov 2026 03:00 America/New_York; the last person paged presses Acknowledge after 50m.',
    );
    expect(lines).toContain('`Sat 28 Nov 03:50` presses Acknowledge <@U0DAN> · the last person paged, 50m after the page');
    expect(lines.filter((l) => l.includes('DM (page)')).map((l) => l.slice(0, 18))).toEqual(['`Sat 28 Nov 03:00`', '`Sat 28 Nov 03:45`']);
    expect(lines.at(-1)).toBe('Paged: <@U0CAROL> at Sat 28 Nov 03:00, <@U0DAN> at Sat 28 Nov 03:45.');
    await expectLiveBotUntouched(before);
  });

  it('a P2 at night: held for the morning, said in the reply', async () => {
    t = await TestApp.start({ policy: pagingPolicy(), clock: new FakeClock(WEDNESDAY) });
    const before = totalChanges(t);
    const reply = await simulateCommand('P2 "2026-11-28 03:00"');
    const lines = reply.text.split('\n');
    expect(lines.find((l) => l.startsWith('`Sat 28 Nov 03:00` post <#C0ALERTS>'))).toContain(
      'the P2 chain is quiet at night: held until business hours',
    );
    expect(lines.filter((l) => l.includes('chat message')).map((l) => l.slice(0, 18))).toEqual([
      '`Mon 30 Nov 09:00`',
      '`Mon 30 Nov 13:00`',
    ]);
    await expectLiveBotUntouched(before);
  });

  it('a long timeline is cut to a bounded reply that says how much was left out', async () => {
    const policy = parsePolicyText(
      [
        'people: { engineering_lead: U0LEAD, cto: U0CTO }',
        'channels: { alerts: C0ALERTS }',
        'rotations:',
        '  backend: { members: [U0ALICE, U0BOB], alerts_channel: C0ALERTS }',
        'escalation:',
        '  default:',
        '    P0: { loops: 10 }',
      ].join('\n'),
      'loops.yml',
    );
    t = await TestApp.start({ policy, clock: new FakeClock(WEDNESDAY) });
    const before = totalChanges(t);
    const reply = await simulateCommand('P0 now');
    const lines = reply.text.split('\n');
    expect(reply.text.length).toBeLessThan(4_000);
    const shown = lines.filter((l) => l.startsWith('`'));
    expect(shown.length).toBeGreaterThan(10);
    expect(shown.length).toBeLessThanOrEqual(SLACK_MAX_LINES);
    // The lines shown are the first ones, in order.
    expect(shown[0]).toBe('`Wed 25 Nov 10:00` page #1 raised · P0 on rotation backend (`/oncall page backend --severity P0`)');
    expect(lines.at(-1)).toMatch(
      /^Paged: (<@U0\w+> at \w{3} \d+ Nov \d\d:\d\d, ){7}<@U0\w+> at \w{3} \d+ Nov \d\d:\d\d and \d+ more times\.$/,
    );
    expect(lines.at(-2)).toMatch(/^_…and \d+ more lines: `npm run simulate` prints the whole timeline\._$/);
    await expectLiveBotUntouched(before);
  });

  it.each([
    ['', 'Say the severity first, then when the page fires.'],
    ['P9 "sat 03:00"', '"P9" is not a severity of this policy: use one of P0, P1, P2, P3.'],
    ['P1', 'Say when the page fires: "YYYY-MM-DD HH:MM" such as "2026-11-28 03:00"'],
    ['P1 funday 03:00', 'Cannot read the time "funday 03:00"'],
    ['P1 "sat 03:00" ack-after soon', 'The acknowledgement delay: expected a duration like "15m", got "soon".'],
  ])('%j: an ephemeral usage message naming what was wrong; nothing runs', async (text, message) => {
    t = await TestApp.start({ policy: pagingPolicy(), clock: new FakeClock(WEDNESDAY) });
    const before = totalChanges(t);
    const reply = await simulateCommand(text);
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain(message);
    expect(reply.text).toContain('Usage: `/oncall simulate <severity> <when> [rotation] [ack-after <duration>]`');
    await expectLiveBotUntouched(before);
  });

  it('is listed in /oncall help', async () => {
    t = await TestApp.start({ policy: pagingPolicy(), clock: new FakeClock(WEDNESDAY) });
    const help = (await t.command('/oncall', 'help')).json() as { text: string };
    expect(help.text).toContain('• `/oncall simulate <severity> <when> [rotation] [ack-after 50m]`: a dry run');
  });
});
