/**
 * Paging rules the seeds write, run through the real app (signed requests, the stand-in, the fake clock):
 * each test is one sentence of a team's policy that the bot used to lose.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pages } from '../../src/db/schema.js';
import { PAGE_ACTIONS } from '../../src/paging/page-blocks.js';
import { FakeClock, HOUR, MINUTE } from '../../src/time/clock.js';
import { TestApp } from '../support/harness.js';
import { pagingPolicy } from '../support/paging-scenario.js';
import { blockActionPayload } from '../support/signed-requests.js';

let t: TestApp;
afterEach(async () => t?.close());

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

const press = (userId: string, action: string, id: number) => t.interact(blockActionPayload(userId, action, String(id), { channel: { id: `D${userId}` } }));
const pageRow = (id: number) => t.store.db.select().from(pages).all().find((p) => p.id === id)!;

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
