import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ALERT_ACTIONS } from '../../src/alerts/alert-blocks.js';
import { loadPolicyFile } from '../../src/config/policy.js';
import { alerts, pages } from '../../src/db/schema.js';
import { FakeClock, HOUR, MINUTE } from '../../src/time/clock.js';
import { fixtureText } from '../support/fixtures.js';
import { TestApp } from '../support/harness.js';
import { blockActionPayload } from '../support/signed-requests.js';

const POLICY = loadPolicyFile(fileURLToPath(new URL('../../../shared/policy.example.yml', import.meta.url)));
const SECRETS = {
  UPTIME_TOKEN: 'uptime-token-0123456789',
  JOBS_HMAC_SECRET: 'jobs-hmac-0123456789',
  SENTRY_CLIENT_SECRET: 'sentry-secret-0123456789',
};
const NOW = Date.parse('2026-11-20T10:15:00Z'); // Friday, business hours; Bob is primary

let t: TestApp;
afterEach(async () => t?.close());

async function start() {
  t = await TestApp.start({ policy: POLICY, clock: new FakeClock(NOW), secrets: SECRETS });
  for (const id of ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAN']) t.standIn.addUser({ id });
}

const uptimeDown = () =>
  t.post('/webhooks/uptime', fixtureText('uptime-kuma/down.json'), { authorization: `Bearer ${SECRETS.UPTIME_TOKEN}` });

/** A generic alert for the same service as the uptime fixture ("api"), from another source. */
async function genericFor(service: string, severity = 'P2', dedupKey = `${service}-job`) {
  const { createHmac } = await import('node:crypto');
  const body = JSON.stringify({ title: `${service} job failing (${dedupKey})`, dedup_key: dedupKey, status: 'firing', severity, service });
  return t.post('/webhooks/jobs', body, { 'x-signature': createHmac('sha256', SECRETS.JOBS_HMAC_SECRET).update(body).digest('hex') });
}

describe('silences', () => {
  it('alerts for a silenced service are recorded and shown as silenced but page nobody, until the silence ends', async () => {
    await start();
    const made = (await t.command('/oncall', 'silence api 2h planned migration', 'U0ALICE')).json() as { text: string };
    expect(made.text).toMatch(/^Silence #1: alerts for \*api\* are recorded and shown but page nobody until <!date\^/);
    expect((await uptimeDown()).status).toBe(202);
    await t.tick();
    const [line] = t.standIn.take('chat.postMessage', (a) => a.channel === 'C0ALERTS');
    expect(JSON.stringify(line!.args.blocks)).toContain(':mute: silenced by <@U0ALICE>');
    expect(t.store.db.select().from(pages).all()).toEqual([]);
    expect(t.standIn.take('chat.postMessage', (a) => String(a.channel).startsWith('U0'))).toEqual([]);
    expect(((await t.command('/oncall', 'silences')).json() as { text: string }).text).toContain('#1 *api* until');

    // Two hours later the silence has ended by itself: a new alert pages.
    await t.post('/webhooks/uptime', fixtureText('uptime-kuma/up.json'), { authorization: `Bearer ${SECRETS.UPTIME_TOKEN}` });
    t.clock.advance(2 * HOUR);
    await uptimeDown();
    await t.tick();
    expect(t.store.db.select().from(pages).all()).toHaveLength(1);
    expect(((await t.command('/oncall', 'silences')).json() as { text: string }).text).toBe('No silences in force: every alert pages.');
  });

  it.each([
    ['silence', 'Say which service to silence.'],
    ['silence frontend 1h', '"frontend" is not a service in the policy (api, checkout, payments, billing).'],
    ['silence api', 'Say for how long'],
    ['silence api soon', 'expected a duration like "15m", got "soon"'],
    ['silence api 9d', 'A silence lasts at most 7 days'],
  ])('/oncall %s explains what is wrong', async (text, expected) => {
    await start();
    const answer = (await t.command('/oncall', text)).json() as { text: string };
    expect(answer.text).toContain(expected);
    expect(answer.text).toContain('Usage: `/oncall silence <service> <duration> [reason]`');
  });
});

describe('correlation', () => {
  it('two sources for one service within 10 minutes: the second is P0, pages per P0, and "Not P0" lowers it back', async () => {
    await start();
    await uptimeDown(); // uptime, service api, P1 by route
    t.clock.advance(9 * MINUTE);
    await genericFor('api', 'P2');
    await t.tick();
    const second = t.store.db.select().from(alerts).all()[1]!;
    expect(second).toMatchObject({ source: 'generic', severity: 'P0', routedSeverity: 'P2' });
    expect(t.store.db.select().from(pages).all()[1]).toMatchObject({ severity: 'P0' });
    const notice = t.standIn.take('chat.postMessage', (a) => String(a.text).includes('failing in two sources at once'));
    expect(notice).toHaveLength(1);
    expect(t.standIn.take('chat.postMessage', (a) => a.channel === 'U0LEAD')).toHaveLength(1); // P0: the lead is told

    await t.interact(blockActionPayload('U0BOB', ALERT_ACTIONS.notTop, String(second.id), { channel: { id: 'C0ALERTS' } }));
    await t.tick();
    expect(t.store.db.select().from(alerts).all()[1]).toMatchObject({ severity: 'P2' });
    expect(t.store.db.select().from(pages).all()[1]).toMatchObject({ severity: 'P2' });
  });

  it('the same source twice, or two sources 11 minutes apart, do not correlate', async () => {
    await start();
    // Two different alerts from one source for one service, a minute apart: no correlation.
    await genericFor('api', 'P2', 'api-job');
    t.clock.advance(MINUTE);
    await genericFor('api', 'P2', 'api-queue');
    // Another source, but 11 minutes after the newest of them: outside the window.
    t.clock.advance(11 * MINUTE);
    await uptimeDown();
    await t.tick();
    expect(
      t.store.db
        .select()
        .from(alerts)
        .all()
        .map((a) => [a.source, a.dedupKey, a.severity]),
    ).toEqual([
      ['generic', 'api-job', 'P2'],
      ['generic', 'api-queue', 'P2'],
      ['uptime-kuma', expect.any(String), 'P1'],
    ]);
    expect(t.standIn.take('chat.postMessage', (a) => String(a.text).includes('failing in two sources at once'))).toEqual([]);
  });
});

describe('reaction acknowledges', () => {
  it('a :white_check_mark: on the alert message acknowledges the alert and its page', async () => {
    await start();
    await uptimeDown();
    await t.tick();
    const [line] = t.standIn.take('chat.postMessage', (a) => a.channel === 'C0ALERTS');
    const answer = await t.event({
      type: 'reaction_added',
      user: 'U0BOB',
      reaction: 'white_check_mark',
      item: { type: 'message', channel: 'C0ALERTS', ts: line!.response.ts },
      event_ts: '1.2',
    });
    expect(answer.status).toBe(200);
    await t.settled();
    expect(t.store.db.select().from(pages).get()).toMatchObject({ status: 'acknowledged', ackedBy: 'U0BOB' });
    expect(t.store.db.select().from(alerts).get()).toMatchObject({ status: 'acknowledged' });
  });

  it('other reactions and reactions on other messages change nothing', async () => {
    await start();
    await uptimeDown();
    await t.tick();
    const [line] = t.standIn.take('chat.postMessage', (a) => a.channel === 'C0ALERTS');
    await t.event({
      type: 'reaction_added',
      user: 'U0BOB',
      reaction: 'eyes',
      item: { type: 'message', channel: 'C0ALERTS', ts: line!.response.ts },
      event_ts: '1.2',
    });
    await t.event({
      type: 'reaction_added',
      user: 'U0BOB',
      reaction: 'white_check_mark',
      item: { type: 'message', channel: 'C0ALERTS', ts: '999.999' },
      event_ts: '1.3',
    });
    // Both events are acked before their listeners run: wait for the listeners, not for a while.
    await t.settled();
    expect(t.store.db.select().from(pages).get()).toMatchObject({ status: 'open' });
    expect(t.store.db.select().from(alerts).get()).toMatchObject({ status: 'firing' });
  });
});
