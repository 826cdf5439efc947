import { asc, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePolicyText } from '../../src/config/policy.js';
import { openStore } from '../../src/db/connection.js';
import { outbox, pages, slackMessages, timers } from '../../src/db/schema.js';
import { PRIORITY } from '../../src/engine/outbox.js';
import { PAGE_ACTIONS } from '../../src/paging/page-blocks.js';
import { BOUNDARY_TIMER } from '../../src/schedules/boundary.js';
import { DAY, FakeClock, HOUR, MINUTE, SECOND } from '../../src/time/clock.js';
import { tempDbPath } from '../support/common.js';
import { TestApp, type TestAppOptions } from '../support/harness.js';
import { dmTimeline, pagingPolicy, runMinutes } from '../support/paging-scenario.js';
import { blockActionPayload } from '../support/signed-requests.js';
import { SlackStandIn } from '../../src/playground/slack-stand-in.js';

describe('restart', () => {
  it('a new app on the same DB file fires every due timer once and delivers every undelivered row once', async () => {
    const db = tempDbPath();
    const standIn = await new SlackStandIn().start();
    const clock = new FakeClock('2026-03-02T08:00:00Z');
    const T = clock.now();
    try {
      // 30 DMs to one person at one instant: rate limits off, this test counts deliveries after a restart.
      const first = await TestApp.start({ dbPath: db.path, standIn, clock, channels: ['C0', 'C1', 'C2'], rateLimits: false });
      first.app.engine.register('test.escalate', (timer, tx) => {
        tx.enqueue({ method: 'chat.postMessage', args: { channel: 'D0BOB', text: `step ${timer.subject}` }, priority: PRIORITY.page });
      });
      // Slack is down while the first process runs: every row stays undelivered.
      standIn.failNext('chat.postMessage', { status: 503 }, 1000);
      first.app.engine.transact((tx) => {
        for (let i = 0; i < 30; i += 1) tx.schedule({ kind: 'test.escalate', subject: `t${i}`, dueAt: T + (i + 1) * SECOND });
        for (let i = 0; i < 10; i += 1) {
          tx.enqueue({ method: 'chat.postMessage', args: { channel: `C${i % 3}`, text: `queued ${i}` }, priority: PRIORITY.notice });
        }
      });
      await first.advance(10 * SECOND); // ten timers fire; their pages join the undelivered rows
      const pendingAtStop = first.store.db
        .select()
        .from(outbox)
        .all()
        .filter((r) => r.status === 'pending').length;
      expect(pendingAtStop).toBe(20);
      await first.close({ keepDb: true });

      // Slack is back; a new process opens the same file later than every timer's due time.
      standIn.clearFaults();
      clock.set(T + 60 * SECOND);
      const second = await TestApp.start({ dbPath: db.path, standIn, clock, rateLimits: false });
      const fired: string[] = [];
      second.app.engine.register('test.escalate', (timer, tx) => {
        fired.push(timer.subject);
        tx.enqueue({ method: 'chat.postMessage', args: { channel: 'D0BOB', text: `step ${timer.subject}` }, priority: PRIORITY.page });
      });
      for (let i = 0; i < 5; i += 1) await second.advance(SECOND);

      expect(fired.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `t${i + 10}`).sort());
      const texts = standIn.delivered('chat.postMessage').map((c) => String(c.args.text));
      const expected = [...Array.from({ length: 10 }, (_, i) => `queued ${i}`), ...Array.from({ length: 30 }, (_, i) => `step t${i}`)];
      expect(texts.sort()).toEqual(expected.sort());
      // Only the bot's own standing timer is left (hourly retention, due later).
      expect(
        second.store.db
          .select()
          .from(timers)
          .all()
          .map((r) => r.kind),
      ).toEqual(['engine.retention']);
      expect(
        second.store.db
          .select()
          .from(outbox)
          .all()
          .every((r) => r.status === 'sent'),
      ).toBe(true);
      await second.close();
    } finally {
      await standIn.stop();
      db.cleanup();
    }
  });
});

/**
 * One bot after another on the same file, the stand-in (Slack) outliving both, and the clock moved while no
 * bot runs. `restart` starts the next one as main.ts does: migrate, listen, fire what fell due, then serve.
 */
