/**
 * The stand-in refuses what Slack refuses: each Block Kit limit at its number (accepted) and one over (refused,
 * naming the place and the limit), then the refusal as Slack answers it over the Web API.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebClient } from '@slack/web-api';
import { checkMessageBlocks, checkView, LIMITS } from '../../src/playground/slack-limits.js';
import { SlackStandIn } from '../../src/playground/slack-stand-in.js';
import { createOutboxClient } from '../../src/slack/web-api-caller.js';
import { TEST_SECRETS } from '../support/common.js';

const s = (n: number) => 'x'.repeat(n);
const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const section = (text: string) => ({ type: 'section', text: mrkdwn(text) });
const options = (n: number, text = 'o', value = (i: number) => `v${i}`) =>
  Array.from({ length: n }, (_, i) => ({ text: plain(text), value: value(i) }));
const button = (extra: Record<string, unknown> = {}) => ({ type: 'button', action_id: 'a', text: plain('Go'), value: 'v', ...extra });
const actions = (...elements: unknown[]) => ({ type: 'actions', elements });
const modal = (extra: Record<string, unknown> = {}) => ({
  type: 'modal',
  title: plain('Title'),
  close: plain('Cancel'),
  blocks: [section('hi')],
  ...extra,
});
const input = (element: unknown, extra: Record<string, unknown> = {}) => ({ type: 'input', label: plain('Label'), element, ...extra });

interface Row {
  name: string;
  /** A message's arguments (checkMessageBlocks) or a view (checkView), at the limit and one over it. */
  at: { message: Record<string, unknown> } | { view: Record<string, unknown> };
  over: { message: Record<string, unknown> } | { view: Record<string, unknown> };
  /** Where the over-the-limit one is refused. */
  pointer: string;
  limit: number;
}

const msg = (...blocks: unknown[]) => ({ message: { channel: 'C1', text: 't', blocks } });
const view = (v: Record<string, unknown>) => ({ view: v });

