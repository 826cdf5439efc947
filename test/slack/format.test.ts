import { describe, expect, it } from 'vitest';
import { mention, plainText, slackDate } from '../../src/slack/format.js';

describe('plainText: mrkdwn for a field error, which shows none', () => {
  it('dates read as their fallback, mentions as @id, bold plain, code quoted', () => {
    const at = Date.parse('2026-11-20T18:00:00Z');
    expect(plainText(`The end (${slackDate(at)}) is *late* for ${mention('U0ALICE')} and <@U0BOB|bob>: try \`/oncall who\`.`)).toBe(
      'The end (20 Nov 2026, 18:00 UTC) is late for @U0ALICE and @U0BOB: try "/oncall who".',
    );
  });

  it('leaves plain text and lone marks alone', () => {
    expect(plainText('5 * 3 = 15, a `tick and <not a token>')).toBe('5 * 3 = 15, a `tick and <not a token>');
  });
});
