/**
 * /oncall swap and its Accept / Decline buttons. A button is decided before its ack (slack/pre-ack.ts): gather ->
 * decide -> apply in one transaction; messages go through the outbox, refusals are answered directly and only
 * to the presser.
 */
import type { App } from '@slack/bolt';
import type { Policy } from '../config/policy.js';
import type { EventSink } from '../engine/effects.js';
import type { Engine, EngineTx } from '../engine/engine.js';
import type { Logger } from '../logger.js';
import type { SlashCommand } from '../slack/commands.js';
import { pressButton, type ButtonArgs } from '../slack/pre-ack.js';
import { idFrom, staleButton } from '../slack/interaction-input.js';
import { parseMention } from '../slack/format.js';
import type { Clock } from '../time/clock.js';
import { parseWhen } from './date-input.js';
import { SWAP_ACTIONS, SWAP_EXPIRY_TIMER, SWAP_USAGE as USAGE } from './swap.js';
import { applySwapEffects } from './swap-apply.js';
import { decideSwapCommand, type SwapCommand, type SwapEvent } from './swap-decide.js';
import { gatherSwapState } from './swap-gather.js';

export interface SwapDeps {
  engine: Engine;
  policy: Policy;
  clock: Clock;
  logger: Logger;
  userZone(userId: string): Promise<string>;
  /** `shift.changed` when an accepted swap writes its overrides, told through the table in src/app.ts. */
  events: EventSink<SwapEvent>;
}

/** Gather, decide, apply: the one path of every swap command, answer and expiry. */
function runSwap(tx: EngineTx, deps: SwapDeps, command: SwapCommand): string | null {
  const decision = decideSwapCommand(gatherSwapState(tx, command), command, deps.policy, tx.now);
  applySwapEffects(tx, decision.effects, deps.events);
  return decision.reply;
}

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
      return {
        text:
          engine.transact((tx) =>
            runSwap(tx, deps, { kind: 'request', rotation: rotation.name, requester: userId, partner, date: when.instant }),
          ) ?? '',
      };
    },
  });
}

export function registerSwapActions(bolt: App, deps: SwapDeps): void {
  const { engine, logger } = deps;

  engine.on(SWAP_EXPIRY_TIMER, (timer, tx) => void runSwap(tx, deps, { kind: 'expire', id: timer.payload.id }));

  /** Accept or Decline, decided before the ack (one short transaction) so the answer Slack gets reflects it. */
  const answered =
    (decision: 'accepted' | 'declined') =>
    async ({ ack, body, action, client }: ButtonArgs): Promise<void> => {
      const userId = body.user.id;
      const id = idFrom((action as { value?: unknown }).value);
      const failure = {
        log: 'swap answer failed',
        fields: { swap: id },
        message: `Something went wrong recording your answer to swap request #${id}; nothing changed. Press the button again.`,
      };
      await pressButton({ ack, body, client }, { logger, what: 'a swap button', failure }, () => {
        if (id === null) return { ok: false, message: staleButton('swap request') };
        const refusal = engine.transact((tx) => runSwap(tx, deps, { kind: 'answer', id, by: userId, answer: decision }));
        return refusal ? { ok: false, message: refusal } : { ok: true };
      });
    };

  bolt.action(SWAP_ACTIONS.accept, answered('accepted'));
  bolt.action(SWAP_ACTIONS.decline, answered('declined'));
}
