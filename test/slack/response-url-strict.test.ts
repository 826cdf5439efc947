/**
 * A response_url as Slack keeps one: it takes 5 posts within 30 minutes of the command it came with, and answers
 * 404 `used_url` or `expired_url` after. The harness hands every command one of the stand-in's, so a command
 * answered late (past its ack budget) is held to the rule too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RESPONSE_URL_LIFETIME_MS, RESPONSE_URL_USES } from '../../src/playground/slack-stand-in.js';
import { FakeClock, MINUTE } from '../../src/time/clock.js';
import { TestApp } from '../support/harness.js';
import { pagingPolicy } from '../support/paging-scenario.js';

// Wednesday 2026-11-25 10:00 UTC: "sat 03:00" is Saturday 2026-11-28.
const WEDNESDAY = Date.parse('2026-11-25T10:00:00Z');

let t: TestApp;
afterEach(async () => t?.close());

const post = async (url: string, text: string) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ response_type: 'ephemeral', text }),
  });
  return { status: response.status, text: await response.text() };
};

describe("the stand-in's response_url", () => {
  it('takes 5 posts and answers the 6th with 404 used_url', async () => {
    t = await TestApp.start({ policy: pagingPolicy(), clock: new FakeClock(WEDNESDAY) });
    const url = t.standIn.issueResponseUrl();
    expect(RESPONSE_URL_USES).toBe(5);
    for (let n = 1; n <= 5; n += 1) expect(await post(url, `answer ${n}`)).toEqual({ status: 200, text: 'ok' });
    expect(await post(url, 'answer 6')).toEqual({ status: 404, text: 'used_url' });
    expect(t.standIn.responsePosts.map((p) => p.answer)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'used_url']);
  });

  it("takes posts for 30 minutes on the test's clock, then answers 404 expired_url", async () => {
    t = await TestApp.start({ policy: pagingPolicy(), clock: new FakeClock(WEDNESDAY) });
    const url = t.standIn.issueResponseUrl();
    expect(RESPONSE_URL_LIFETIME_MS).toBe(30 * MINUTE);
    t.clock.advance(30 * MINUTE);
    expect(await post(url, 'just in time')).toEqual({ status: 200, text: 'ok' });
    t.clock.advance(1);
    expect(await post(url, 'too late')).toEqual({ status: 404, text: 'expired_url' });
    // One Slack never handed out.
    expect(await post(url.replace(/R\d+$/, 'R999'), 'unknown')).toEqual({ status: 404, text: 'no_service' });
  });

  it('a command past its ack budget answers by the stand-in\'s response_url, replacing "working on it"', async () => {
    t = await TestApp.start({ policy: pagingPolicy(), clock: new FakeClock(WEDNESDAY), commandAckBudgetMs: 0 });
    const answer = await t.command('/oncall', 'simulate P1 "sat 03:00"', 'U0ALICE');
    expect((answer.json() as { text: string }).text).toMatch(/^:hourglass_flowing_sand: Working on/);
    const later = await t.standIn.waitForResponse();
    expect(later.body).toMatchObject({ response_type: 'ephemeral', replace_original: true });
    expect(String(later.body.text).split('\n')[0]).toBe(
      '*Dry run* (nobody was paged): a P1 page on *backend* raised Sat 28 Nov 2026 03:00 Europe/London; nobody acknowledges.',
    );
  });

  it('a command whose response_url expired before its answer: Slack refuses the answer, and the bot says so in its log', async () => {
    t = await TestApp.start({ policy: pagingPolicy(), clock: new FakeClock(WEDNESDAY), commandAckBudgetMs: 0 });
    // The command reached the bot 31 minutes after Slack sent it (a stand-in clock, not a wait).
    await t.command('/oncall', 'simulate P1 "sat 03:00"', 'U0ALICE', { lateMs: 31 * MINUTE });
    await t.settled();
    expect(t.standIn.responsePosts.map((p) => [p.status, p.answer])).toEqual([[404, 'expired_url']]);
    expect(t.logs.lines.some((l) => l.includes("could not post a slash command's answer to its response_url"))).toBe(true);
  });
});
