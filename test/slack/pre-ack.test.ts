/**
 * slack/pre-ack.ts, the one way listeners do work before the ack: the decision first, then the ack with what
 * came of it, then (buttons) the presser told privately; a decision that throws is logged, acked and explained.
 */
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/logger.js';
import { pressButton, submitForm, type ButtonOutcome, type FormOutcome, type ViewAck } from '../../src/slack/pre-ack.js';
import { captureLogs } from '../support/common.js';

const FAILURE = { log: 'the thing failed', fields: { thing: 7 }, message: 'Something went wrong; nothing changed. Try again.' };

/** Everything that happened, in order: the decision, the ack (with what), the private answers. */
function recorder() {
  const seen: string[] = [];
  const { lines, logger } = captureLogs();
  const client = {
    chat: {
      postEphemeral: async (args: { channel: string; user: string; text: string }) => {
        seen.push(`ephemeral ${args.channel} ${args.user}: ${args.text}`);
        return { ok: true };
      },
    },
  };
  return { seen, lines, logger: logger as Logger, client: client as never };
}

describe('pressButton', () => {
  const CASES: Array<[string, () => ButtonOutcome, 'refusal' | 'always' | undefined, string[]]> = [
    ['done: acked, nobody told', () => ({ ok: true, message: 'Acknowledged.' }), undefined, ['decide', 'ack']],
    [
      'refused: acked, then the presser told why',
      () => ({ ok: false, message: 'Already acknowledged.' }),
      undefined,
      ['decide', 'ack', 'ephemeral C1 U1: Already acknowledged.'],
    ],
    [
      'done, told always: the decision’s words',
      () => ({ ok: true, message: '3 pages acknowledged.' }),
      'always',
      ['decide', 'ack', 'ephemeral C1 U1: 3 pages acknowledged.'],
    ],
    ['done without words, told always: nothing to tell', () => ({ ok: true }), 'always', ['decide', 'ack']],
    [
      'the decision throws: acked, the presser told nothing changed',
      () => {
        throw new Error('database is locked');
      },
      undefined,
      ['decide', 'ack', `ephemeral C1 U1: ${FAILURE.message}`],
    ],
  ];

  it.each(CASES)('%s', async (_name, outcome, tell, expected) => {
    const r = recorder();
    const press = {
      ack: async () => void r.seen.push('ack'),
      body: { user: { id: 'U1' }, channel: { id: 'C1' } },
      client: r.client,
    };
    await pressButton(press, { logger: r.logger, what: 'a test button', failure: FAILURE, tell }, () => {
      r.seen.push('decide');
      return outcome();
    });
    expect(r.seen).toEqual(expected);
  });

  it('answers in the presser’s DM when the button has no channel, and logs a failure with its fields', async () => {
    const r = recorder();
    const press = { ack: async () => void r.seen.push('ack'), body: { user: { id: 'U1' } }, client: r.client };
    await pressButton(press, { logger: r.logger, what: 'a test button', failure: FAILURE }, async () => {
      throw new Error('database is locked');
    });
    expect(r.seen).toEqual(['ack', `ephemeral U1 U1: ${FAILURE.message}`]);
    const logged = r.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'the thing failed');
    expect(logged).toMatchObject({ thing: 7, err: { message: 'database is locked' } });
  });
});

describe('submitForm', () => {
  const VIEW = { type: 'modal', blocks: [] };
  const CASES: Array<[string, () => FormOutcome<string>, unknown[], string | null]> = [
    ['done: acked with nothing (the form closes), the value returned', () => ({ done: 'saved' }), [undefined], 'saved'],
    [
      'done with a next view: acked with update',
      () => ({ done: 'saved', update: VIEW }),
      [{ response_action: 'update', view: VIEW }],
      'saved',
    ],
    [
      'problems: acked with errors on their fields, nothing returned',
      () => ({ errors: { title: 'Give it a title.' } }),
      [{ response_action: 'errors', errors: { title: 'Give it a title.' } }],
      null,
    ],
    [
      'the decision throws: acked with the failure on the failure block',
      () => {
        throw new Error('database is locked');
      },
      [{ response_action: 'errors', errors: { summary: FAILURE.message } }],
      null,
    ],
  ];

  it.each(CASES)('%s', async (_name, outcome, acks, returned) => {
    const r = recorder();
    const acked: unknown[] = [];
    const ack: ViewAck = async (response) => {
      acked.push(response);
    };
    let decidedBeforeAck = false;
    const value = await submitForm(ack, { logger: r.logger, failureBlock: 'summary', failure: FAILURE }, () => {
      decidedBeforeAck = acked.length === 0;
      return outcome();
    });
    expect(decidedBeforeAck).toBe(true);
    expect(acked).toEqual(acks);
    expect(value).toBe(returned);
  });
});
