/** Slack side of alerts: the "Not P0" button, :white_check_mark: reactions, /oncall silence and /oncall silences. */
import type { App } from '@slack/bolt';
import { and, gt } from 'drizzle-orm';
import { parseDuration } from '../config/duration.js';
import type { Policy } from '../config/policy.js';
import { silences } from '../db/schema.js';
import type { Engine } from '../engine/engine.js';
import type { Logger } from '../logger.js';
import type { CommandReply, SlashCommand } from '../slack/commands.js';
import { answerPrivately } from '../slack/ephemeral.js';
import { idFrom, staleButton } from '../slack/interaction-input.js';
import { mention, slackDate } from '../slack/format.js';
import { ALERT_ACTIONS } from './alert-blocks.js';
import type { AlertService } from './alert-service.js';

export interface AlertActionDeps {
  engine: Engine;
  alerts: AlertService;
  policy: Policy;
  logger: Logger;
}

const ACK_REACTIONS = new Set(['white_check_mark', 'heavy_check_mark', 'ballot_box_with_check']);
const MAX_SILENCE_MS = 7 * 24 * 3_600_000;

export function registerAlertActions(bolt: App, deps: AlertActionDeps): void {
  const { engine, alerts, logger } = deps;

  bolt.action(ALERT_ACTIONS.notTop, async ({ ack, body, action, client }) => {
    const userId = body.user.id;
    const id = idFrom((action as { value?: unknown }).value);
    const answer = id === null ? staleButton('alert') : engine.transact((tx) => alerts.lowerToRouted(tx, id, userId));
    await ack();
    const channel = (body as { channel?: { id?: string } }).channel?.id;
    if (channel && !answer.endsWith('again.')) {
      await answerPrivately(client, logger, { channel, user: userId, text: answer }, 'Not P0');
    }
  });

  bolt.event('reaction_added', async ({ event, client }) => {
    if (!ACK_REACTIONS.has(event.reaction) || event.item.type !== 'message') return;
    const { channel, ts } = event.item;
    const refusal = engine.transact((tx) => alerts.acknowledgeByReaction(tx, channel, ts, event.user));
    if (refusal) await answerPrivately(client, logger, { channel, user: event.user, text: refusal }, 'a reaction');
  });
}

const SILENCE_USAGE = '\nUsage: `/oncall silence <service> <duration> [reason]`\nExample: `/oncall silence checkout 2h planned database migration`';

export function registerSilenceCommands(oncall: SlashCommand, deps: AlertActionDeps): void {
  const { engine, policy } = deps;
  oncall.add('silence', {
    usage: 'silence <service> <duration> [reason]',
    summary: 'record alerts for a service without paging anyone, for a while (at most 7 days)',
    run: ({ args, userId }): CommandReply => {
      const [service, duration, ...reasonWords] = args;
      if (!service) return { text: `Say which service to silence.${SILENCE_USAGE}` };
      if (policy.services.length > 0 && !policy.services.includes(service)) {
        return { text: `"${service}" is not a service in the policy (${policy.services.join(', ')}).${SILENCE_USAGE}` };
      }
      if (!duration) return { text: `Say for how long, e.g. \`30m\` or \`2h\`.${SILENCE_USAGE}` };
      let ms: number;
      try {
        ms = parseDuration(duration);
      } catch (error) {
        return { text: `${(error as Error).message}.${SILENCE_USAGE}` };
      }
      if (ms > MAX_SILENCE_MS) return { text: `A silence lasts at most 7 days; "${duration}" is longer.${SILENCE_USAGE}` };
      const reason = reasonWords.join(' ').trim() || 'no reason given';
      const row = engine.transact((tx) =>
        tx.db.insert(silences).values({ service, reason, createdBy: userId, startsAt: tx.now, endsAt: tx.now + ms, createdAt: tx.now }).returning().get(),
      );
      return {
        text: `Silence #${row.id}: alerts for *${service}* are recorded and shown but page nobody until ${slackDate(row.endsAt)} (${reason}). It ends by itself.`,
        inChannel: true,
      };
    },
  });

  oncall.add('silences', {
    usage: 'silences',
    summary: 'the silences in force',
    run: (): CommandReply => {
      const active = engine.transact((tx) => tx.db.select().from(silences).where(and(gt(silences.endsAt, tx.now))).all());
      if (active.length === 0) return { text: 'No silences in force: every alert pages.' };
      return { text: ['*Silences in force*', ...active.map((s) => `#${s.id} *${s.service}* until ${slackDate(s.endsAt)} by ${mention(s.createdBy)}: ${s.reason}`)].join('\n') };
    },
  });
}
