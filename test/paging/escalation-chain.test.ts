import { afterEach, describe, expect, it } from 'vitest';
import { pages } from '../../src/db/schema.js';
import { FakeClock, MINUTE } from '../../src/time/clock.js';
import { TestApp } from '../support/harness.js';
import { dmTimeline, pagingPolicy, runMinutes, P0_CHAIN_TWICE } from '../support/paging-scenario.js';

let t: TestApp;
afterEach(async () => t?.close());

const T0 = Date.parse('2026-01-07T03:00:00Z'); // a Wednesday night

async function page(text: string, user = 'U0DAN') {
  const answer = (await t.command('/oncall', `page ${text}`, user)).json() as { text: string };
  expect(answer.text).toMatch(/^Paging \*backend\* with P\d page #\d+/);
  await t.tick();
  return Number(/page #(\d+)/.exec(answer.text)![1]);
}

describe('the full chain on a fake clock', () => {
  it('P0: primary, secondary +15, lead +15, CTO +15, twice, then the channel is told nobody acknowledged', async () => {
    t = await TestApp.start({ policy: pagingPolicy(), clock: new FakeClock(T0) });
    await page('--severity P0 checkout returns 500 for everyone');
    const received = await runMinutes(t, T0, 125);
    expect(dmTimeline(received)).toEqual(P0_CHAIN_TWICE);
    const channel = received.filter((r) => r.to === 'C0ALERTS');
    expect(channel.map((r) => r.minute)).toEqual([0, 15, 30, 45, 60, 75, 90, 105, 120]);
    expect(channel.at(-1)!.text).toBe(
      ':warning: Nobody acknowledged [P0] checkout returns 500 for everyone (#1) after 2 rounds of the P0 chain. It stays open: anyone can still acknowledge it.',
    );
    // Notifications that are not pages: the lead at once, the CTO when a P0 is still open at 2 h.
    const fyi = received.filter((r) => r.text.startsWith(':information_source:')).map((r) => `${r.minute} ${r.to}`);
    expect(fyi).toEqual(['0 U0LEAD', '120 U0CTO']);
    expect(t.store.db.select().from(pages).get()).toMatchObject({
      status: 'open',
      breachedAt: T0 + 5 * MINUTE,
      exhaustedAt: T0 + 120 * MINUTE,
    });
    expect(t.standIn.unasserted()).toEqual([]);
  });

  it('P1: secondary after 45 min, then 15 min steps, twice; lead notified at 1 h', async () => {
    t = await TestApp.start({ policy: pagingPolicy(), clock: new FakeClock(T0) });
    await page('api latency doubled');
    const received = await runMinutes(t, T0, 200);
    expect(dmTimeline(received)).toEqual([
      '0 U0ALICE',
      '45 U0BOB',
      '60 U0LEAD',
      '75 U0CTO',
      '90 U0ALICE',
      '135 U0BOB',
      '150 U0LEAD',
      '165 U0CTO',
    ]);
    expect(received.filter((r) => r.text.startsWith(':warning: Nobody')).map((r) => r.minute)).toEqual([180]);
    // The "lead at 1 h if unresolved" FYI falls in the minute the chain pages the lead: one message, the page.
    expect(received.filter((r) => r.text.startsWith(':information_source:')).map((r) => `${r.minute} ${r.to}`)).toEqual([]);
  });

  it('P2 raised Friday 17:30 in Europe/London: a chat message now, secondary only after 4 business hours (Monday 12:30), nothing at night', async () => {
    const friday = Date.parse('2026-01-09T17:30:00Z');
    t = await TestApp.start({ policy: pagingPolicy(), clock: new FakeClock(friday) });
    await page('--severity P2 export job slow');
    const received = await runMinutes(t, friday, 4 * 24 * 60);
    // Chat-only (seed 002: "Slack message to primary"): a plain message in the channel that names the person,
    // never a siren DM.
    expect(received.filter((r) => r.text.startsWith(':rotating_light:'))).toEqual([]);
    const asks = received.filter((r) => r.text.startsWith(':speech_balloon:'));
    expect(asks.map((r) => [new Date(friday + r.minute * MINUTE).toISOString(), r.to, /<@(U0\w+)>/.exec(r.text)![1]])).toEqual([
      ['2026-01-09T17:30:00.000Z', 'C0ALERTS', 'U0ALICE'],
      // Monday 09:00 UTC started a new shift: Bob is primary now and Carol secondary, so the step reaches Carol.
      ['2026-01-12T12:30:00.000Z', 'C0ALERTS', 'U0CAROL'],
    ]);
    const nobody = received.find((r) => r.text.startsWith(':warning: Nobody'));
    expect(new Date(friday + nobody!.minute * MINUTE).toISOString()).toBe('2026-01-12T16:30:00.000Z');
  });

  it('P2 raised Saturday 03:00 waits for Monday 09:00 before it reaches anyone', async () => {
    const saturday = Date.parse('2026-01-10T03:00:00Z');
    t = await TestApp.start({ policy: pagingPolicy(), clock: new FakeClock(saturday) });
    await page('--severity P2 disk 80% on replica');
    const received = await runMinutes(t, saturday, 3 * 24 * 60);
    const first = received.find((r) => r.text.startsWith(':speech_balloon:'));
    expect(new Date(saturday + first!.minute * MINUTE).toISOString()).toBe('2026-01-12T09:00:00.000Z');
    expect(received[0]!.text).toContain(':zzz:');
  });

  it('an override between steps: the next step pages whoever is secondary at that moment', async () => {
    t = await TestApp.start({ policy: pagingPolicy(), clock: new FakeClock(T0) });
    await page('--severity P0 payments failing');
    await runMinutes(t, T0, 5);
    t.standIn.addUser({ id: 'U0CAROL' });
    const retry = (await t.command('/oncall', 'override <@U0CAROL> now 2026-01-08 secondary', 'U0LEAD')).json() as { text: string };
    expect(retry.text).toMatch(/^Override #\d+/);
    const received = await runMinutes(t, T0 + 5 * MINUTE, 11);
    expect(dmTimeline(received)).toEqual(['10 U0CAROL']);
  });
});
