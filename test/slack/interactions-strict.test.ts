/**
 * Slack's rules for interactions, kept by the stand-in on the test's clock: a trigger_id opens one view, within
 * 3 s of the press; views.update with a stale hash is hash_conflict. And what the bot does when a press reaches
 * it too late: the person is told to press again, instead of a button that silently does nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebClient } from '@slack/web-api';
import { HOME_ACTIONS } from '../../src/home/home-view.js';
import { SlackStandIn, TRIGGER_LIFETIME_MS } from '../../src/playground/slack-stand-in.js';
import { createOutboxClient } from '../../src/slack/web-api-caller.js';
import { FakeClock, SECOND } from '../../src/time/clock.js';
import { TEST_SECRETS } from '../support/common.js';
import { EXAMPLE_POLICY } from '../support/fixtures.js';
import { TestApp } from '../support/harness.js';
import { blockActionPayload } from '../support/signed-requests.js';

const modal = {
  type: 'modal',
  title: { type: 'plain_text', text: 'Form' },
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }],
};

describe('trigger_ids and view hashes on the stand-in', () => {
  let standIn: SlackStandIn;
  let client: WebClient;
  let clock: FakeClock;
  beforeEach(async () => {
    standIn = await new SlackStandIn().start();
    clock = new FakeClock('2026-01-05T09:00:00Z');
    standIn.useClock(() => clock.now());
    client = createOutboxClient(TEST_SECRETS.botToken, standIn.url);
  });
  afterEach(async () => standIn.stop());

  const open = (triggerId: string, method = 'views.open') =>
    client.apiCall(method, { trigger_id: triggerId, view: modal }).then(
      (answer) => answer as unknown as Record<string, unknown>,
      (error: { data?: Record<string, unknown> }) => error.data!,
    );

  it('a trigger_id Slack never sent is invalid_trigger_id', async () => {
    expect(await open('1.2.never-issued')).toMatchObject({ ok: false, error: 'invalid_trigger_id' });
  });

  it('opens one view; the same trigger_id again (open or push) is exchanged_trigger_id', async () => {
    standIn.issueTrigger('1.2.abc', 'U0ALICE');
    expect(await open('1.2.abc')).toMatchObject({ ok: true });
    expect(standIn.openModal('U0ALICE')).toBeDefined();
    expect(await open('1.2.abc')).toMatchObject({ ok: false, error: 'exchanged_trigger_id' });
    expect(await open('1.2.abc', 'views.push')).toMatchObject({ ok: false, error: 'exchanged_trigger_id' });
  });

  it('is good for 3 s on the clock the test moves, expired_trigger_id after', async () => {
    standIn.issueTrigger('1.2.on-time', 'U0ALICE');
    standIn.issueTrigger('1.2.late', 'U0ALICE');
    clock.advance(TRIGGER_LIFETIME_MS);
    expect(await open('1.2.on-time')).toMatchObject({ ok: true });
    clock.advance(1);
    expect(await open('1.2.late')).toMatchObject({ ok: false, error: 'expired_trigger_id' });
    expect(standIn.views.size).toBe(1);
  });

  it('views.update with the hash views.open answered works once; the stale hash after it is hash_conflict', async () => {
    standIn.issueTrigger('1.2.abc', 'U0ALICE');
    const opened = (await open('1.2.abc')) as { view: { id: string; hash: string } };
    const update = (hash: string) =>
      client.views.update({ view_id: opened.view.id, hash, view: modal as never }).then(
        (answer) => answer as unknown as Record<string, unknown>,
        (error: { data?: Record<string, unknown> }) => error.data!,
      );
    expect(await update(opened.view.hash)).toMatchObject({ ok: true });
    expect(await update(opened.view.hash)).toMatchObject({ ok: false, error: 'hash_conflict' });
  });
});

describe('a button press that reaches the bot too late for its form', () => {
  let t: TestApp;
  afterEach(async () => t?.close());

  it.each([
    [HOME_ACTIONS.declare, 'The declare form'],
    [HOME_ACTIONS.override, 'The override form'],
  ])('%s from Home, 4 s late: Slack refuses the view, and the person is told to press again', async (actionId, form) => {
    t = await TestApp.start({ policy: EXAMPLE_POLICY, clock: new FakeClock('2026-11-20T14:00:00Z') });
    await t.interact(blockActionPayload('U0LEAD', actionId, 'home'), { lateMs: 4 * SECOND });
    const told = await t.standIn.waitFor('chat.postEphemeral', (a) => a.user === 'U0LEAD');
    expect(told.args.text).toBe(`${form} did not open: Slack allows 3 seconds after a press and this took longer. Press the button again.`);
    expect(t.standIn.attempts('views.open').map((c) => c.response.error)).toEqual(['expired_trigger_id']);
  });

  it('a slash command whose trigger has expired: the reply says to try again, nothing was changed', async () => {
    t = await TestApp.start({ policy: EXAMPLE_POLICY, clock: new FakeClock('2026-11-20T14:00:00Z') });
    const answer = await t.command('/incident', 'declare checkout down', 'U0ALICE', { lateMs: 4 * SECOND });
    expect((answer.json() as { text: string }).text).toBe(
      'Something went wrong running `/incident`; nothing was changed. Try again, or see `/incident help`.',
    );
    expect(t.standIn.attempts('views.open').map((c) => c.response.error)).toEqual(['expired_trigger_id']);
  });
});
