/** /handoff, its modal, and the buttons (write it, "Handoff received, I'm on", "I'll cover secondary"). Thin. */
import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { Policy } from '../config/policy.js';
import type { Engine, EngineTx } from '../engine/engine.js';
import type { Logger } from '../logger.js';
import { isShiftBoundary } from '../schedules/rotation.js';
import type { CommandInvocation, CommandReply, SlashCommand } from '../slack/commands.js';
import { formDidNotOpen } from '../slack/ephemeral.js';
import { formErrors, pressButton, submitForm, type ButtonArgs, type FormOutcome, type ViewSubmission } from '../slack/pre-ack.js';
import { buttonValue, idFrom, metadataOf, staleButton, textOf, viewValues } from '../slack/interaction-input.js';
import { mention, slackDate } from '../slack/format.js';
import { fieldBlockId, HANDOFF_ACTIONS, HANDOFF_VIEW, handoffModal, type HandoffTarget } from './handoff-blocks.js';
import { parsePromptButtonValue } from './handoff-refs.js';
import type { HandoffOutcome, HandoffService } from './handoff-service.js';
import { pagesText, prefillFields, shiftIncidentsText } from './prefill.js';

export interface HandoffDeps {
  engine: Engine;
  handoffs: HandoffService;
  policy: Policy;
  logger: Logger;
  openView(triggerId: string, view: Record<string, unknown>): Promise<void>;
}

/** The handoff form's private_metadata: the shift change it is for. */
const handoffTargetSchema = z.object({
  rotation: z.string(),
  boundary: z.number(),
  outgoing: z.string().nullable(),
  incoming: z.string().nullable(),
});

const HANDOFF_FORM_FAILED = {
  log: 'posting a handoff from the form failed',
  message: 'Something went wrong posting the handoff, and nothing was posted. Please try again.',
};

const HISTORY_DEFAULT = 5;
const HISTORY_MAX = 50;

function buildModal(tx: EngineTx, deps: HandoffDeps, target: HandoffTarget): Record<string, unknown> {
  const rotation = deps.policy.rotations[target.rotation]!;
  const fields = deps.policy.handoffTemplates[rotation.handoffTemplate] ?? [];
  const facts = deps.handoffs.facts(tx, target);
  const shiftSummary = `*Incidents this shift*\n${shiftIncidentsText(facts)}\n*Pages this shift*\n${pagesText(facts)}`;
  return handoffModal({ ...target, fields, values: prefillFields(fields, facts), shiftSummary });
}

export function registerHandoffCommands(command: SlashCommand, deps: HandoffDeps): void {
  const { engine, handoffs, policy } = deps;
  const names = Object.keys(policy.rotations);
  const known = () => (names.length ? names.join(', ') : 'none: add rotations to the policy');

  /** A rotation named in the words, or the one this person is primary of, or the only one. */
  const pickRotation = (tx: EngineTx, word: string | undefined, userId: string): { rotation: string; rest: boolean } | CommandReply => {
    if (word && policy.rotations[word]) return { rotation: word, rest: true };
    const mine = handoffs.rotationOf(tx, userId) ?? (names.length === 1 ? names[0]! : null);
    if (mine) return { rotation: mine, rest: false };
    return { text: `Which rotation? You are not primary of exactly one. Name it: \`/handoff <rotation>\` (rotations: ${known()}).` };
  };

  command.otherwise(
    '[rotation]',
    'open the handoff form for the coming shift change, prefilled from your shift',
    async (inv: CommandInvocation) => {
      const [word] = inv.args;
      if (word && !policy.rotations[word]) return null; // neither a rotation nor a subcommand: the usage says what is
      const modal = engine.transact((tx) => {
        const picked = pickRotation(tx, word, inv.userId);
        if (!('rotation' in picked)) return picked;
        const target = handoffs.currentTarget(tx, picked.rotation)!;
        // Said before the form is written, not after.
        if (!handoffs.mayHandOff(target, inv.userId)) return { text: handoffs.handOffRefusal(target) };
        return buildModal(tx, deps, target);
      });
      if ('text' in modal && typeof modal.text === 'string') return modal as CommandReply;
      await deps.openView(inv.triggerId, modal as Record<string, unknown>);
      return { text: '', silent: true };
    },
  );

  command.add('emergency', {
    usage: 'emergency [rotation] [reason]',
    summary: 'leave mid-shift: the secondary becomes primary until the shift ends, and the channel is asked who covers secondary',
    run: (inv): CommandReply =>
      engine.transact((tx) => {
        const picked = pickRotation(tx, inv.args[0], inv.userId);
        if (!('rotation' in picked)) return picked;
        const reason = inv.args
          .slice(picked.rest ? 1 : 0)
          .join(' ')
          .trim();
        return { text: handoffs.emergency(tx, picked.rotation, inv.userId, reason, inv.channelId).message };
      }),
  });

  command.add('history', {
    usage: 'history [rotation] [n]',
    summary: `past handoffs, newest first (${HISTORY_DEFAULT} unless you say how many)`,
    run: ({ args }): CommandReply =>
      engine.transact((tx) => {
        const words = [...args];
        const rotation = words[0] && !/^\d+$/.test(words[0]) ? words.shift()! : null;
        if (rotation && !policy.rotations[rotation])
          return { text: `"${rotation}" is not a rotation (rotations: ${known()}). Usage: \`/handoff history [rotation] [n]\`.` };
        const n = words[0] ? Number(words[0]) : HISTORY_DEFAULT;
        if (!Number.isInteger(n) || n < 1 || n > HISTORY_MAX)
          return {
            text: `How many? A number from 1 to ${HISTORY_MAX}, e.g. \`/handoff history ${rotation ?? names[0] ?? 'backend'} 10\`.`,
          };
        const rows = handoffs.history(tx, rotation, n);
        if (rows.length === 0) return { text: `No handoffs${rotation ? ` for *${rotation}*` : ''} yet.` };
        const lines = rows.map((h) => {
          const kind = h.emergencyReason ? `:sos: emergency (${h.emergencyReason})` : 'handoff';
          const confirmed = h.confirmedBy ? `confirmed by ${mention(h.confirmedBy)}` : '*not confirmed*';
          const link = handoffs.messageOf(tx, h.id);
          const where = link ? ` <https://slack.com/archives/${link.channel}/p${link.ts.replace('.', '')}|view>` : '';
          return `• ${slackDate(h.boundary)} *${h.rotation}* ${kind}: ${h.outgoing ? mention(h.outgoing) : 'nobody'} → ${h.incoming ? mention(h.incoming) : 'nobody'}, ${confirmed}${where}`;
        });
        return { text: [`*Handoffs${rotation ? ` for ${rotation}` : ''}* (newest first)`, ...lines].join('\n') };
      }),
  });
}

