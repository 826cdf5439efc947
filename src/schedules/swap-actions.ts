/**
 * /oncall swap and its Accept / Decline buttons. Handlers ack at once, then gather -> decide -> apply in
 * one transaction; messages go through the outbox, refusals are answered directly and only to the presser.
 */
import type { App } from '@slack/bolt';
import type { Policy } from '../config/policy.js';
import type { Engine, EngineTx } from '../engine/engine.js';
import { PRIORITY } from '../engine/outbox.js';
import type { Logger } from '../logger.js';
import type { SlashCommand } from '../slack/commands.js';
import { answerPrivately } from '../slack/ephemeral.js';
import { idFrom, staleButton } from '../slack/interaction-input.js';
import { mention, parseMention, slackDate } from '../slack/format.js';
import type { Clock } from '../time/clock.js';
import { parseWhen } from './date-input.js';
import { activeOverrides, insertOverride, type ScheduleChanged } from './override-store.js';
import { describeSwap, planSwap, swapOutcomeBlocks, swapRequestBlocks, SWAP_ACTIONS, SWAP_EXPIRY_TIMER } from './swap.js';
import { decideSwap, findSwap, insertSwap, type SwapRow } from './swap-store.js';

export interface SwapDeps {
  engine: Engine;
  policy: Policy;
  clock: Clock;
  logger: Logger;
  userZone(userId: string): Promise<string>;
  scheduleChanged: ScheduleChanged;
}

const USAGE = '\nUsage: `/oncall swap @other <date in your shift> [rotation]`\nExample: `/oncall swap @bob 2026-12-14`';

const swapRef = (id: number) => `swap:${id}`;

function rotationsOf(policy: Policy, userId: string) {
  return Object.values(policy.rotations).filter((r) => r.members.includes(userId));
}

export function registerSwapCommand(oncall: SlashCommand, deps: SwapDeps): void {
  const { engine, policy, clock } = deps;
  oncall.add('swap', {
    usage: 'swap @other <date in your shift> [rotation]',
    summary: 'propose a shift trade; it happens only when the other person accepts',
    run: async ({ args, userId }) => {
      const partner = parseMention(args[0]);
      if (!partner)
        return {
          text: `${args[0] ? `"${args[0]}" is not a person; mention them with @.` : 'Say who you want to swap with, with an @mention.'}${USAGE}`,
        };
      const when = parseWhen(args.slice(1), await deps.userZone(userId), clock.now());
      if (!when.ok) return { text: `${when.error}.${USAGE}` };
      const named = args[1 + when.consumed];
      const mine = rotationsOf(policy, userId);
      const rotation = named ? policy.rotations[named] : mine.length === 1 ? mine[0] : undefined;
      if (!rotation) {
        return {
          text: `${named ? `There is no rotation \`${named}\`.` : mine.length === 0 ? 'You are not in any rotation.' : `Name the rotation: ${mine.map((r) => `\`${r.name}\``).join(', ')}.`}${USAGE}`,
        };
      }
      return engine.transact((tx) => {
        const planned = planSwap(rotation, activeOverrides(tx.db, tx.now), userId, partner, when.instant, tx.now);
        if (!planned.ok) return { text: `${planned.error}${USAGE}` };
        const id = insertSwap(tx.db, tx.now, planned.plan);
        tx.schedule(SWAP_EXPIRY_TIMER.spec({ subject: swapRef(id), dueAt: planned.plan.expiresAt, payload: { id } }));
        tx.enqueue({
          method: 'chat.postMessage',
          args: {
            channel: partner,
            text: `Swap request #${id} from <@${userId}>: ${describeSwap(planned.plan)}`,
            blocks: swapRequestBlocks(id, planned.plan),
          },
          priority: PRIORITY.notice,
          ref: swapRef(id),
        });
        return {
          text: `Swap request #${id} sent to ${mention(partner)}: ${describeSwap(planned.plan)} Nothing changes until they accept (by ${slackDate(planned.plan.expiresAt)}).`,
        };
      });
    },
  });
}

function closeRequest(tx: EngineTx, row: SwapRow, outcome: string): void {
  tx.cancel(swapRef(row.id), SWAP_EXPIRY_TIMER.kind);
  tx.enqueue({
    method: 'chat.update',
    args: { text: `Swap request #${row.id}: ${outcome}`, blocks: swapOutcomeBlocks(row.id, row, outcome) },
    priority: PRIORITY.cosmetic,
    targetRef: swapRef(row.id),
  });
}

