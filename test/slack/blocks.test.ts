import { describe, expect, it } from 'vitest';
import { askingMessage } from '../../src/slack/blocks.js';

describe('askingMessage', () => {
  it('is the text as its one section and one primary button under it', () => {
    expect(askingMessage('*Write* it', { actionId: 'thing.open', label: 'Write it', value: 'backend|1' })).toEqual({
      text: '*Write* it',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: '*Write* it' } },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'thing.open',
              style: 'primary',
              text: { type: 'plain_text', text: 'Write it' },
              value: 'backend|1',
            },
          ],
        },
      ],
    });
  });
});
