import { ErrorCode } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackTrouble, slackTroubleText } from '../../src/slack/slack-trouble.js';
import { TestApp } from '../support/harness.js';

describe('slackTrouble: which failures are Slack being busy or away, not the bot', () => {
  it.each([
    ['a 429 with Retry-After 7', { code: ErrorCode.RateLimitedError, retryAfter: 7 }, { kind: 'rate_limited', retryAfterS: 7 }],
    [
      'a 429 with a fractional Retry-After',
      { code: ErrorCode.RateLimitedError, retryAfter: 0.2 },
      { kind: 'rate_limited', retryAfterS: 1 },
    ],
    ['a 429 without Retry-After', { code: ErrorCode.RateLimitedError }, { kind: 'rate_limited', retryAfterS: 1 }],
    ['a 503', { code: ErrorCode.HTTPError, statusCode: 503 }, { kind: 'unavailable' }],
    ['a 408', { code: ErrorCode.HTTPError, statusCode: 408 }, { kind: 'unavailable' }],
    ['a timeout or refused connection', { code: ErrorCode.RequestError }, { kind: 'unavailable' }],
    ['a 404 (the bot asked wrongly)', { code: ErrorCode.HTTPError, statusCode: 404 }, null],
    ['a platform error (invalid_blocks)', { code: ErrorCode.PlatformError, data: { error: 'invalid_blocks' } }, null],
    ['an error of the bot', new TypeError('x is undefined'), null],
    ['not an error at all', 'boom', null],
  ])('%s', (_what, error, expected) => {
    expect(slackTrouble(error)).toEqual(expected);
  });

  it('says what did not go through, that nothing changed, and when to try again', () => {
    expect(slackTroubleText({ kind: 'rate_limited', retryAfterS: 7 }, '`/handoff`')).toBe(
      'Slack is busy and asked the bot to wait 7 s, so `/handoff` did not go through; nothing was changed. Try again in 7 seconds.',
    );
    expect(slackTroubleText({ kind: 'unavailable' }, 'opening the form')).toContain('Try again in a minute');
  });
});

describe('a command whose modal Slack refuses with a 429', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(async () => t.close());

  it('tells the person Slack is busy and when to try again, and logs a warning, not an error', async () => {
    t.standIn.failNext('views.open', { status: 429, retryAfter: 7 });
    const answer = await t.command('/incident', 'declare Checkout returns 500s', 'U0ALICE', { channelId: 'C0GENERAL' });
    expect(answer.status).toBe(200);
    const text = (answer.json() as { text: string }).text;
    expect(text).toContain('Slack is busy and asked the bot to wait 7 s');
    expect(text).toContain('Try again in 7 seconds');
    const levels = t.logs.lines.map((line) => (JSON.parse(line) as { level: number }).level);
    expect(levels.filter((level) => level >= 50)).toEqual([]);
    expect(levels).toContain(40);
  });
});