export function registerSwapActions(bolt: App, deps: SwapDeps): void {
  const { engine, policy, logger } = deps;

  engine.on(SWAP_EXPIRY_TIMER, (timer, tx) => {
    const id = timer.payload.id;
    const row = findSwap(tx.db, id);
    if (!row || !decideSwap(tx.db, id, 'expired', tx.now)) return;
    closeRequest(tx, row, `expired unanswered at ${slackDate(tx.now)}; the schedule is unchanged.`);
    tx.enqueue({
      method: 'chat.postMessage',
      args: {
        channel: row.requester,
        text: `Your swap request #${id} to ${mention(row.partner)} expired unanswered; the schedule is unchanged.`,
      },
      priority: PRIORITY.notice,
    });
  });

  const answer =
    (decision: 'accepted' | 'declined') =>
    async ({ ack, body, action, client }: Parameters<Parameters<App['action']>[1]>[0]) => {
      // The decision is one short SQLite transaction, made before the ack so the answer Slack gets reflects it.
      const userId = body.user.id;
      const id = idFrom((action as { value?: unknown }).value);
      const channel = (body as { channel?: { id?: string } }).channel?.id ?? userId;
      const decide = (id: number) =>
        engine.transact((tx): string | null => {
          const row = findSwap(tx.db, id);
          if (!row) return `Swap request #${id} does not exist any more.`;
          if (userId !== row.partner) return `Only ${mention(row.partner)} can answer swap request #${id}; it was sent to them.`;
          if (row.status !== 'pending') return `Swap request #${id} was already ${row.status}.`;
          if (tx.now >= row.expiresAt) {
            decideSwap(tx.db, id, 'expired', tx.now);
            closeRequest(tx, row, 'expired before it was answered; the schedule is unchanged.');
            return `Swap request #${id} had expired; ask ${mention(row.requester)} to propose it again.`;
          }
          decideSwap(tx.db, id, decision, tx.now);
          if (decision === 'declined') {
            closeRequest(tx, row, `declined by ${mention(userId)} at ${slackDate(tx.now)}; the schedule is unchanged.`);
            tx.enqueue({
              method: 'chat.postMessage',
              args: { channel: row.requester, text: `${mention(userId)} declined your swap request #${id}; the schedule is unchanged.` },
              priority: PRIORITY.notice,
            });
            return null;
          }
          const base = { rotation: row.rotation, role: row.role, reason: 'swap' as const, createdBy: row.requester };
          insertOverride(tx.db, tx.now, { ...base, userId: row.partner, startsAt: row.shiftStart, endsAt: row.shiftEnd });
          if (row.returnStart !== null && row.returnEnd !== null) {
            insertOverride(tx.db, tx.now, { ...base, userId: row.requester, startsAt: row.returnStart, endsAt: row.returnEnd });
          }
          deps.scheduleChanged(tx);
          closeRequest(tx, row, `accepted by ${mention(userId)} at ${slackDate(tx.now)}; the schedule is changed.`);
          const told = `:repeat: Swap agreed: ${describeSwap(row)}`;
          const rotationChannel = policy.rotations[row.rotation]?.channel;
          if (rotationChannel)
            tx.enqueue({ method: 'chat.postMessage', args: { channel: rotationChannel, text: told }, priority: PRIORITY.notice });
          tx.enqueue({
            method: 'chat.postMessage',
            args: { channel: row.requester, text: `${mention(userId)} accepted your swap request #${id}. ${told}` },
            priority: PRIORITY.notice,
          });
          return null;
        });
      let refusal: string | null;
      try {
        refusal = id === null ? staleButton('swap request') : decide(id);
      } catch (error) {
        logger.error({ err: error, swap: id }, 'swap answer failed');
        refusal = `Something went wrong recording your answer to swap request #${id}; nothing changed. Press the button again.`;
      }
      await ack();
      if (refusal) {
        await answerPrivately(client, logger, { channel, user: userId, text: refusal }, 'a swap button');
      }
    };

  bolt.action(SWAP_ACTIONS.accept, answer('accepted'));
  bolt.action(SWAP_ACTIONS.decline, answer('declined'));
}