/** A handoff form's submission, checked: the errors to show on it (in this order), or what to post where. */
function checkHandoffForm(
  deps: HandoffDeps,
  view: ViewSubmission['view'],
  userId: string,
): FormOutcome<{ target: HandoffTarget; written: Array<{ label: string; value: string }>; channel: string }> {
  const { handoffs, policy } = deps;
  const target = metadataOf(view.private_metadata, handoffTargetSchema);
  const rotation = target ? policy.rotations[target.rotation] : undefined;
  if (!target || (rotation && !isShiftBoundary(rotation, target.boundary)))
    return {
      errors: {
        [fieldBlockId(0)]: 'This form does not name a shift change I know (it is out of date). Close it and run `/handoff` again.',
      },
    };
  const fields = rotation ? (policy.handoffTemplates[rotation.handoffTemplate] ?? []) : [];
  const values = viewValues(view);
  const written = fields.map((field, n) => ({ label: field.label, value: (textOf(values, fieldBlockId(n)) ?? '').trim() }));
  const errors: Record<string, string> = {};
  written.forEach((w, n) => {
    if (fields[n]!.required && !w.value)
      errors[fieldBlockId(n)] =
        `"${fields[n]!.label}" is required${fields[n]!.hint ? `: ${fields[n]!.hint}` : ''}. Write "None" if there is nothing.`;
  });
  const channel = rotation?.channel ?? rotation?.alertsChannel ?? policy.channels.incidents;
  if (!handoffs.mayHandOff(target, userId)) return { errors: { [fieldBlockId(0)]: handoffs.handOffRefusal(target) } };
  if (!rotation || !channel)
    return {
      errors: {
        [fieldBlockId(0)]: rotation
          ? `*${target.rotation}* has no channel in the policy to post the handoff in.`
          : `*${target.rotation}* is no longer a rotation in the policy.`,
      },
    };
  return formErrors(errors) ?? { done: { target, written, channel } };
}

export function registerHandoffActions(bolt: App, deps: HandoffDeps): void {
  const { engine, handoffs, logger } = deps;

  /** "Write the handoff": the form, prefilled with the shift's incidents and pages (after the ack: it reads only). */
  async function openPressed({ ack, body, action, client }: ButtonArgs): Promise<void> {
    await ack();
    const named = parsePromptButtonValue(buttonValue(action));
    const modal = engine.transact((tx) => {
      const target = named ? handoffs.targetFor(tx, named.rotation, named.boundary) : null;
      return target ? buildModal(tx, deps, target) : null;
    });
    if (modal)
      await deps
        .openView((body as { trigger_id: string }).trigger_id, modal)
        .catch((error: unknown) => formDidNotOpen(client, logger, body, error, 'the handoff form'));
  }

  /** A handoff button decided before the ack: the presser hears only a refusal. */
  const pressed =
    (name: string, act: (tx: EngineTx, id: number, userId: string) => HandoffOutcome) =>
    async ({ ack, body, action, client }: ButtonArgs): Promise<void> => {
      const id = idFrom((action as { value?: unknown }).value);
      const failure = {
        log: `handoff ${name} failed`,
        fields: { handoff: id },
        message: `Something went wrong with handoff #${id}; nothing changed. Press the button again.`,
      };
      await pressButton({ ack, body, client }, { logger, what: 'a handoff button', failure }, () =>
        id === null ? { ok: false, message: staleButton('handoff') } : engine.transact((tx) => act(tx, id, body.user.id)),
      );
    };

  /** The form, checked and posted before the ack: a problem is shown on its field and the form stays open. */
  async function handoffSubmitted({ ack, body, view }: ViewSubmission): Promise<void> {
    await submitForm(ack, { logger, failureBlock: fieldBlockId(0), failure: HANDOFF_FORM_FAILED }, () => {
      const checked = checkHandoffForm(deps, view, body.user.id);
      if ('errors' in checked) return checked;
      const { target, written, channel } = checked.done;
      engine.transact((tx) => handoffs.post(tx, target, body.user.id, written, channel));
      return checked;
    });
  }

  bolt.action(HANDOFF_ACTIONS.open, openPressed);
  bolt.action(
    HANDOFF_ACTIONS.confirm,
    pressed('confirm', (tx, id, userId) => handoffs.confirm(tx, id, userId)),
  );
  bolt.action(
    HANDOFF_ACTIONS.cover,
    pressed('cover', (tx, id, userId) => handoffs.coverSecondary(tx, id, userId)),
  );
  bolt.view(HANDOFF_VIEW, handoffSubmitted);
}