const rows: Row[] = [
  {
    name: 'blocks per message',
    at: msg(...Array.from({ length: 50 }, () => ({ type: 'divider' }))),
    over: msg(...Array.from({ length: 51 }, () => ({ type: 'divider' }))),
    pointer: '/blocks',
    limit: LIMITS.messageBlocks,
  },
  {
    name: 'blocks per view',
    at: view(modal({ blocks: Array.from({ length: 100 }, () => ({ type: 'divider' })) })),
    over: view(modal({ blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) })),
    pointer: '/view/blocks',
    limit: LIMITS.viewBlocks,
  },
  {
    name: 'section text',
    at: msg(section(s(3000))),
    over: msg(section(s(3001))),
    pointer: '/blocks/0/text/text',
    limit: LIMITS.sectionText,
  },
  {
    name: 'section field text',
    at: msg({ type: 'section', fields: [mrkdwn(s(2000))] }),
    over: msg({ type: 'section', fields: [mrkdwn(s(2001))] }),
    pointer: '/blocks/0/fields/0/text',
    limit: LIMITS.sectionFieldText,
  },
  {
    name: 'section fields',
    at: msg({ type: 'section', fields: Array.from({ length: 10 }, () => mrkdwn('f')) }),
    over: msg({ type: 'section', fields: Array.from({ length: 11 }, () => mrkdwn('f')) }),
    pointer: '/blocks/0/fields',
    limit: LIMITS.sectionFields,
  },
  {
    name: 'header text',
    at: msg({ type: 'header', text: plain(s(150)) }),
    over: msg({ type: 'header', text: plain(s(151)) }),
    pointer: '/blocks/0/text/text',
    limit: LIMITS.headerText,
  },
  {
    name: 'button text',
    at: msg(actions(button({ text: plain(s(75)) }))),
    over: msg(actions(button({ text: plain(s(76)) }))),
    pointer: '/blocks/0/elements/0/text/text',
    limit: LIMITS.buttonText,
  },
  {
    name: 'button action_id',
    at: msg(actions(button({ action_id: s(255) }))),
    over: msg(actions(button({ action_id: s(256) }))),
    pointer: '/blocks/0/elements/0/action_id',
    limit: LIMITS.actionId,
  },
  {
    name: 'button value',
    at: msg(actions(button({ value: s(2000) }))),
    over: msg(actions(button({ value: s(2001) }))),
    pointer: '/blocks/0/elements/0/value',
    limit: LIMITS.buttonValue,
  },
  {
    name: 'block_id',
    at: msg({ type: 'divider', block_id: s(255) }),
    over: msg({ type: 'divider', block_id: s(256) }),
    pointer: '/blocks/0/block_id',
    limit: LIMITS.blockId,
  },
  {
    name: 'static select options',
    at: msg(actions({ type: 'static_select', action_id: 'a', options: options(100) })),
    over: msg(actions({ type: 'static_select', action_id: 'a', options: options(101) })),
    pointer: '/blocks/0/elements/0/options',
    limit: LIMITS.staticSelectOptions,
  },
  {
    name: 'checkbox options',
    at: msg(actions({ type: 'checkboxes', action_id: 'a', options: options(10) })),
    over: msg(actions({ type: 'checkboxes', action_id: 'a', options: options(11) })),
    pointer: '/blocks/0/elements/0/options',
    limit: LIMITS.checkboxOptions,
  },
  {
    name: 'radio options',
    at: view(modal({ submit: plain('Go'), blocks: [input({ type: 'radio_buttons', action_id: 'a', options: options(10) })] })),
    over: view(modal({ submit: plain('Go'), blocks: [input({ type: 'radio_buttons', action_id: 'a', options: options(11) })] })),
    pointer: '/view/blocks/0/element/options',
    limit: LIMITS.radioOptions,
  },
  {
    name: 'option text',
    at: msg(actions({ type: 'checkboxes', action_id: 'a', options: options(1, s(75)) })),
    over: msg(actions({ type: 'checkboxes', action_id: 'a', options: options(1, s(76)) })),
    pointer: '/blocks/0/elements/0/options/0/text/text',
    limit: LIMITS.optionText,
  },
  {
    name: 'option value',
    at: msg(actions({ type: 'static_select', action_id: 'a', options: options(1, 'o', () => s(150)) })),
    over: msg(actions({ type: 'static_select', action_id: 'a', options: options(1, 'o', () => s(151)) })),
    pointer: '/blocks/0/elements/0/options/0/value',
    limit: LIMITS.optionValue,
  },
  {
    name: 'context elements',
    at: msg({ type: 'context', elements: Array.from({ length: 10 }, () => mrkdwn('c')) }),
    over: msg({ type: 'context', elements: Array.from({ length: 11 }, () => mrkdwn('c')) }),
    pointer: '/blocks/0/elements',
    limit: LIMITS.contextElements,
  },
  {
    name: 'actions elements',
    at: msg(actions(...Array.from({ length: 25 }, (_, i) => button({ action_id: `a${i}` })))),
    over: msg(actions(...Array.from({ length: 26 }, (_, i) => button({ action_id: `a${i}` })))),
    pointer: '/blocks/0/elements',
    limit: LIMITS.actionsElements,
  },
  {
    name: 'modal title',
    at: view(modal({ title: plain(s(24)) })),
    over: view(modal({ title: plain(s(25)) })),
    pointer: '/view/title/text',
    limit: LIMITS.modalTitle,
  },
  {
    name: 'modal submit',
    at: view(modal({ submit: plain(s(24)) })),
    over: view(modal({ submit: plain(s(25)) })),
    pointer: '/view/submit/text',
    limit: LIMITS.modalButton,
  },
  {
    name: 'modal close',
    at: view(modal({ close: plain(s(24)) })),
    over: view(modal({ close: plain(s(25)) })),
    pointer: '/view/close/text',
    limit: LIMITS.modalButton,
  },
  {
    name: 'private_metadata',
    at: view(modal({ private_metadata: s(3000) })),
    over: view(modal({ private_metadata: s(3001) })),
    pointer: '/view/private_metadata',
    limit: LIMITS.privateMetadata,
  },
  {
    name: 'input label',
    at: view(modal({ submit: plain('Go'), blocks: [input({ type: 'plain_text_input', action_id: 'a' }, { label: plain(s(2000)) })] })),
    over: view(modal({ submit: plain('Go'), blocks: [input({ type: 'plain_text_input', action_id: 'a' }, { label: plain(s(2001)) })] })),
    pointer: '/view/blocks/0/label/text',
    limit: LIMITS.inputLabel,
  },
  {
    name: 'placeholder',
    at: view(modal({ submit: plain('Go'), blocks: [input({ type: 'plain_text_input', action_id: 'a', placeholder: plain(s(150)) })] })),
    over: view(modal({ submit: plain('Go'), blocks: [input({ type: 'plain_text_input', action_id: 'a', placeholder: plain(s(151)) })] })),
    pointer: '/view/blocks/0/element/placeholder/text',
    limit: LIMITS.placeholder,
  },
  {
    name: 'home blocks',
    at: view({ type: 'home', blocks: Array.from({ length: 100 }, () => ({ type: 'divider' })) }),
    over: view({ type: 'home', blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) }),
    pointer: '/view/blocks',
    limit: LIMITS.viewBlocks,
  },
];

const check = (call: Row['at']) => ('message' in call ? checkMessageBlocks(call.message) : checkView(call.view));

