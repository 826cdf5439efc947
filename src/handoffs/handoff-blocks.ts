/** Block Kit for handoffs: the modal, the posted handoff with its confirm button, prompts and reminders. Pure. */
import type { HandoffField } from '../config/policy.js';
import { askingMessage } from '../slack/blocks.js';
import { cut, mention, slackDate } from '../slack/format.js';
import { promptButtonValue } from './handoff-refs.js';

export const HANDOFF_VIEW = 'handoff.submit';
export const HANDOFF_ACTIONS = { open: 'handoff.open', confirm: 'handoff.confirm', cover: 'handoff.cover_secondary' } as const;

const plain = (text: string, max = 75) => ({ type: 'plain_text' as const, text: text.slice(0, max) });

export interface HandoffTarget {
  rotation: string;
  /** The incoming shift's start. */
  boundary: number;
  outgoing: string | null;
  incoming: string | null;
}

export interface HandoffModalInput extends HandoffTarget {
  fields: readonly HandoffField[];
  values: readonly string[];
  /** Read-only facts of the shift (incidents, pages) shown above the fields, whatever the template asks. */
  shiftSummary: string;
}

export const fieldBlockId = (n: number) => `field:${n}`;

export function handoffModal(input: HandoffModalInput): Record<string, unknown> {
  const who = `${input.outgoing ? mention(input.outgoing) : 'nobody'} → ${input.incoming ? mention(input.incoming) : 'nobody'}`;
  return {
    type: 'modal',
    callback_id: HANDOFF_VIEW,
    private_metadata: JSON.stringify({
      rotation: input.rotation,
      boundary: input.boundary,
      outgoing: input.outgoing,
      incoming: input.incoming,
    }),
    title: plain(`Handoff: ${input.rotation}`, 24),
    submit: plain('Post handoff'),
    close: plain('Cancel'),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${input.rotation}* shift change ${slackDate(input.boundary)}: ${who}` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: input.shiftSummary.slice(0, 3000) }] },
      ...input.fields.map((field, n) => ({
        type: 'input',
        block_id: fieldBlockId(n),
        optional: !field.required,
        label: plain(field.label, 2000),
        element: {
          type: 'plain_text_input',
          action_id: 'value',
          multiline: field.multiline,
          max_length: 3000,
          ...(input.values[n] ? { initial_value: input.values[n]!.slice(0, 3000) } : {}),
          ...(field.hint ? { placeholder: plain(field.hint, 150) } : {}),
        },
      })),
    ],
  };
}

export interface PostedHandoff extends HandoffTarget {
  id: number;
  postedBy: string;
  fields: Array<{ label: string; value: string }>;
  confirmedBy: string | null;
  confirmedAt: number | null;
}

export function handoffMessage(h: PostedHandoff, commanderNotes: readonly string[]): { text: string; blocks: unknown[] } {
  const header = `:handshake: *${h.rotation} handoff* for the shift starting ${slackDate(h.boundary)}: ${h.outgoing ? mention(h.outgoing) : 'nobody'} → ${h.incoming ? mention(h.incoming) : 'nobody'}`;
  const body = h.fields.map((f) => `*${f.label}*\n${f.value.trim() || '_nothing to report_'}`);
  const text = [header, ...body, ...commanderNotes].join('\n\n');
  const confirmation = h.confirmedBy
    ? {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `:white_check_mark: Handoff received by ${mention(h.confirmedBy)} ${slackDate(h.confirmedAt!)}: they are on.`,
          },
        ],
      }
    : {
        type: 'actions',
        block_id: `handoff:${h.id}`,
        elements: [
          {
            type: 'button',
            action_id: HANDOFF_ACTIONS.confirm,
            style: 'primary',
            text: plain("Handoff received, I'm on"),
            value: String(h.id),
          },
        ],
      };
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: header } },
      ...body.map((b) => ({ type: 'section', text: { type: 'mrkdwn', text: b.slice(0, 3000) } })),
      ...commanderNotes.map((n) => ({ type: 'context', elements: [{ type: 'mrkdwn', text: n }] })),
      confirmation,
    ],
  };
}

export function promptDm(t: HandoffTarget): { text: string; blocks: unknown[] } {
  const text = `:hourglass: Your *${t.rotation}* shift ends ${slackDate(t.boundary)}; ${t.incoming ? mention(t.incoming) : 'nobody'} takes over. Write the handoff while it is fresh.`;
  return askingMessage(text, {
    actionId: HANDOFF_ACTIONS.open,
    label: 'Write the handoff',
    value: promptButtonValue(t.rotation, t.boundary),
  });
}

export function emergencyMessage(
  rotation: string,
  from: string,
  to: string | null,
  until: number,
  reason: string,
  id: number,
  coveredBy: string | null,
): { text: string; blocks: unknown[] } {
  // The reason is typed freely: the message shows its start (Slack refuses a section over 3,000 characters).
  const text = `:sos: Emergency handoff on *${rotation}*: ${mention(from)} is off${reason ? ` (${cut(reason, 500)})` : ''}. ${to ? `${mention(to)} is primary` : 'Nobody is primary'} until ${slackDate(until)}.`;
  const secondary = coveredBy
    ? `:white_check_mark: ${mention(coveredBy)} covers secondary until ${slackDate(until)}.`
    : 'Secondary is uncovered: who can take it?';
  return {
    text: `${text} ${secondary}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      coveredBy
        ? { type: 'context', elements: [{ type: 'mrkdwn', text: secondary }] }
        : {
            type: 'actions',
            block_id: `handoff:${id}:cover`,
            elements: [{ type: 'button', action_id: HANDOFF_ACTIONS.cover, text: plain("I'll cover secondary"), value: String(id) }],
          },
    ],
  };
}

