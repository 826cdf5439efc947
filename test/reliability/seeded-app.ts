/**
 * One app with something of everything in it, made through the app's own front doors: an alert (and its page),
 * incidents with channels, a posted handoff and a pending swap. Hostile input then has real rows to aim at.
 */
import { createHmac } from 'node:crypto';
import { HANDOFF_VIEW } from '../../src/handoffs/handoff-blocks.js';
import { HOME_ACTIONS } from '../../src/home/home-view.js';
import { FakeClock } from '../../src/time/clock.js';
import { fixtureText } from '../support/fixtures.js';
import { TestApp } from '../support/harness.js';
import { blockActionPayload, viewSubmissionPayload } from '../support/signed-requests.js';
import { submitDeclare } from '../incidents/incident-support.js';
import { HandlerProbe, NOW, PEOPLE, POLICY, SECRETS } from './fuzz-support.js';

export interface SeededApp {
  t: TestApp;
  probe: HandlerProbe;
  /** The incidents' own channels. */
  incidentChannels: string[];
  /** The modals as the app opened them (block ids, private_metadata). */
  views: { declare: OpenedView; handoff: OpenedView; override: OpenedView };
}

export interface OpenedView {
  private_metadata: string;
  blocks: Array<{ block_id?: string; element?: { action_id?: string; options?: Array<{ value: string }> } }>;
}

async function ok(what: string, answer: { status: number; text: string }): Promise<void> {
  if (answer.status !== 200) throw new Error(`${what}: ${answer.status} ${answer.text}`);
}

export async function seededApp(): Promise<SeededApp> {
  // The fuzz suites send thousands of commands at one fake instant: Slack's per-minute tiers would refuse them as
  // a flood (a 429 is tested on its own in rate-tiers.test.ts), so this workspace runs without them.
  const t = await TestApp.start({ policy: POLICY, clock: new FakeClock(NOW), secrets: SECRETS, rateLimits: false });
  for (const id of PEOPLE) t.standIn.addUser({ id });
  const probe = new HandlerProbe(t);

  const alert = fixtureText('generic/firing.json');
  const posted = await t.post('/webhooks/jobs', alert, {
    'x-signature': createHmac('sha256', SECRETS.JOBS_HMAC_SECRET).update(alert).digest('hex'),
  });
  if (posted.status !== 202) throw new Error(`alert: ${posted.status}`);

  for (const [n, title] of ['Checkout returns 500s', 'Search is slow', 'Login loops'].entries()) {
    await ok(
      `incident ${n + 1}`,
      await submitDeclare(t, 'U0ALICE', {
        title,
        environment: 'prod',
        impact: 'EU customers cannot pay',
        service: 'checkout',
        severity: n === 0 ? 'P1' : 'P2',
      }),
    );
    await probe.settled();
  }
  const incidentChannels = t.standIn.delivered('conversations.create').map((c) => String((c.response.channel as { id: string }).id));

  await ok('declare form', await t.command('/incident', 'declare Cart is empty', 'U0ALICE'));
  await probe.settled();
  const declareForm = t.standIn.take('views.open').at(-1)!.args.view as OpenedView;
  await ok('handoff form', await t.command('/handoff', 'backend', 'U0BOB'));
  await probe.settled();
  const form = t.standIn.take('views.open').at(-1)!.args.view as OpenedView;
  const values = { 'field:0': { value: { type: 'plain_text_input', value: 'All quiet' } } };
  await ok('handoff', await t.interact(viewSubmissionPayload('U0BOB', HANDOFF_VIEW, values, form.private_metadata)));

  await ok('override form', await t.interact(blockActionPayload('U0ALICE', HOME_ACTIONS.override, 'home')));
  await probe.settled();
  const overrideForm = t.standIn.take('views.open').at(-1)!.args.view as OpenedView;

  await ok('swap', await t.command('/oncall', 'swap <@U0DAN> 2026-11-20', 'U0BOB'));
  await probe.settled();
  await t.app.drainer.drain();
  for (const table of ['alerts', 'pages', 'incidents', 'handoffs', 'swap_requests']) {
    if ((t.store.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n === 0)
      throw new Error(`the seeded app has no ${table}`);
  }
  return { t, probe, incidentChannels, views: { declare: declareForm, handoff: form, override: overrideForm } };
}
