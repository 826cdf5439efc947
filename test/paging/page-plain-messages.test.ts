/** A chat-only severity's message and a task's line: the text, one line of context, and their buttons. */
import { describe, expect, it } from 'vitest';
import { chatMessageBlocks, taskBlocks, type PageView } from '../../src/paging/page-blocks.js';

const page: PageView = {
  id: 3,
  severity: 'P2',
  summary: 'export job slow',
  rotation: 'backend',
  source: 'person',
  sourceRef: null,
  createdBy: 'U0DAN',
  createdAt: Date.UTC(2026, 0, 5, 10),
};

interface Block {
  text?: { text: string };
  elements: Array<{ text: string | { text: string } }>;
}

const shape = (message: { text: string; blocks: unknown[] }) => {
  const [section, context, actions] = message.blocks as Block[];
  const words = (t: string | { text: string }) => (typeof t === 'string' ? t : t.text);
  return {
    section: section?.text?.text,
    context: context?.elements.map((e) => words(e.text)),
    buttons: actions?.elements.map((e) => words(e.text)),
  };
};

describe('a page as a plain message in its channel', () => {
  it.each([
    [
      'a chat message: Escalate now too',
      chatMessageBlocks(page, ['U0ALICE'], [], 'step 1'),
      ':speech_balloon: <@U0ALICE>: [P2] export job slow needs a look (#3, paged by <@U0DAN>)',
      [`step 1 · a chat message, not a page · started <!date^${Date.UTC(2026, 0, 5, 10) / 1000}^{date_short_pretty} {time}|`],
      ['Acknowledge', 'Escalate now', 'Resolve'],
    ],
    [
      'a task: no Escalate now',
      taskBlocks(page, null),
      ':clipboard: Task [P2] export job slow (#3, paged by <@U0DAN>): logged for the rotation, nobody paged; no deadline',
      ['P2 is a task in this policy: fix it through the normal release · page #3'],
      ['Acknowledge', 'Resolve'],
    ],
  ])('%s', (_what, message, text, context, buttons) => {
    const drawn = shape(message);
    expect(message.text).toBe(text);
    expect(drawn.section).toBe(text);
    expect(drawn.context?.length).toBe(1);
    expect(drawn.context?.[0]?.startsWith(context[0]!)).toBe(true);
    expect(drawn.buttons).toEqual(buttons);
  });
});
