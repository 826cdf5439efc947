/**
 * Through the real app: a decision made before the ack that fails (here: the database refuses every write) is
 * answered like every other, the form showing on its field that nothing changed, the presser told privately,
 * instead of Slack never getting its ack. (slack/pre-ack.ts; before it, the resolve form and the playbook's
 * buttons threw at Bolt and acked nothing.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { incidents } from '../../src/db/schema.js';
import { PLAYBOOK_ACTIONS } from '../../src/playbooks/playbook-blocks.js';
import { FakeClock } from '../../src/time/clock.js';
import { declare, NOW, submitResolve } from '../incidents/incident-support.js';
import { EXAMPLE_POLICY } from '../support/fixtures.js';
import { TestApp } from '../support/harness.js';
import { blockActionPayload } from '../support/signed-requests.js';

let t: TestApp;
afterEach(async () => {
  t?.store.sqlite.pragma('query_only = OFF');
  await t?.close();
});

async function withAnIncident(): Promise<TestApp> {
  const app = await TestApp.start({ policy: EXAMPLE_POLICY, clock: new FakeClock(NOW) });
  for (const id of ['U0ALICE', 'U0BOB', 'U0CAROL']) app.standIn.addUser({ id });
  await declare(app, { title: 'Checkout returns 500s', severity: 'P1' });
  await app.app.drainer.drain();
  return app;
}

describe('a decision before the ack that fails', () => {
  it('a form: the error is shown on the form, and nothing changed', async () => {
    t = await withAnIncident();
    const ticked = EXAMPLE_POLICY.incidents.verification.map((_, n) => n);
    t.store.sqlite.pragma('query_only = ON');
    const answer = await submitResolve(t, 'U0ALICE', 1, ticked, 'rolled back 1.42');
    t.store.sqlite.pragma('query_only = OFF');
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({
      response_action: 'errors',
      errors: { summary: 'Something went wrong resolving the incident, and nothing was changed. Please try again.' },
    });
    expect(t.store.db.select().from(incidents).get()!.status).toBe('investigating');
  });

  it('a button: acked, and the presser told privately that nothing changed', async () => {
    t = await withAnIncident();
    t.standIn.take('chat.postEphemeral');
    const channel = t.store.db.select().from(incidents).get()!.channelId!;
    t.store.sqlite.pragma('query_only = ON');
    const answer = await t.interact(
      blockActionPayload('U0ALICE', PLAYBOOK_ACTIONS.trigger, '1|payment-failing', { channel: { id: channel } }),
    );
    t.store.sqlite.pragma('query_only = OFF');
    expect(answer.status).toBe(200);
    const told = await t.standIn.waitFor('chat.postEphemeral', (a) => a.user === 'U0ALICE');
    expect(told.args).toMatchObject({
      channel,
      text: "Something went wrong with incident #1's playbook; nothing changed. Try again.",
    });
  });
});
