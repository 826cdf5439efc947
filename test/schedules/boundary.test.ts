import { describe, expect, it } from 'vitest';
import { parsePolicyText } from '../../src/config/policy.js';
import { FakeClock, HOUR, SECOND } from '../../src/time/clock.js';
import { tempDbPath } from '../support/common.js';
import { TestApp } from '../support/harness.js';
import { SlackStandIn } from '../../src/playground/slack-stand-in.js';

const POLICY = parsePolicyText(
  [
    'rotations:',
    '  backend:',
    '    members: [U0ALICE, U0BOB, U0CAROL]',
    '    shift: { every: 1w, handoff: "mon 09:00", timezone: Europe/London, start: "2026-01-05" }',
    '    channel: C0BACKEND',
    '    usergroup: S0ONCALL',
  ].join('\n'),
  'test.yml',
);

// Monday 2026-03-30 09:00 in London is 08:00 UTC (BST began the day before).
const BOUNDARY = Date.parse('2026-03-30T08:00:00Z');

async function withApps(run: (ctx: { standIn: SlackStandIn; dbPath: string; clock: FakeClock }) => Promise<void>) {
  const db = tempDbPath();
  const standIn = await new SlackStandIn().start();
  try {
    await run({ standIn, dbPath: db.path, clock: new FakeClock(BOUNDARY - HOUR) });
  } finally {
    await standIn.stop();
    db.cleanup();
  }
}

const announcements = (standIn: SlackStandIn) =>
  standIn
    .take('chat.postMessage', (a) => a.channel === 'C0BACKEND' && String(a.text).startsWith(':arrows_counterclockwise:'))
    .map((c) => String(c.args.text));
/** The handoff prompts and reminders around a boundary (test/handoffs covers them). */
const handoffNudges = (standIn: SlackStandIn) =>
  standIn
    .take('chat.postMessage', (a) => /^:(hourglass|bell|wave):/.test(String(a.text)))
    .map((c) => `${String(c.args.channel)} ${String(c.args.text).split(' ')[0]}`);

describe('shift boundaries', () => {
  it('announces at 09:00 local, points the user group at the new primary, and neither skips nor repeats across a restart', async () => {
    await withApps(async ({ standIn, dbPath, clock }) => {
      const first = await TestApp.start({ policy: POLICY, dbPath, standIn, clock });
      clock.set(BOUNDARY - SECOND);
      await first.tick();
      expect(announcements(standIn)).toEqual([]);

      clock.set(BOUNDARY);
      await first.tick();
      const [text] = announcements(standIn);
      // Week of 2026-03-30 is shift 12: 12 mod 3 = 0 -> Alice primary, Bob secondary.
      expect(text).toBe(
        ':arrows_counterclockwise: *backend* shift change: <@U0ALICE> is primary until <!date^1775462400^{date_short_pretty} {time}|6 Apr 2026, 08:00 UTC>; <@U0BOB> is secondary.',
      );
      expect(standIn.take('usergroups.users.update').map((c) => c.args)).toEqual([{ usergroup: 'S0ONCALL', users: 'U0ALICE' }]);
      await first.close({ keepDb: true });

      clock.set(BOUNDARY + 10 * SECOND);
      const second = await TestApp.start({ policy: POLICY, dbPath, standIn, clock });
      await second.tick();
      expect(announcements(standIn)).toEqual([]);

      clock.set(Date.parse('2026-04-06T08:00:00Z'));
      await second.tick();
      expect(announcements(standIn)).toHaveLength(1);
      standIn.take('usergroups.users.update');
      // The prompt an hour before the first boundary and the channel reminder at each; the clock jumped a week, so
      // the 2 h nudge and the next prompt were stale by then and are not sent.
      expect(handoffNudges(standIn)).toEqual(['U0CAROL :hourglass:', 'C0BACKEND :bell:', 'C0BACKEND :bell:']);
      // One weekly report per boundary, none repeated by the restart.
      expect(standIn.take('chat.postMessage', (a) => String(a.text).startsWith('*On-call report for backend:'))).toHaveLength(2);
      expect(standIn.unasserted()).toEqual([]);
      await second.close();
    });
  });

  it('announces once, for the shift in force, when the bot was down across a boundary', async () => {
    await withApps(async ({ standIn, dbPath, clock }) => {
      const first = await TestApp.start({ policy: POLICY, dbPath, standIn, clock });
      await first.close({ keepDb: true });
      clock.set(BOUNDARY + 9 * 24 * HOUR); // down for more than a week: two boundaries passed
      const second = await TestApp.start({ policy: POLICY, dbPath, standIn, clock });
      await second.tick();
      await second.advance(SECOND);
      const texts = announcements(standIn);
      expect(texts).toHaveLength(1);
      expect(texts[0]).toContain('<@U0BOB> is primary');
      // Nor stale handoff prompts for boundaries long past.
      expect(handoffNudges(standIn)).toEqual([]);
      await second.close();
    });
  });
});
