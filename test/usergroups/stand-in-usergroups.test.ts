/**
 * The stand-in answers usergroups.users.list as Slack's method page says: `usergroup` required, the members' ids
 * only, no_such_subteam for a group it does not know. Driven through the same WebClient the bot reads with.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebClient } from '@slack/web-api';
import { SlackStandIn } from '../../src/playground/slack-stand-in.js';
import { createOutboxClient, outcomeOf } from '../../src/slack/web-api-caller.js';
import { slackLoggerFrom } from '../../src/logger.js';
import { captureLogs, TEST_SECRETS } from '../support/common.js';

let standIn: SlackStandIn;
let client: WebClient;
beforeEach(async () => {
  standIn = await new SlackStandIn().start();
  client = createOutboxClient(TEST_SECRETS.botToken, standIn.url, slackLoggerFrom(captureLogs().logger));
});
afterEach(async () => standIn.stop());

/** The members a successful call lists. */
const listed = async (usergroup: string) => ((await client.apiCall('usergroups.users.list', { usergroup })) as { users?: unknown }).users;

const failureOf = async (args: Record<string, unknown>) => {
  try {
    await client.apiCall('usergroups.users.list', args);
  } catch (error) {
    return outcomeOf(error);
  }
  throw new Error('expected Slack to refuse');
};

describe('usergroups.users.list on the stand-in', () => {
  it('answers ok with the members ids of a group the test set', async () => {
    standIn.setUsergroup('S0ALLENG', ['U0A', 'U0B', 'W0GRID']);
    const answer = await client.apiCall('usergroups.users.list', { usergroup: 'S0ALLENG', include_disabled: false });
    expect(answer).toMatchObject({ ok: true, users: ['U0A', 'U0B', 'W0GRID'] });
    // A read, not a message: a strict test's "nothing unasserted" does not trip on it.
    expect(standIn.unasserted()).toEqual([]);
  });

  it('answers the group as it is now: set again, the members are replaced; emptied, the list is empty', async () => {
    standIn.setUsergroup('S0ALLENG', ['U0A', 'U0B']);
    standIn.setUsergroup('S0ALLENG', ['U0C']);
    expect(await listed('S0ALLENG')).toEqual(['U0C']);
    standIn.setUsergroup('S0ALLENG', []);
    expect(await listed('S0ALLENG')).toEqual([]);
  });

  it('refuses a group it does not know (or an empty id) with no_such_subteam', async () => {
    standIn.setUsergroup('S0ALLENG', ['U0A']);
    expect(await failureOf({ usergroup: 'S0NOBODY' })).toEqual({ kind: 'platform_error', error: 'no_such_subteam' });
    expect(await failureOf({ usergroup: '' })).toEqual({ kind: 'platform_error', error: 'no_such_subteam' });
  });

  it('refuses a call without usergroup with invalid_arguments, naming the missing field', async () => {
    expect(await failureOf({ include_disabled: false })).toEqual({ kind: 'platform_error', error: 'invalid_arguments' });
    const [call] = standIn.attempts('usergroups.users.list');
    expect(call?.response).toEqual({
      ok: false,
      error: 'invalid_arguments',
      response_metadata: { messages: ['[ERROR] missing required field: usergroup'] },
    });
  });

  it('fails on demand like every other method (an outage, a rate limit)', async () => {
    standIn.setUsergroup('S0ALLENG', ['U0A']);
    standIn.failNext('usergroups.users.list', { status: 429, retryAfter: 30 });
    expect(await failureOf({ usergroup: 'S0ALLENG' })).toEqual({ kind: 'rate_limited', retryAfterMs: 30_000 });
    standIn.failNext('usergroups.users.list', { error: 'missing_scope' });
    expect(await failureOf({ usergroup: 'S0ALLENG' })).toEqual({ kind: 'platform_error', error: 'missing_scope' });
  });

  it('takes only user group ids and user ids when a test sets a group', () => {
    expect(() => standIn.setUsergroup('C0CHANNEL', ['U0A'])).toThrow(/not a user group id/);
    expect(() => standIn.setUsergroup('S0ALLENG', ['alice'])).toThrow(/not a user id/);
  });
});
