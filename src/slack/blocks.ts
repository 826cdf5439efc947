/** Block Kit shapes more than one feature draws the same way. Pure: data in, blocks out. */

/** A button's action, its label (plain text) and its value. */
export interface ButtonSpec {
  actionId: string;
  label: string;
  value: string;
}

/** A message that asks one thing: its text as the one section, and one primary button under it. */
export function askingMessage(text: string, button: ButtonSpec): { text: string; blocks: unknown[] } {
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: button.actionId,
            style: 'primary',
            text: { type: 'plain_text', text: button.label },
            value: button.value,
          },
        ],
      },
    ],
  };
}
