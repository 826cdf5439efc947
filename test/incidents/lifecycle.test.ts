import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { incidentEvents, incidents, pages, timers } from '../../src/db/schema.js';
import { PAGE_ACTIONS } from '../../src/paging/page-blocks.js';
import { FakeClock, MINUTE } from '../../src/time/clock.js';
import { TestApp } from '../support/harness.js';
import { runMinutes, type Received } from '../support/paging-scenario.js';
import { blockActionPayload } from '../support/signed-requests.js';
import { declare, NOW, POLICY, submitResolve, texts } from './incident-support.js';

let t: TestApp;
afterEach(async () => t?.close());

async function start(dbPath?: string, standIn = t?.standIn) {
  t = await TestApp.start({ policy: POLICY, clock: new FakeClock(NOW), ...(dbPath ? { dbPath, standIn } : {}) });
  for (const id of ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAN']) t.standIn.addUser({ id });
}

/** The command's ephemeral answer ('' when it opened a modal instead). */
const say = async (text: string, user = 'U0ALICE') => {
  const answer = await t.command('/incident', text, user, { channelId: 'C0INC1' });
  return answer.text === '' ? '' : (answer.json() as { text: string }).text;
};
/** Minutes (since declaration) at which a reminder reached the incident channel. */
const reminderMinutes = (received: Received[]) =>
  received.filter((r) => r.to === 'C0INC1' && r.text.startsWith(':alarm_clock:')).map((r) => r.minute);

describe('status-update reminders', () => {
  it.each(['P0', 'P1'])('%s: every 15 min from the last update until Monitoring, then every 30, none after resolve', async (severity) => {
    await start();
    await declare(t, { severity });
    const start0 = t.clock.now();
    const before = await runMinutes(t, start0, 14);
    expect(reminderMinutes(before)).toEqual([]);
    // An update at minute 14 moves the next reminder to minute 29.
    expect(await say('update found the bad deploy')).toMatch(/^Update posted; the next one is due <!date\^\d+/);
    const investigating = await runMinutes(t, start0, 46);
    expect(reminderMinutes(investigating)).toEqual([29, 44, 59]);
    expect(investigating.find((r) => r.minute === 29)!.text).toBe(
      `:alarm_clock: <@U0ALICE> a status update for [${severity}] Checkout returns 500s is due (last update 15 min ago, status Investigating). Post it with \`/incident update <text>\`.`,
    );
    // Monitoring at minute 60: the cadence slows to 30 min, counted from the status change.
    expect(await say('status monitoring error rate back to normal')).toBe('Incident #1 is now Monitoring.');
    const monitoring = await runMinutes(t, start0, 65);
    expect(reminderMinutes(monitoring)).toEqual([90, 120]);
    // Resolved at minute 125: no reminder after.
    expect((await submitResolve(t, 'U0ALICE', 1, [0, 1, 2], 'rolled back 1.42')).text).toBe('');
    expect(reminderMinutes(await runMinutes(t, start0, 120))).toEqual([]);
    expect(t.store.db.select().from(timers).where(eq(timers.kind, 'incident.reminder')).all()).toEqual([]);
  });

  it('P2: every 60 min; its first update is due at 4 h (seed 003, by rank), and missing it is said and recorded', async () => {
    await start();
    await declare(t, { severity: 'P2' });
    const start0 = t.clock.now();
    const received = await runMinutes(t, start0, 245);
    expect(reminderMinutes(received)).toEqual([60, 120, 180, 240]);
    const missed = received.filter((r) => r.text.startsWith(':warning: The first status update'));
    expect(missed.map((r) => r.minute)).toEqual([240]);
    expect(missed[0]!.text).toContain('(4 h after declaration) and none was posted. <@U0ALICE>, post one with `/incident update <text>`.');
    expect(
      t.store.db
        .select()
        .from(incidentEvents)
        .where(eq(incidentEvents.kind, 'deadline'))
        .all()
        .map((e) => e.text),
    ).toEqual(['First-update deadline (4 h) missed']);
  });

  it('a restart between reminders neither loses nor doubles one', async () => {
    await start();
    await declare(t, { severity: 'P1' });
    const start0 = t.clock.now();
    const dbPath = t.store.path;
    const first = await runMinutes(t, start0, 20);
    const clock = t.clock.now();
    await t.close({ keepDb: true });
    // A new stand-in, the same workspace: the incident's channel the bot made is still there, with the bot in it.
    t = await TestApp.start({ policy: POLICY, clock: new FakeClock(clock), dbPath, channels: ['C0INC1'] });
    const second = await runMinutes(t, start0, 25);
    expect(reminderMinutes([...first, ...second])).toEqual([15, 30, 45]);
  });
});

describe('resolve and postmortem', () => {
  it('resolving needs every verification ticked; it resolves the pages, posts a postmortem draft due 2 business days later, and reminds on the due date', async () => {
    await start();
    await declare(t, { severity: 'P1' });
    await t.app.drainer.drain();
    t.standIn.take('chat.postMessage');

    expect(await say('resolve')).toBe('');
    const [opened] = t.standIn.take('views.open');
    expect(JSON.stringify(opened!.args.view)).toContain('The error no longer reproduces');

    const refused = await submitResolve(t, 'U0ALICE', 1, [0, 2], 'rolled back');
    expect(refused.json()).toEqual({
      response_action: 'errors',
      errors: { verification: 'Every check must be true before resolving. Still open: Monitors and synthetic checks are green.' },
    });
    expect(t.store.db.select().from(incidents).get()!.status).toBe('investigating');

    t.clock.advance(40 * MINUTE); // Friday 10:55
    expect((await submitResolve(t, 'U0ALICE', 1, [0, 1, 2], 'Rolled back 1.42; the retry storm stopped.')).text).toBe('');
    await t.app.drainer.drain();
    const row = t.store.db.select().from(incidents).get()!;
    expect(row).toMatchObject({ status: 'resolved', resolvedBy: 'U0ALICE', resolution: 'Rolled back 1.42; the retry storm stopped.' });
    // P1 in this policy: 2 business days -> Tuesday 10:55 London.
    expect(new Date(row.postmortemDueAt!).toISOString()).toBe('2026-11-24T10:55:00.000Z');
    expect(t.store.db.select().from(pages).get()!.status).toBe('resolved');
    const posted = texts(t.standIn.take('chat.postMessage', (a) => a.channel === 'C0INC1'));
    expect(posted[0]).toBe(
      ':large_green_circle: [P1] Checkout returns 500s resolved by <@U0ALICE> after 40 min.\nRolled back 1.42; the retry storm stopped.',
    );
    expect(posted[1]).toMatch(/^:page_facing_up: \*Postmortem draft for \[P1\] Checkout returns 500s\* \(#1\), due <!date\^1795517700\^/);
    for (const section of [
      'What happened',
      'User impact',
      'Root cause',
      'Mitigation applied',
      'Permanent fix',
      'Preventive actions',
      'Timeline',
    ])
      expect(posted[1]).toContain(`*${section}*`);
    expect(posted[1]).toContain('Declared [P1] Checkout returns 500s by <@U0ALICE>');
    const edits = t.standIn.take('chat.update').map((c) => String(c.args.text));
    expect(edits.some((e) => e.includes('Status: Resolved') && e.includes('Next update: none: resolved'))).toBe(true);

    // Tuesday 10:55: the reminder, in the channel and to the commander.
    t.clock.advance(row.postmortemDueAt! - t.clock.now());
    await t.tick();
    const due = t.standIn.take('chat.postMessage', (a) => String(a.text).includes('the postmortem for'));
    expect(due.map((c) => c.args.channel)).toEqual(['C0INC1', 'U0ALICE']);

    expect(await say('postmortem done <https://wiki.example.com/pm/1>')).toBe('Postmortem recorded for incident #1.');
    expect(t.store.db.select().from(incidents).get()!.postmortemLink).toBe('https://wiki.example.com/pm/1');
    expect(await say('postmortem done https://other')).toContain('was already closed');
  });

  it('a P2 needs no postmortem', async () => {
    await start();
    await declare(t, { severity: 'P2' });
    await say('resolve');
    await submitResolve(t, 'U0ALICE', 1, [0, 1, 2], 'config fixed');
    expect(t.store.db.select().from(incidents).get()!.postmortemDueAt).toBeNull();
  });
});

describe('severity, roles and the timeline', () => {
  it('raising the severity pages per the new one and tells who the new severity names; roles and commander show on the card', async () => {
    await start();
    await declare(t, { severity: 'P2' });
    await t.app.drainer.drain();
    t.standIn.take('chat.postMessage');
    expect(await say('severity p0')).toBe('Incident #1 is now P0.');
    await t.app.drainer.drain();
    expect(t.store.db.select().from(pages).get()!.severity).toBe('P0');
    expect(texts(t.standIn.take('chat.postMessage', (a) => a.channel === 'U0LEAD'))).toEqual([
      expect.stringContaining('FYI [P0] Checkout returns 500s (incident #1)'),
    ]);
    // The P0 chain continues: 15 min later the secondary is paged.
    await t.advance(15 * MINUTE);
    expect(
      t.standIn.take('chat.postMessage', (a) => a.channel === 'U0CAROL' && String(a.text).startsWith(':rotating_light: Page [P0]')),
    ).toHaveLength(1);

    expect(await say('commander <@U0BOB>')).toBe('<@U0BOB> is now the commander of incident #1.');
    expect(await say('role <@U0CAROL> support-ops lead')).toBe('<@U0CAROL> is now the support ops lead for incident #1.');
    await t.app.drainer.drain();
    const card = t.standIn
      .take('chat.update')
      .map((c) => JSON.stringify(c.args.blocks))
      .at(-1)!;
    expect(card).toContain('*Commander*\\n<@U0BOB>');
    expect(card).toContain('support ops lead: <@U0CAROL>');
  });

  it('page acknowledgements and :pushpin:ed messages go into the timeline', async () => {
    await start();
    await declare(t, { severity: 'P1' });
    t.clock.advance(3 * MINUTE);
    await t.interact(blockActionPayload('U0BOB', PAGE_ACTIONS.ack, '1'));
    t.standIn.addMessage('C0INC1', '1767600000.999999', 'Rolled back to 1.41 at 10:20', 'U0CAROL');
    await t.event({
      type: 'reaction_added',
      user: 'U0BOB',
      reaction: 'pushpin',
      item: { type: 'message', channel: 'C0INC1', ts: '1767600000.999999' },
      item_user: 'U0CAROL',
      event_ts: '1767600001.000001',
    });
    for (let i = 0; i < 100 && t.store.db.select().from(incidentEvents).where(eq(incidentEvents.kind, 'pinned')).all().length === 0; i += 1)
      await new Promise((r) => setTimeout(r, 10));
    const timeline = await say('timeline');
    const lines = timeline.split('\n').map((l) => l.replace(/<!date[^>]*> /, ''));
    expect(lines).toEqual([
      '*Timeline of [P1] Checkout returns 500s* (#1)',
      '• Declared [P1] Checkout returns 500s by <@U0ALICE>. Impact: EU customers cannot pay',
      '• Paged the backend on-call at P1 (page #1)',
      '• Page #1 acknowledged by <@U0BOB> via Slack button (3 min after it started)',
      '• Pinned by <@U0BOB> (from <@U0CAROL>): Rolled back to 1.41 at 10:20',
    ]);
  });
});
