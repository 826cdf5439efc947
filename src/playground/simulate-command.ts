/**
 * `/oncall simulate P1 "sat 03:00" [rotation] [ack-after 50m]`: the simulator's answer, shown only to the
 * caller. The simulation runs a bot of its own (in-memory store, its own stand-in and fake clock), so it
 * never pages anyone and never writes to the live database. Times are read in the caller's Slack zone.
 */
import type { Policy } from '../config/policy.js';
import type { Logger } from '../logger.js';
import type { CommandReply, SlashCommand } from '../slack/commands.js';
import type { Clock } from '../time/clock.js';
import { isValidTimeZone } from '../time/zoned.js';
import { parseSlackSimulate, SLACK_USAGE } from './simulator-args.js';
import { renderSlack } from './simulator-timeline.js';
import { simulate, type AppFactory } from './simulator.js';

export interface SimulateCommandDeps {
  policy: Policy;
  clock: Clock;
  logger: Logger;
  /** The caller's Slack time zone (the team's when Slack cannot say). */
  userZone(userId: string): Promise<string>;
  /** createOncallApp, passed in so this file does not import the app that imports it. */
  createApp: AppFactory;
}

export function registerSimulateCommand(oncall: SlashCommand, deps: SimulateCommandDeps): void {
  const { policy, clock } = deps;
  // The simulated bot's own log lines: only what would be worth a look (a warning or an error).
  const logger = deps.logger.child({ component: 'simulation' }, { level: 'warn' });
  oncall.add('simulate', {
    usage: 'simulate <severity> <when> [rotation] [ack-after 50m]',
    summary:
      'a dry run: who the policy pages when, if a page of that severity fired then (nobody is paged; e.g. `/oncall simulate P1 "sat 03:00"`)',
    run: async ({ args, userId }): Promise<CommandReply> => {
      const zone = await deps.userZone(userId);
      const parsed = parseSlackSimulate(args, policy, clock.now(), isValidTimeZone(zone) ? zone : policy.timezone);
      if (!parsed.ok) return { text: `${capitalized(parsed.problem.message)}.\n${SLACK_USAGE}` };
      const record = await simulate({ createApp: deps.createApp, policy, logger }, parsed.value);
      return { text: renderSlack(record, policy) };
    },
  });
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