describe('Block Kit limits (slack-limits.ts)', () => {
  it.each(rows)('$name: $limit is accepted, one more is refused at its place', ({ at, over, pointer, limit }) => {
    expect(check(at)).toEqual([]);
    const errors = check(over);
    expect(errors.map((e) => e.pointer)).toEqual([pointer]);
    expect(errors[0]!.message).toMatch(new RegExp(`^must be less than ${limit + 1} (characters|items)$`));
    expect(errors[0]!.detail).toContain(`at most ${limit}`);
  });

  it.each([
    ['a header in mrkdwn', msg({ type: 'header', text: mrkdwn('Hi') }), '/blocks/0/text/type'],
    ['a button label in mrkdwn', msg(actions(button({ text: mrkdwn('Go') }))), '/blocks/0/elements/0/text/type'],
    [
      'a static select option in mrkdwn',
      msg(actions({ type: 'static_select', action_id: 'a', options: [{ text: mrkdwn('o'), value: 'v' }] })),
      '/blocks/0/elements/0/options/0/text/type',
    ],
    ['a modal title in mrkdwn', view(modal({ title: mrkdwn('Title') })), '/view/title/type'],
    [
      'an input label in mrkdwn',
      view(modal({ submit: plain('Go'), blocks: [input({ type: 'plain_text_input', action_id: 'a' }, { label: mrkdwn('L') })] })),
      '/view/blocks/0/label/type',
    ],
  ] as const)('plain_text only where Slack wants it: %s is refused', (_name, call, pointer) => {
    expect(check(call).map((e) => e.pointer)).toEqual([pointer]);
  });

  it.each([
    ['an empty section text', msg(section('')), '/blocks/0/text/text'],
    ['a section with neither text nor fields', msg({ type: 'section' }), '/blocks/0'],
    ['an unknown block type', msg({ type: 'sektion', text: mrkdwn('x') }), '/blocks/0/type'],
    ['a duplicate block_id', msg({ type: 'divider', block_id: 'b' }, { type: 'divider', block_id: 'b' }), '/blocks/1/block_id'],
    [
      'an initial option not among the options',
      msg(actions({ type: 'static_select', action_id: 'a', options: options(2), initial_option: { text: plain('o'), value: 'v9' } })),
      '/blocks/0/elements/0/initial_option',
    ],
    ['a modal with an input and no submit', view(modal({ blocks: [input({ type: 'plain_text_input', action_id: 'a' })] })), '/view/submit'],
    ['a modal without a title', view({ type: 'modal', blocks: [] }), '/view/title'],
    [
      'an initial_value longer than the max_length',
      view(
        modal({ submit: plain('Go'), blocks: [input({ type: 'plain_text_input', action_id: 'a', max_length: 5, initial_value: s(6) })] }),
      ),
      '/view/blocks/0/element/initial_value',
    ],
  ] as const)('what else Slack refuses: %s', (_name, call, pointer) => {
    expect(check(call).map((e) => e.pointer)).toEqual([pointer]);
  });
});

describe('the stand-in answers as Slack does', () => {
  let standIn: SlackStandIn;
  let client: WebClient;
  beforeEach(async () => {
    standIn = await new SlackStandIn().start();
    standIn.addChannel('C1');
    client = createOutboxClient(TEST_SECRETS.botToken, standIn.url);
  });
  afterEach(async () => standIn.stop());

  const refusal = async (method: string, args: Record<string, unknown>) => {
    try {
      await client.apiCall(method, args);
    } catch (error) {
      return (error as { data?: Record<string, unknown> }).data;
    }
    throw new Error(`expected ${method} to be refused`);
  };

  it('chat.postMessage over a limit is invalid_blocks, naming the block and the limit; nothing is shown', async () => {
    const data = await refusal('chat.postMessage', { channel: 'C1', text: 't', blocks: [{ type: 'divider' }, section(s(3001))] });
    expect(data).toMatchObject({
      ok: false,
      error: 'invalid_blocks',
      response_metadata: {
        messages: [
          expect.stringMatching(
            /^\[ERROR\] must be less than 3001 characters \[json-pointer:\/blocks\/1\/text\/text\] \(section text: at most 3000 characters, got 3001\)$/,
          ),
        ],
      },
    });
    expect(standIn.conversationFor('C1', 'U0ANY')).toEqual([]);
  });

  it.each(['chat.update', 'chat.postEphemeral'])('%s is checked the same way', async (method) => {
    const data = await refusal(method, {
      channel: 'C1',
      ts: '1.000001',
      user: 'U1',
      text: 't',
      blocks: [{ type: 'header', text: plain(s(151)) }],
    });
    expect(data).toMatchObject({ ok: false, error: 'invalid_blocks' });
  });

  it.each(['views.open', 'views.push', 'views.update', 'views.publish'])(
    '%s over a limit is invalid_arguments with the place',
    async (method) => {
      const v = method === 'views.publish' ? { type: 'home', blocks: [section(s(3001))] } : modal({ title: plain(s(25)) });
      const data = await refusal(method, { trigger_id: standIn.issueTrigger('1.2.3', 'U1'), user_id: 'U1', view_id: 'V1', view: v });
      expect(data).toMatchObject({
        ok: false,
        error: 'invalid_arguments',
        response_metadata: { messages: [expect.stringMatching(/json-pointer:\/view\/(title|blocks\/0\/text)\/text/)] },
      });
    },
  );

  it('a message with neither text nor blocks is no_text', async () => {
    expect(await refusal('chat.postMessage', { channel: 'C1' })).toMatchObject({ ok: false, error: 'no_text' });
  });

  it('a text over 40,000 characters is cut, not refused', async () => {
    const answer = await client.chat.postMessage({ channel: 'C1', text: s(40_001) });
    expect(answer.ok).toBe(true);
    expect(standIn.message('C1', String(answer.ts))!.text).toHaveLength(40_000);
  });
});
