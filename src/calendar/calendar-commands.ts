/** /oncall calendar [reset]: the person's feed links, shown once when made; reset makes new ones and kills the old. */
import type { Policy } from '../config/policy.js';
import type { Db } from '../db/connection.js';
import type { SlashCommand } from '../slack/commands.js';
import { slackDate } from '../slack/format.js';
import type { Clock } from '../time/clock.js';
import { FEED_WEEKS } from './calendar-feed.js';
import { tokenIssuedAt } from './calendar-token-store.js';
import { issueToken } from './calendar-tokens.js';

export interface CalendarCommandDeps {
  db: Db;
  policy: Policy;
  clock: Clock;
  publicUrl: string;
}

export function registerCalendarCommand(oncall: SlashCommand, deps: CalendarCommandDeps): void {
  const { db, policy, clock } = deps;
  const base = deps.publicUrl.replace(/\/+$/, '');
  const links = (token: string) =>
    [
      `• Your own shifts: ${base}/calendar/me.ics?token=${token}`,
      ...Object.keys(policy.rotations).map((name) => `• *${name}*: ${base}/calendar/${encodeURIComponent(name)}.ics?token=${token}`),
    ].join('\n');
  const made = (token: string, what: string) => ({
    text:
      `${what} Subscribe to one of these in your calendar (Google: "From URL"; Outlook: "Subscribe from web"); each shows the next ${FEED_WEEKS} weeks of shifts:\n${links(token)}\n` +
      'Keep them to yourself: anyone with a link sees the schedule. `/oncall calendar reset` replaces them and the old links stop working.',
  });

  oncall.add('calendar', {
    usage: 'calendar [reset]',
    summary: `links to subscribe to the shifts in your calendar (${FEED_WEEKS} weeks ahead); reset replaces them`,
    run: ({ args, userId }) => {
      const word = args[0]?.toLowerCase();
      if (word === 'reset') return made(issueToken(db, userId, clock.now()), 'Your calendar links are new; the old ones no longer work.');
      if (word !== undefined)
        return {
          text: `"${args.join(' ')}" is not something \`/oncall calendar\` takes. Usage: \`/oncall calendar\` for your links, \`/oncall calendar reset\` for new ones.`,
        };
      const since = tokenIssuedAt(db, userId);
      // Only a hash is kept, so an existing link cannot be shown again: say so instead of silently replacing it.
      if (since !== null)
        return {
          text: `You made your calendar links ${slackDate(since)}. They are not stored in a form that can be shown again; \`/oncall calendar reset\` makes new ones (the old stop working).`,
        };
      return made(issueToken(db, userId, clock.now()), 'Your calendar links are ready.');
    },
  });
}
