/**
 * The contact-methods modal and the code modal, pure: building them (within Block Kit's limits: titles of at
 * most 24 characters, labels 2000, hints and placeholders 150) and reading a submission back into values or
 * an error on the block that was wrong.
 */
import { selectedOf, textOf, type ViewValues } from '../slack/interaction-input.js';
import { checkEmail, checkPhone, checkTopic, maskValue, readCode, type ContactChannel } from './contact-rules.js';
import type { ContactMethod, DesiredContacts } from './contact-store.js';

export const CONTACT_VIEW = 'contacts.edit';
export const VERIFY_VIEW = 'contacts.verify';

export const CONTACT_BLOCKS = { phone: 'phone', phoneUses: 'phone_uses', push: 'push', email: 'email' } as const;
export const codeBlock = (channel: ContactChannel) => `code_${channel}`;

const plain = (text: string) => ({ type: 'plain_text' as const, text });
const option = (value: string, text: string) => ({ text: plain(text), value });
const USES = [option('voice', 'Phone calls'), option('sms', 'Text messages (SMS)')];

const input = (blockId: string, label: string, element: Record<string, unknown>, hint?: string) => ({
  type: 'input',
  block_id: blockId,
  optional: true,
  label: plain(label),
  element,
  ...(hint ? { hint: plain(hint) } : {}),
});

const textInput = (initial: string | undefined, placeholder: string, maxLength: number) => ({
  type: 'plain_text_input',
  action_id: 'value',
  max_length: maxLength,
  placeholder: plain(placeholder),
  ...(initial ? { initial_value: initial } : {}),
});

export interface ContactFormInput {
  current: ContactMethod[];
  /** Prefilled when the person has no topic yet. */
  suggestedTopic: string;
}

export function contactForm(input_: ContactFormInput): Record<string, unknown> {
  const of = (kind: string) => input_.current.find((c) => c.kind === kind);
  const phone = of('voice')?.value ?? of('sms')?.value;
  const uses = USES.filter((o) => (phone ? of(o.value) !== undefined : true));
  const state = (c: ContactMethod | undefined) => (!c ? '' : c.verifiedAt !== null ? ' (verified)' : ' (not verified yet)');
  return {
    type: 'modal',
    callback_id: CONTACT_VIEW,
    title: plain('How to reach you'),
    submit: plain('Save'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: 'When you are paged and Slack is not enough, the bot can call you, text you, or push to your phone. Only you and the on-call admins see these. A new or changed one gets a code to check it reaches you.',
        },
      },
      input(
        CONTACT_BLOCKS.phone,
        `Phone number${state(of('voice') ?? of('sms'))}`,
        textInput(phone, '+44 20 7946 0123', 20),
        'With the country code, starting with +. Leave empty for none.',
      ),
      {
        type: 'input',
        block_id: CONTACT_BLOCKS.phoneUses,
        optional: true,
        label: plain('Use the number for'),
        element: { type: 'checkboxes', action_id: 'value', options: USES, ...(uses.length ? { initial_options: uses } : {}) },
      },
      input(
        CONTACT_BLOCKS.push,
        `ntfy topic for push${state(of('push'))}`,
        textInput(of('push')?.value ?? input_.suggestedTopic, 'oncall-...', 64),
        'Subscribe to it in the ntfy app. Anyone who knows the topic can read your pushes: keep the random one. Clear it for no push.',
      ),
      input(CONTACT_BLOCKS.email, `E-mail${state(of('email'))}`, textInput(of('email')?.value, 'you@example.com', 254)),
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: 'Want more than the policy? `/oncall contact also sms P0 now` texts you at once for every P0 (your own rules only add or come earlier). `/oncall test-page` tries each way in turn.',
          },
        ],
      },
    ],
  };
}

export type ContactFormRead = { ok: true; desired: DesiredContacts } | { ok: false; errors: Record<string, string> };

export function readContactForm(values: ViewValues): ContactFormRead {
  const errors: Record<string, string> = {};
  const field = (blockId: string, check: (text: string) => { ok: true; value: string } | { ok: false; error: string }): string | null => {
    const text = textOf(values, blockId)?.trim() ?? '';
    if (text === '') return null;
    const checked = check(text);
    if (checked.ok) return checked.value;
    errors[blockId] = checked.error;
    return null;
  };
  const phone = field(CONTACT_BLOCKS.phone, checkPhone);
  const push = field(CONTACT_BLOCKS.push, checkTopic);
  const email = field(CONTACT_BLOCKS.email, checkEmail);
  const uses = selectedOf(values, CONTACT_BLOCKS.phoneUses);
  if (phone && !uses.includes('voice') && !uses.includes('sms'))
    errors[CONTACT_BLOCKS.phoneUses] = 'Tick how the number may be used (calls, text messages or both), or clear the number.';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, desired: { voice: uses.includes('voice') ? phone : null, sms: uses.includes('sms') ? phone : null, push, email } };
}

const CHANNEL_WORDS: Record<ContactChannel, string> = {
  phone: 'by text message (or a call)',
  push: 'as a push on your ntfy topic',
  email: 'by e-mail',
};

export interface VerifyFormInput {
  /** Where a code is on its way, masked for the screen. */
  sent: Array<{ channel: ContactChannel; value: string }>;
  /** Saved but no code could be sent, and why. */
  notSent: Array<{ channel: ContactChannel; value: string; why: string }>;
}

/** The modal a saved form turns into: one code box per channel a code went to. */
export function verifyForm(input_: VerifyFormInput): Record<string, unknown> {
  const blocks: unknown[] = [];
  if (input_.sent.length) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: 'Saved. A 6-digit code is on its way to each new contact; type them here (or later: `/oncall contact verify <code>`). Codes work for 10 minutes.',
      },
    });
    for (const s of input_.sent) {
      blocks.push({
        type: 'input',
        block_id: codeBlock(s.channel),
        optional: true,
        label: plain(`Code sent ${CHANNEL_WORDS[s.channel]} to ${maskValue(s.channel, s.value)}`),
        element: { type: 'plain_text_input', action_id: 'value', min_length: 6, max_length: 7, placeholder: plain('123456') },
      });
    }
  } else {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: 'Saved.' } });
  }
  for (const n of input_.notSent)
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `${maskValue(n.channel, n.value)} is saved but not verified: ${n.why}.` }],
    });
  return {
    type: 'modal',
    callback_id: VERIFY_VIEW,
    title: plain('Check your codes'),
    ...(input_.sent.length ? { submit: plain('Verify') } : {}),
    close: plain(input_.sent.length ? 'Later' : 'Done'),
    blocks,
  };
}

/** The codes typed into the code modal, by channel; a box holding something that is no code is an error on it. */
export function readVerifyForm(values: ViewValues): {
  codes: Array<{ channel: ContactChannel; code: string }>;
  errors: Record<string, string>;
} {
  const codes: Array<{ channel: ContactChannel; code: string }> = [];
  const errors: Record<string, string> = {};
  for (const channel of ['phone', 'push', 'email'] as const) {
    const text = textOf(values, codeBlock(channel))?.trim();
    if (!text) continue;
    const code = readCode(text);
    if (code) codes.push({ channel, code });
    else errors[codeBlock(channel)] = 'A code is the 6 digits we sent, e.g. 123456.';
  }
  return { codes, errors };
}