describe('restart of the whole bot', () => {
  const T0 = Date.parse('2026-01-07T03:00:00Z'); // Wednesday night: Alice primary, Bob secondary
  let db: ReturnType<typeof tempDbPath>;
  let standIn: SlackStandIn;
  let clock: FakeClock;
  let bot: TestApp | null = null;

  async function boot(options: Partial<TestAppOptions> = {}): Promise<TestApp> {
    db ??= tempDbPath();
    clock ??= new FakeClock(T0);
    standIn ??= await new SlackStandIn({ now: () => clock.now() }).start();
    bot = await TestApp.start({ dbPath: db.path, standIn, clock, policy: pagingPolicy(), ...options });
    return bot;
  }

  /** Stops the running bot, lets `downMs` pass, and starts the next one, which first fires what fell due. */
  async function restart(downMs: number, between?: () => void, options: Partial<TestAppOptions> = {}): Promise<TestApp> {
    await bot!.close({ keepDb: true });
    bot = null;
    clock.advance(downMs);
    between?.();
    const next = await boot(options);
    await next.app.engine.fireDueTimers();
    await next.app.drainer.drain();
    return next;
  }

  afterEach(async () => {
    await bot?.close();
    bot = null;
    await standIn?.stop();
    db?.cleanup();
    standIn = undefined as unknown as SlackStandIn;
    db = undefined as unknown as ReturnType<typeof tempDbPath>;
    clock = undefined as unknown as FakeClock;
  });

  it('escalation steps that fell due while the bot was down are each sent once, in order, and the chain goes on from there', async () => {
    let t = await boot();
    const answer = (await t.command('/oncall', 'page --severity P0 checkout down', 'U0DAN')).json() as { text: string };
    const id = Number(/page #(\d+)/.exec(answer.text)![1]);
    const before = await runMinutes(t, T0, 3);
    expect(dmTimeline(before)).toEqual(['0 U0ALICE']);

    // Down from minute 3 to minute 50: Bob (15), the lead (30) and the CTO (45) were due meanwhile.
    t = await restart(47 * MINUTE);
    const atStart = dmTimeline(await runMinutes(t, T0, 0)).map((line) => line.split(' ')[1]);
    expect(atStart.sort()).toEqual(['U0BOB', 'U0CTO', 'U0LEAD']);
    // Decided in the order of the chain.
    const order = t.store.db
      .select()
      .from(outbox)
      .orderBy(asc(outbox.id))
      .all()
      .filter((r) => String(r.args.text).startsWith(':rotating_light:') && String(r.args.channel).startsWith('U'))
      .map((r) => String(r.args.channel));
    expect(order).toEqual(['U0ALICE', 'U0BOB', 'U0LEAD', 'U0CTO']);
    // The SLA (5 min for P0) was missed at its deadline, not at the restart.
    expect(t.store.db.select().from(pages).where(eq(pages.id, id)).get()!.breachedAt).toBe(T0 + 5 * MINUTE);

    // Ticking again sends nothing twice; the second round starts 15 minutes after the last step was due (minute 60).
    await t.tick();
    expect(await runMinutes(t, T0, 0)).toEqual([]);
    const next = await runMinutes(t, T0 + 50 * MINUTE, 11);
    expect(dmTimeline(next).map((line) => line.split(' ')[1])).toEqual(['U0ALICE']);
    expect(next.find((r) => r.to === 'U0ALICE')!.minute).toBe(10); // minute 60 since the page
  });

  it('a page DM that was on its way when the bot died is found in Slack, not sent again, and the acknowledgement edits it', async () => {
    let t = await boot();
    await t.command('/oncall', 'page --severity P0 checkout down', 'U0DAN');
    await t.tick();
    const [dm] = t.standIn.take('chat.postMessage', (a) => a.channel === 'U0ALICE');
    expect(dm).toBeDefined();
    const row = t.store.db
      .select()
      .from(outbox)
      .all()
      .find((r) => r.args.channel === 'U0ALICE')!;
    expect(row.ref).not.toBeNull();

    // As if the process died after Slack took the post and before the answer was written down.
    t = await restart(30 * SECOND, () => {
      const file = openStore(db.path);
      file.db
        .update(outbox)
        .set({ status: 'pending', sentAt: null, sendingAt: clock.now() - 30 * SECOND })
        .where(eq(outbox.id, row.id))
        .run();
      file.db.delete(slackMessages).where(eq(slackMessages.ref, row.ref!)).run();
      file.close();
    });
    expect(t.standIn.take('chat.postMessage', (a) => a.channel === 'U0ALICE')).toEqual([]);
    expect(t.store.db.select().from(outbox).where(eq(outbox.id, row.id)).get()).toMatchObject({ status: 'sent', sendingAt: null });

    await t.interact(blockActionPayload('U0ALICE', PAGE_ACTIONS.ack, '1', { channel: { id: 'DU0ALICE' } }));
    await t.settled();
    await t.tick();
    const edits = t.standIn.take('chat.update', (a) => a.channel === 'DU0ALICE');
    expect(edits.map((e) => e.args.ts)).toEqual([dm!.response.ts]);
    expect(String(edits[0]!.args.text)).toContain(':white_check_mark: Acknowledged by <@U0ALICE>');
  });

  it('a shift change missed while the bot was down is announced once, with the new primary, and the next one is set once', async () => {
    const policy = parsePolicyText(
      [
        'rotations:',
        '  backend:',
        '    members: [U0ALICE, U0BOB, U0CAROL]',
        '    shift: { every: 1w, handoff: "mon 09:00", timezone: UTC, start: "2026-01-05" }',
        '    channel: C0BACKEND',
        '    usergroup: S0ONCALL',
      ].join('\n'),
      'restart.yml',
    );
    clock = new FakeClock('2026-01-11T20:00:00Z'); // Sunday evening; Alice's week ends Monday 09:00
    await boot({ policy });
    // Down over the boundary; back Monday 11:00.
    let t = await restart(15 * HOUR, undefined, { policy });
    const shiftChange = (a: Record<string, unknown>) => String(a.text).startsWith(':arrows_counterclockwise:');
    const announced = t.standIn.take('chat.postMessage', (a) => a.channel === 'C0BACKEND' && shiftChange(a));
    expect(announced.map((c) => String(c.args.text).split(' is primary')[0])).toEqual([
      ':arrows_counterclockwise: *backend* shift change: <@U0BOB>',
    ]);
    expect(t.standIn.take('usergroups.users.update').map((c) => c.args)).toEqual([{ usergroup: 'S0ONCALL', users: 'U0BOB' }]);
    const boundaries = () =>
      t.store.db
        .select()
        .from(timers)
        .all()
        .filter((r) => r.kind === BOUNDARY_TIMER);
    expect(boundaries().map((r) => r.dueAt)).toEqual([Date.parse('2026-01-19T09:00:00Z')]);

    // Another restart straight after announces nothing again.
    t = await restart(MINUTE, undefined, { policy });
    expect(t.standIn.take('chat.postMessage', shiftChange)).toEqual([]);
    expect(t.standIn.take('usergroups.users.update')).toEqual([]);
    expect(boundaries()).toHaveLength(1);
  });

  it('a timer whose kind the new version no longer handles is kept and retried later, and holds up nothing else', async () => {
    let t = await boot();
    t.app.engine.transact((tx) => {
      tx.schedule({ kind: 'retired.kind', subject: 'old:1', dueAt: T0 + MINUTE, priority: 0 });
      tx.schedule({ kind: 'test.kept', subject: 'new:1', dueAt: T0 + 2 * MINUTE });
    });
    await t.close({ keepDb: true });
    clock.advance(DAY);
    // The next bot registers only the kind it knows, then fires what fell due, as main does.
    t = await boot();
    const fired: string[] = [];
    t.app.engine.register('test.kept', (timer) => fired.push(timer.subject));
    await t.app.engine.fireDueTimers();
    expect(fired).toEqual(['new:1']);
    const kept = t.store.db
      .select()
      .from(timers)
      .all()
      .filter((r) => r.kind === 'retired.kind');
    expect(kept).toHaveLength(1);
    expect(kept[0]!.attempts).toBeGreaterThanOrEqual(1);
    expect(kept[0]!.lastError).toBe('no handler for timer kind "retired.kind"');
    expect(kept[0]!.dueAt).toBeGreaterThan(clock.now()); // postponed, not spinning
    expect(t.logs.lines.join('')).toContain('timer handler failed');
  });
});
