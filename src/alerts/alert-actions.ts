/** Slack side of alerts: the "Not P0" button, :white_check_mark: reactions, /oncall alerts, silence, unsilence and silences. */
import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from '@slack/bolt';
import { parseDuration } from '../config/duration.js';
import type { Policy } from '../config/policy.js';
import type { Engine } from '../engine/engine.js';
import type { Logger } from '../logger.js';
import { mayActFor, refusal } from '../permissions/who-may.js';
import type { CommandReply, SlashCommand } from '../slack/commands.js';
import { answerPrivately } from '../slack/ephemeral.js';
import { pressButton, type ButtonArgs } from '../slack/pre-ack.js';
import { ACK_REACTIONS } from '../paging/page-blocks.js';
import { idFrom, staleButton } from '../slack/interaction-input.js';
import { mention, slackDate } from '../slack/format.js';
import { ALERT_ACTIONS } from './alert-blocks.js';
import type { AlertService } from './alert-service.js';
import { endSilence, findSilence, insertSilence, silencesNotEnded } from './alert-store.js';
import { openGroups } from './alert-group-store.js';
import { rotationsForService } from './routing.js';

export interface AlertActionDeps {
  engine: Engine;
  alerts: AlertService;
  policy: Policy;
  logger: Logger;
}

const MAX_SILENCE_MS = 7 * 24 * 3_600_000;

export function registerAlertActions(bolt: App, deps: AlertActionDeps): void {
  const { engine, alerts, logger } = deps;

  /**
   * "Not P0": the group is lowered to routed, decided before the ack. Done, the alerts channel is told;
   * otherwise only the presser hears why not.
   */
  async function notTopPressed({ ack, body, action, client }: ButtonArgs): Promise<void> {
    const id = idFrom((action as { value?: unknown }).value);
    const failure = {
      log: 'Not P0 failed',
      fields: { alertGroup: id },
      message: `Something went wrong lowering alert group #${id}; nothing changed. Press the button again.`,
    };
    await pressButton({ ack, body, client }, { logger, what: 'Not P0', failure }, () =>
      id === null ? { ok: false, message: staleButton('alert') } : engine.transact((tx) => alerts.lowerToRouted(tx, id, body.user.id)),
    );
  }

  /** A ✅ on an alert group's message acknowledges the group and its page (a page's own messages are the paging feature's). */
  async function reacted({ event, client }: SlackEventMiddlewareArgs<'reaction_added'> & AllMiddlewareArgs): Promise<void> {
    if (!ACK_REACTIONS.has(event.reaction) || event.item.type !== 'message') return;
    const { channel, ts } = event.item;
    const refusal = engine.transact((tx) => alerts.acknowledgeByReaction(tx, channel, ts, event.user));
    if (refusal) await answerPrivately(client, logger, { channel, user: event.user, text: refusal }, 'a reaction');
  }

  bolt.action(ALERT_ACTIONS.notTop, notTopPressed);
  bolt.event('reaction_added', reacted);
}

/** Who may silence a service: members of the rotations its alerts can page (any rotation when none can), and admins. */
function silencedRotations(policy: Policy, service: string): string[] {
  const reached = rotationsForService(policy, service);
  return reached.length ? reached : Object.keys(policy.rotations);
}

const SILENCE_USAGE =
  '\nUsage: `/oncall silence <service> <duration> [reason]`\nExample: `/oncall silence checkout 2h planned database migration`';

/** How many open groups `/oncall alerts` lists, latest seen first. */
const GROUPS_LISTED = 30;

