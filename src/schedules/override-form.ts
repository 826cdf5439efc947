/**
 * The override form (opened from the Home tab), pure: the modal, and reading its submission back. Each block
 * id is the name of the request field it fills, so a problem with a field (override-request.ts) shows on it.
 * The times are datetimepickers: Slack shows them in the reader's own zone and sends back an instant.
 */
import { z } from 'zod';
import { dateTimeOf, textOf, userOf, type ViewValues } from '../slack/interaction-input.js';
import { HOUR } from '../time/clock.js';
import type { OverrideField, OverrideRequest } from './override-request.js';
import type { Role } from './rotation.js';

export const OVERRIDE_VIEW = 'schedule.override';

/** Block ids: one per request field. */
export const OVERRIDE_BLOCKS = { rotation: 'rotation', role: 'role', who: 'who', from: 'from', to: 'to' } as const satisfies Record<
  string,
  OverrideField | 'role'
>;

const plain = (text: string) => ({ type: 'plain_text' as const, text: text.slice(0, 75) });
const option = (value: string, text = value) => ({ text: plain(text), value });
const ROLES: Array<{ role: Role; label: string }> = [
  { role: 'primary', label: 'Primary' },
  { role: 'secondary', label: 'Secondary' },
];

export interface OverrideFormInput {
  rotations: string[];
  /** Preselected: the clicker's own rotation when they are in exactly one (or there is only one). */
  rotation: string | null;
  /** Preselected as who takes over: the clicker. */
  userId: string;
  now: number;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

export function overrideForm(input: OverrideFormInput): Record<string, unknown> {
  // From the next whole hour, for a day: a common cover, and easy to change.
  const from = Math.ceil(input.now / HOUR) * HOUR;
  const rotationSelect: Record<string, unknown> = {
    type: 'static_select',
    action_id: 'value',
    options: input.rotations.map((r) => option(r)),
  };
  if (input.rotation) rotationSelect.initial_option = option(input.rotation);
  return {
    type: 'modal',
    callback_id: OVERRIDE_VIEW,
    title: plain('Override the schedule'),
    submit: plain('Save override'),
    close: plain('Cancel'),
    blocks: [
      { type: 'input', block_id: OVERRIDE_BLOCKS.rotation, label: plain('Rotation'), element: rotationSelect },
      {
        type: 'input',
        block_id: OVERRIDE_BLOCKS.role,
        label: plain('Role'),
        element: {
          type: 'radio_buttons',
          action_id: 'value',
          options: ROLES.map((r) => option(r.role, r.label)),
          initial_option: option('primary', 'Primary'),
        },
      },
      {
        type: 'input',
        block_id: OVERRIDE_BLOCKS.who,
        label: plain('Who takes it'),
        element: { type: 'users_select', action_id: 'value', initial_user: input.userId },
      },
      {
        type: 'input',
        block_id: OVERRIDE_BLOCKS.from,
        label: plain('From'),
        element: { type: 'datetimepicker', action_id: 'value', initial_date_time: seconds(from) },
      },
      {
        type: 'input',
        block_id: OVERRIDE_BLOCKS.to,
        label: plain('To'),
        element: { type: 'datetimepicker', action_id: 'value', initial_date_time: seconds(from + 24 * HOUR) },
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: 'Times are in your own time zone. Undo later with `/oncall cancel <number>`; `/oncall schedule` lists overrides.',
          },
        ],
      },
    ],
  };
}

const formSchema = z.object({
  rotation: z.string({ error: 'Choose the rotation.' }).min(1, { error: 'Choose the rotation.' }),
  role: z.enum(['primary', 'secondary'], { error: 'Choose primary or secondary.' }),
  who: z.string({ error: 'Choose who takes over.' }).regex(/^[UW][A-Z0-9]{2,20}$/, { error: 'Choose a person from the list.' }),
  from: z.number({ error: 'Choose when it starts.' }),
  to: z.number({ error: 'Choose when it ends.' }),
});

export type OverrideFormRead = { ok: true; request: Omit<OverrideRequest, 'requestedBy'> } | { ok: false; errors: Record<string, string> };

/** What the submitted form asks for, or an error for each field that holds no usable answer. The rules come after (override-request.ts). */
export function readOverrideForm(values: ViewValues): OverrideFormRead {
  const parsed = formSchema.safeParse({
    rotation: textOf(values, OVERRIDE_BLOCKS.rotation),
    role: textOf(values, OVERRIDE_BLOCKS.role),
    who: userOf(values, OVERRIDE_BLOCKS.who),
    from: dateTimeOf(values, OVERRIDE_BLOCKS.from),
    to: dateTimeOf(values, OVERRIDE_BLOCKS.to),
  });
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0]) as keyof typeof OVERRIDE_BLOCKS;
      errors[OVERRIDE_BLOCKS[field] ?? OVERRIDE_BLOCKS.rotation] ??= issue.message;
    }
    return { ok: false, errors };
  }
  const { rotation, role, who, from, to } = parsed.data;
  return { ok: true, request: { rotation, role, userId: who, startsAt: from, endsAt: to } };
}
