/** Acknowledge / Escalate now / Resolve buttons, and /oncall page and /oncall pages. Thin: parse, transact, answer. */
import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { Policy } from '../config/policy.js';
import type { Engine, EngineTx } from '../engine/engine.js';
import type { Logger } from '../logger.js';
import type { CommandReply, SlashCommand } from '../slack/commands.js';
import { answerPrivately } from '../slack/ephemeral.js';
import { pressButton, type ButtonArgs } from '../slack/pre-ack.js';
import { idFrom, staleButton } from '../slack/interaction-input.js';
import { mention, slackDate } from '../slack/format.js';
import type { Clock } from '../time/clock.js';
import { DAY } from '../time/clock.js';
import { instantToWallTime, wallTimeToInstant } from '../time/zoned.js';
import { durationWords } from '../time/duration-words.js';
import { ACK_REACTIONS, PAGE_ACTIONS, viaText } from './page-blocks.js';
import type { PageOutcome, PageService } from './page-service.js';
import { listPages } from './page-store.js';

export interface PagingDeps {
  engine: Engine;
  pager: PageService;
  policy: Policy;
  clock: Clock;
  logger: Logger;
  /** Who is in a user group (src/usergroups); asked again when someone a page's group reached is not in the last list. */
  usergroups?: { isMember(groupId: string, userId: string): Promise<boolean> };
}

/** Slack wants an answer within 3 s: a refresh of a group's members gets at most this long before the decision. */
const MEMBER_REFRESH_BUDGET_MS = 1_500;

/**
 * Before deciding whether someone may act on a page a user group was reached for: if they are not in the last
 * list of any of its groups, ask Slack again (they may have joined since), within the budget.
 */