export function registerSilenceCommands(oncall: SlashCommand, deps: AlertActionDeps): void {
  const { engine, policy, alerts } = deps;
  oncall.add('alerts', {
    usage: 'alerts',
    summary: 'the open alert groups: how many alerts each holds, first and last seen, its page and where it stands',
    run: ({ args }): CommandReply => {
      if (args.length > 0)
        return { text: `\`/oncall alerts\` takes no arguments (got "${args.join(' ')}"): it lists every open alert group.` };
      const listed = engine.transact((tx) =>
        openGroups(tx.db, GROUPS_LISTED + 1).map((group) => ({
          group,
          page: group.pageId === null ? null : alerts.pageOf(tx, group.pageId),
        })),
      );
      if (listed.length === 0) return { text: 'No open alert groups: nothing is firing.' };
      const lines = listed.slice(0, GROUPS_LISTED).map(({ group, page }) => {
        const state =
          page === null
            ? group.silenceId !== null
              ? 'silenced, no page'
              : 'no page'
            : page.status === 'acknowledged' && page.ackedBy
              ? `page #${page.id} acknowledged by ${mention(page.ackedBy)}`
              : `page #${page.id} ${page.status}`;
        return `#${group.id} [${group.severity}] ${group.summary} · ${group.service ?? 'no service'} · ${group.integration} · ${group.count} alert${group.count === 1 ? '' : 's'} (${group.openCount} firing) · first ${slackDate(group.firstSeenAt)} · last ${slackDate(group.lastSeenAt)} · ${state}${group.incidentId ? ` · incident #${group.incidentId}` : ''}`;
      });
      const more = listed.length > GROUPS_LISTED ? [`… and more: the ${GROUPS_LISTED} seen most recently are listed.`] : [];
      return { text: ['*Open alert groups*', ...lines, ...more].join('\n') };
    },
  });

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
      const rotations = silencedRotations(policy, service);
      if (!mayActFor(policy, rotations, userId)) return { text: refusal(policy, { rotations }, `silence *${service}*`) };
      const reason = reasonWords.join(' ').trim() || 'no reason given';
      const row = engine.transact((tx) =>
        insertSilence(tx.db, tx.now, { service, reason, createdBy: userId, startsAt: tx.now, endsAt: tx.now + ms }),
      );
      return {
        text: `Silence #${row.id}: alerts for *${service}* are recorded and shown but page nobody until ${slackDate(row.endsAt)} (${reason}). It ends by itself.`,
        inChannel: true,
      };
    },
  });

  oncall.add('unsilence', {
    usage: 'unsilence <silence id>',
    summary: 'end a silence early: alerts for its service page again',
    run: ({ args, userId }): CommandReply => {
      const id = Number(args[0]?.replace(/^#/, ''));
      if (!args[0] || !Number.isInteger(id) || id <= 0)
        return { text: 'Say which silence, by its number: `/oncall unsilence 3` (`/oncall silences` lists them).' };
      return engine.transact((tx) => {
        const row = findSilence(tx.db, id);
        if (!row || row.endsAt <= tx.now) return { text: `There is no silence #${id} in force; \`/oncall silences\` lists them.` };
        const rotations = silencedRotations(policy, row.service);
        if (userId !== row.createdBy && !mayActFor(policy, rotations, userId)) {
          return { text: refusal(policy, { rotations, also: [`whoever made it (${mention(row.createdBy)})`] }, `end silence #${id}`) };
        }
        // Ending it now is enough: a silence counts only while now < ends_at.
        endSilence(tx.db, id, tx.now);
        return { text: `Silence #${id} ended early by ${mention(userId)}: alerts for *${row.service}* page again.`, inChannel: true };
      });
    },
  });

  oncall.add('silences', {
    usage: 'silences',
    summary: 'the silences in force',
    run: (): CommandReply => {
      const active = engine.transact((tx) => silencesNotEnded(tx.db, tx.now));
      if (active.length === 0) return { text: 'No silences in force: every alert pages.' };
      return {
        text: [
          '*Silences in force*',
          ...active.map((s) => `#${s.id} *${s.service}* until ${slackDate(s.endsAt)} by ${mention(s.createdBy)}: ${s.reason}`),
        ].join('\n'),
      };
    },
  });
}
