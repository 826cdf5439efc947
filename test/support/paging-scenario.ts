import { parsePolicyText, type Policy } from '../../src/config/policy.js';
import { timers } from '../../src/db/schema.js';
import { MINUTE } from '../../src/time/clock.js';
import type { TestApp } from './harness.js';
import type { RecordedCall } from '../../src/playground/slack-stand-in.js';

/** Wednesday 2026-01-07 03:00 UTC, a weeknight: Alice is backend's primary and Bob its secondary (pagingPolicy). */
export const WED_0300 = Date.parse('2026-01-07T03:00:00Z');

/** The default P0 chain run twice without an acknowledgement, as dmTimeline lines: primary, secondary, lead, CTO, 15 min apart. */
export const P0_CHAIN_TWICE = ['0 U0ALICE', '15 U0BOB', '30 U0LEAD', '45 U0CTO', '60 U0ALICE', '75 U0BOB', '90 U0LEAD', '105 U0CTO'];

/** Backend rotation (UTC weekly, Alice primary and Bob secondary in the week of 2026-01-05), lead and CTO, alerts channel. */
export function pagingPolicy(extra: string[] = []): Policy {
  return parsePolicyText(
    [
      'timezone: Europe/London',
      'people: { engineering_lead: U0LEAD, cto: U0CTO }',
      'channels: { alerts: C0ALERTS }',
      'rotations:',
      '  backend:',
      '    members: [U0ALICE, U0BOB, U0CAROL, U0DAN]',
      '    shift: { every: 1w, handoff: "mon 09:00", timezone: UTC, start: "2026-01-05" }',
      '    alerts_channel: C0ALERTS',
      ...extra,
    ].join('\n'),
    'paging.yml',
  );
}

export interface Received {
  minute: number;
  to: string;
  text: string;
}

/**
 * Moves the fake clock a minute at a time for `minutes` minutes, collecting every message delivered, with the
 * minute (since `start`) at which it was decided. Messages are taken from the stand-in, so leftovers show.
 */
export async function runMinutes(t: TestApp, start: number, minutes: number, method = 'chat.postMessage'): Promise<Received[]> {
  const received: Received[] = [];
  const collect = () => {
    for (const call of t.standIn.take(method)) received.push(asReceived(call, Math.round((t.clock.now() - start) / MINUTE)));
  };
  await t.app.drainer.drain(); // what the last command or button decided is delivered before the clock moves
  collect();
  for (let i = 0; i < minutes; i += 1) {
    await t.advance(MINUTE);
    collect();
  }
  return received;
}

function asReceived(call: RecordedCall, minute: number): Received {
  return { minute, to: String(call.args.channel), text: String(call.args.text) };
}

/** "minute to" lines for DMs (channels starting with U), easy to compare with a table. */
export function dmTimeline(received: Received[]): string[] {
  return received.filter((r) => r.to.startsWith('U') && r.text.startsWith(':rotating_light:')).map((r) => `${r.minute} ${r.to}`);
}

/** Every timer the bot has set and not yet fired or cancelled. */
export const timerRows = (t: TestApp) => t.store.db.select().from(timers).all();

/** `/oncall page <text>` typed by `user` (Dan unless said): the id of the page it raised, as its answer says. */
export async function commandPage(t: TestApp, text: string, user = 'U0DAN'): Promise<number> {
  const answer = (await t.command('/oncall', `page ${text}`, user)).json() as { text: string };
  return Number(/page #(\d+)/.exec(answer.text)![1]);
}