async function refreshGroupMembership(deps: PagingDeps, pageId: number, userId: string): Promise<void> {
  const { usergroups, engine, pager } = deps;
  if (!usergroups) return;
  const groups = engine.transact((tx) => {
    const page = pager.find(tx, pageId);
    return page && !pager.mayAct(tx, page, userId) ? pager.groupsReached(tx, pageId) : [];
  });
  if (groups.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<void>((resolve) => (timer = setTimeout(resolve, MEMBER_REFRESH_BUDGET_MS)));
  await Promise.race([Promise.all(groups.map((g) => usergroups.isMember(g, userId).catch(() => false))), budget]);
  clearTimeout(timer);
}

export function registerPageActions(bolt: App, deps: PagingDeps): void {
  const { engine, pager, logger } = deps;

  /** A page's button, decided before the ack: two presses at once are serialized, one wins, the other is told. */
  const pressed =
    (act: (tx: EngineTx, id: number, userId: string) => PageOutcome) =>
    async ({ ack, body, action, client }: ButtonArgs): Promise<void> => {
      const userId = body.user.id;
      const id = idFrom((action as { value?: unknown }).value);
      const failure = {
        log: 'page action failed',
        fields: { page: id },
        message: `Something went wrong with page #${id}; nothing changed. Press the button again.`,
      };
      await pressButton({ ack, body, client }, { logger, what: 'a page action', failure }, async () => {
        if (id === null) return { ok: false, message: staleButton('page') };
        await refreshGroupMembership(deps, id, userId);
        return engine.transact((tx) => act(tx, id, userId));
      });
    };

  /** Acknowledge all, on a person's digest (page-digest.ts): its value is the digest's ref. The answer says what was done. */
  async function ackAllPressed({ ack, body, action, client }: ButtonArgs): Promise<void> {
    const value = (action as { value?: unknown }).value;
    const failure = {
      log: 'acknowledge all failed',
      message: 'Something went wrong acknowledging the digest; nothing changed. Press the button again.',
    };
    await pressButton({ ack, body, client }, { logger, what: 'acknowledge all', failure, tell: 'always' }, () =>
      engine.transact((tx) => pager.acknowledgeAll(tx, typeof value === 'string' ? value : '', body.user.id)),
    );
  }

  /** A ✅ on a page's message (its channel line, a chat message, a DM) acknowledges it, as the button does. */
  async function reacted({ event, client }: SlackEventMiddlewareArgs<'reaction_added'> & AllMiddlewareArgs): Promise<void> {
    if (!ACK_REACTIONS.has(event.reaction) || event.item.type !== 'message') return;
    const { channel, ts } = event.item;
    const pageId = engine.transact((tx) => pager.pageOfMessage(tx, channel, ts));
    if (pageId === null) return; // not a page's message (an alert's is handled by the alerts feature)
    await refreshGroupMembership(deps, pageId, event.user);
    const outcome = engine.transact((tx) => pager.acknowledge(tx, pageId, event.user, { via: 'reaction' }));
    if (!outcome.ok) await answerPrivately(client, logger, { channel, user: event.user, text: outcome.message }, 'a reaction');
  }

  bolt.action(
    PAGE_ACTIONS.ack,
    pressed((tx, id, user) => pager.acknowledge(tx, id, user, { via: 'button' })),
  );
  bolt.action(PAGE_ACTIONS.ackAll, ackAllPressed);
  bolt.event('reaction_added', reacted);
  bolt.action(
    PAGE_ACTIONS.escalate,
    pressed((tx, id, user) => pager.escalateNow(tx, id, user)),
  );
  bolt.action(
    PAGE_ACTIONS.resolve,
    pressed((tx, id, user) => pager.resolve(tx, id, user, { via: 'button' })),
  );
}

const PAGE_USAGE =
  '\nUsage: `/oncall page [rotation] [--severity P1] <message>`\nExample: `/oncall page backend --severity P0 checkout returns 500 for everyone`';

export function registerPageCommands(oncall: SlashCommand, deps: PagingDeps): void {
  const { engine, pager, policy, clock } = deps;
  const severities = policy.severities.map((s) => s.id);
  const defaultSeverity = policy.severities[1]!.id;

  oncall.add('page', {
    usage: 'page [rotation] [--severity P1] <message>',
    summary: `page whoever is on call now; the page climbs the escalation chain until someone acknowledges (default ${defaultSeverity})`,
    run: ({ args, userId }): CommandReply => {
      const words = [...args];
      let severity = defaultSeverity;
      const flag = words.findIndex((w) => w === '--severity' || w === '-s' || w.startsWith('--severity='));
      if (flag >= 0) {
        const value = words[flag]!.includes('=') ? words[flag]!.split('=')[1] : words[flag + 1];
        const match = severities.find((s) => s.toLowerCase() === value?.toLowerCase());
        if (!match) return { text: `"${value ?? ''}" is not a severity; use one of ${severities.join(', ')}.${PAGE_USAGE}` };
        severity = match;
        words.splice(flag, words[flag]!.includes('=') ? 1 : 2);
      }
      const names = Object.keys(policy.rotations);
      if (names.length === 0)
        return { text: 'No rotations are defined yet, so there is nobody to page. Add one under `rotations:` in the policy file.' };
      let rotation = names.length === 1 ? names[0]! : undefined;
      if (words[0] && policy.rotations[words[0]]) rotation = words.shift()!;
      if (!rotation) return { text: `Name the rotation to page: ${names.map((n) => `\`${n}\``).join(', ')}.${PAGE_USAGE}` };
      const summary = words.join(' ').trim();
      if (summary.length < 3) return { text: `Say what is wrong, so the person woken up knows where to start.${PAGE_USAGE}` };
      if (summary.length > 300)
        return { text: `Keep the message under 300 characters (it is ${summary.length}); put details in a thread.${PAGE_USAGE}` };
      const page = engine.transact((tx) => pager.create(tx, { rotation, severity, summary, source: 'person', createdBy: userId }));
      return {
        text: `Paging *${rotation}* with ${severity} page #${page.id}: "${summary}". It escalates until someone acknowledges; \`/oncall pages\` shows it.`,
        inChannel: false,
      };
    },
  });

  oncall.add('pages', {
    usage: 'pages [open|today|week]',
    summary: 'pages with their time to acknowledge and ack-SLA breaches',
    run: ({ args }): CommandReply => {
      const which = (args[0] ?? 'open').toLowerCase();
      if (!['open', 'today', 'week'].includes(which))
        return { text: `"${args[0]}" is not a choice: use \`/oncall pages open\`, \`today\` or \`week\`.` };
      const now = clock.now();
      const w = instantToWallTime(policy.timezone, now);
      const midnight = wallTimeToInstant(policy.timezone, { year: w.year, month: w.month, day: w.day, hour: 0, minute: 0 });
      const rows = engine.transact((tx) =>
        listPages(tx.db, which === 'open' ? { status: 'open' } : { since: which === 'today' ? midnight : now - 7 * DAY }, 50),
      );
      if (rows.length === 0)
        return { text: which === 'open' ? 'No open pages.' : `No pages ${which === 'today' ? 'today' : 'in the last 7 days'}.` };
      const lines = rows.map((p) => {
        const ack =
          p.ackedAt !== null
            ? `acked by ${mention(p.ackedBy!)}${viaText(p.ackedVia)} in ${durationWords(p.ackedAt - p.createdAt)}`
            : 'not acknowledged';
        const breach = p.breachedAt !== null ? ' · :warning: ack SLA breached' : '';
        return `#${p.id} [${p.severity}] ${p.summary} · ${p.rotation} · ${slackDate(p.createdAt)} · ${p.status} · ${ack}${breach}`;
      });
      return { text: [`*Pages (${which})*`, ...lines].join('\n') };
    },
  });
}