/** At the boundary, in the rotation's channel, when no handoff was posted for it. */
export function missingHandoffText(rotation: string, boundary: number, outgoing: string | null): string {
  const who = outgoing ? `${mention(outgoing)}, please` : 'Please';
  return `:bell: No handoff was posted for the *${rotation}* shift change at ${slackDate(boundary)}. ${who} post it with \`/handoff ${rotation}\`.`;
}

/** 2 h after a boundary, to the incoming primary who has not confirmed: read the handoff, or ask the outgoing. */
export function incomingNudgeText(rotation: string, boundary: number, posted: boolean, outgoing: string | null): string {
  return posted
    ? `:wave: You are on call for *${rotation}* since ${slackDate(boundary)}. Please read the handoff and press "Handoff received, I'm on".`
    : `:wave: You are on call for *${rotation}* since ${slackDate(boundary)}, and no handoff was posted: ask ${outgoing ? mention(outgoing) : 'the previous primary'} what you should know.`;
}

/** 4 h after a boundary, to the engineering lead, when nobody confirmed the handoff. */
export function unconfirmedLeadText(rotation: string, boundary: number, hours: number, incoming: string | null, posted: boolean): string {
  return `:information_source: The *${rotation}* handoff of ${slackDate(boundary)} is still unconfirmed ${hours} h later (${incoming ? mention(incoming) : 'nobody'} is primary${posted ? '' : '; no handoff was posted'}).`;
}

/** An incident the outgoing primary still commands, as a note on the posted handoff. */
export interface CommandedIncident {
  id: number;
  severity: string;
  title: string;
}

export function commanderNote(i: CommandedIncident, outgoing: string, incoming: string | null): string {
  return `:warning: Incident #${i.id} [${i.severity}] ${i.title} is active: ${mention(outgoing)} stays commander until they hand it over with \`/incident commander ${incoming ? mention(incoming) : '@incoming'}\`.`;
}

/** To the secondary taking over in an emergency. */
export function emergencyDmText(rotation: string, leaving: string, until: number, reason: string): string {
  return `:sos: ${mention(leaving)} had to leave: you are *${rotation}* primary until ${slackDate(until)}${reason ? ` (${reason})` : ''}.`;
}
