/**
 * Channels and people as Slack keeps them: the bot posts only where it was invited (not_in_channel), in channels
 * there are (channel_not_found), ephemeral replies only to people in the channel (user_not_in_channel). The manifest
 * grants no channels:join, so the bot cannot join by itself: at start it checks the policy's channels and says
 * which need an /invite.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebClient } from '@slack/web-api';
import { outbox } from '../../src/db/schema.js';
import { SlackStandIn } from '../../src/playground/slack-stand-in.js';
import { checkPolicyChannels } from '../../src/slack/channel-check.js';
import { createOutboxClient } from '../../src/slack/web-api-caller.js';
import { TEST_SECRETS } from '../support/common.js';
import { TestApp } from '../support/harness.js';
import { pagingPolicy } from '../support/paging-scenario.js';

describe('membership on the stand-in', () => {
  let standIn: SlackStandIn;
  let client: WebClient;
  beforeEach(async () => {
    standIn = await new SlackStandIn().start();
    client = createOutboxClient(TEST_SECRETS.botToken, standIn.url);
  });
  afterEach(async () => standIn.stop());

  const call = (method: string, args: Record<string, unknown>) =>
    client.apiCall(method, args).then(
      (answer) => answer as unknown as Record<string, unknown>,
      (error: { data?: Record<string, unknown> }) => error.data!,
    );

  it('a channel the workspace does not have is channel_not_found; one the bot is not in, not_in_channel', async () => {
    standIn.addChannel('C0RANDOM', { name: 'random', botIsMember: false });
    expect(await call('chat.postMessage', { channel: 'C0NOWHERE', text: 'hi' })).toMatchObject({ ok: false, error: 'channel_not_found' });
    expect(await call('chat.postMessage', { channel: 'C0RANDOM', text: 'hi' })).toMatchObject({ ok: false, error: 'not_in_channel' });
    expect(await call('conversations.history', { channel: 'C0RANDOM' })).toMatchObject({ ok: false, error: 'not_in_channel' });
    expect(standIn.conversationFor('C0RANDOM', 'U0ANY')).toEqual([]);
    // A DM needs no invitation.
    expect(await call('chat.postMessage', { channel: 'U0ALICE', text: 'hi' })).toMatchObject({ ok: true });
  });

  it('an ephemeral reply to someone not in the channel is user_not_in_channel; an invitation or a message of theirs makes them a member', async () => {
    standIn.addChannel('C0OPS', { members: ['U0ALICE'] });
    expect(await call('chat.postEphemeral', { channel: 'C0OPS', user: 'U0ALICE', text: 'only you' })).toMatchObject({ ok: true });
    expect(await call('chat.postEphemeral', { channel: 'C0OPS', user: 'U0BOB', text: 'only you' })).toMatchObject({
      ok: false,
      error: 'user_not_in_channel',
    });
    expect(await call('conversations.invite', { channel: 'C0OPS', users: 'U0BOB' })).toMatchObject({ ok: true });
    expect(await call('chat.postEphemeral', { channel: 'C0OPS', user: 'U0BOB', text: 'only you' })).toMatchObject({ ok: true });
    standIn.join('C0OPS', 'U0CAROL');
    expect(await call('chat.postEphemeral', { channel: 'C0OPS', user: 'U0CAROL', text: 'only you' })).toMatchObject({ ok: true });
  });

  it('a channel the bot creates it is in, and conversations.info says so', async () => {
    const created = (await call('conversations.create', { name: 'inc-1' })) as { channel: { id: string } };
    expect(await call('chat.postMessage', { channel: created.channel.id, text: 'card' })).toMatchObject({ ok: true });
    expect(await call('conversations.info', { channel: created.channel.id })).toMatchObject({
      ok: true,
      channel: { name: 'inc-1', is_member: true },
    });
  });

  it('users.info: a deactivated person is there with deleted: true; someone unknown is user_not_found', async () => {
    standIn.addUser({ id: 'U0GONE', deleted: true });
    expect(await call('users.info', { user: 'U0GONE' })).toMatchObject({ ok: true, user: { id: 'U0GONE', deleted: true } });
    expect(await call('users.info', { user: 'U0WHO' })).toMatchObject({ ok: false, error: 'user_not_found' });
  });
});

describe('the bot and channels it was not invited to', () => {
  let t: TestApp | undefined;
  let standIn: SlackStandIn | undefined;
  afterEach(async () => {
    await t?.close();
    await standIn?.stop();
    t = standIn = undefined;
  });

  it('the start-up check names each policy channel the bot is not in or cannot see, and what to do', async () => {
    standIn = await new SlackStandIn().start();
    standIn.addChannel('C0ALERTS', { name: 'alerts', botIsMember: false });
    const client = createOutboxClient(TEST_SECRETS.botToken, standIn.url);
    const findings = await checkPolicyChannels(client, pagingPolicy(['    channel: C0BACKEND']));
    expect(findings.map((f) => f.message)).toEqual([
      'the bot is not in #alerts (C0ALERTS, channels.alerts, rotations.backend.alerts_channel): type /invite @oncall in that channel, or Slack refuses what the bot posts there (not_in_channel).',
      'C0BACKEND (rotations.backend.channel) is not a channel the bot can see: check the id, or, for a private channel, invite @oncall to it.',
    ]);
    standIn.addChannel('C0ALERTS', { name: 'alerts' });
    standIn.addChannel('C0BACKEND', { name: 'backend' });
    expect(await checkPolicyChannels(client, pagingPolicy(['    channel: C0BACKEND']))).toEqual([]);
  });

  it('a page still reaches the primary by DM when the bot is not in the alerts channel; the channel line is refused and recorded why', async () => {
    standIn = await new SlackStandIn().start();
    standIn.addChannel('C0ALERTS', { name: 'alerts', botIsMember: false });
    t = await TestApp.start({ policy: pagingPolicy(), standIn });
    await t.command('/oncall', 'page backend --severity P1 checkout is down');
    await t.app.drainer.drain();
    expect(t.standIn.take('chat.postMessage', (a) => a.channel === 'U0ALICE')).toHaveLength(1);
    expect(
      t.standIn
        .attempts('chat.postMessage')
        .filter((c) => c.args.channel === 'C0ALERTS')
        .map((c) => c.response.error),
    ).toEqual(['not_in_channel']);
    expect(
      t.store.db
        .select()
        .from(outbox)
        .all()
        .filter((r) => r.args.channel === 'C0ALERTS')
        .map((r) => [r.status, r.lastError]),
    ).toEqual([['failed', 'not_in_channel']]);
  });
});
