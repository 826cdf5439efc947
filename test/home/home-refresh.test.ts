import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/time/clock.js';
import { EXAMPLE_POLICY } from '../support/fixtures.js';
import { TestApp } from '../support/harness.js';
import { SWAP_ACTIONS } from '../../src/schedules/swap.js';
import { blockActionPayload } from '../support/signed-requests.js';
import { declare, submitResolve } from '../incidents/incident-support.js';
import { openHome, republished } from './home-support.js';
import { outbox } from '../../src/db/schema.js';
import { refreshHomes } from '../../src/home/home-service.js';

// Friday 20 Nov 2026 14:00 UTC: shift 45 of backend, Bob primary, Carol secondary, until Monday 09:00.
const NOW = '2026-11-20T14:00:00Z';

let t: TestApp;
afterEach(async () => t?.close());

const PEOPLE = ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAN', 'U0LEAD'];

async function started(): Promise<TestApp> {
  const app = await TestApp.start({ policy: EXAMPLE_POLICY, clock: new FakeClock(NOW) });
  for (const id of PEOPLE) app.standIn.addUser({ id });
  return app;
}

const text = async (command: string, args: string, user = 'U0ALICE') =>
  ((await t.command(command, args, user)).json() as { text: string }).text;

describe('App Home kept fresh', () => {
  it('an incident changing status and severity, then resolved, is republished for a recent viewer each time', async () => {
    t = await TestApp.start({ policy: EXAMPLE_POLICY, clock: new FakeClock(NOW) });
    expect((await openHome(t, 'U0LEAD')).text).toContain('Open incidents');

    await declare(t, { title: 'Checkout returns 500s', severity: 'P1' });
    const declared = await republished(t, 'U0LEAD');
    expect(declared?.text).toMatch(/• \*\[P1\] Checkout returns 500s\* \(#1, investigating\) in <#C\w+>/);

    expect(await text('/incident', 'status #1 monitoring rolled back')).toBe('Incident #1 is now Monitoring.');
    expect((await republished(t, 'U0LEAD'))?.text).toContain('*[P1] Checkout returns 500s* (#1, monitoring)');

    expect(await text('/incident', 'severity #1 P2')).toBe('Incident #1 is now P2.');
    expect((await republished(t, 'U0LEAD'))?.text).toContain('*[P2] Checkout returns 500s* (#1, monitoring)');

    expect(
      (
        await submitResolve(
          t,
          'U0ALICE',
          1,
          EXAMPLE_POLICY.incidents.verification.map((_, n) => n),
          'rolled back 1.42',
        )
      ).text,
    ).toBe('');
    const resolved = await republished(t, 'U0LEAD');
    expect(resolved?.text).not.toContain('Checkout returns 500s');
    expect(resolved?.text).toMatch(/Open incidents\nNone\./);
  });

  it('changes that redraw the Home twice in one transaction publish it once per viewer, the last view', async () => {
    t = await TestApp.start({ policy: EXAMPLE_POLICY, clock: new FakeClock(NOW) });
    await openHome(t, 'U0LEAD');
    await openHome(t, 'U0BOB');
    await t.app.drainer.drain();
    t.app.engine.transact((tx) => {
      refreshHomes(tx, EXAMPLE_POLICY, t.app.incidents);
      refreshHomes(tx, EXAMPLE_POLICY, t.app.incidents);
    });
    const pending = t.store.db
      .select()
      .from(outbox)
      .all()
      .filter((r) => r.method === 'views.publish' && r.status === 'pending');
    expect(pending.map((r) => r.lane).sort()).toEqual(['home:U0BOB', 'home:U0LEAD']);
    await t.app.drainer.drain();
    expect(
      t.standIn
        .take('views.publish')
        .map((c) => c.args.user_id)
        .sort(),
    ).toEqual(['U0BOB', 'U0LEAD']);
  });

  it('a refused status change republishes nothing', async () => {
    t = await TestApp.start({ policy: EXAMPLE_POLICY, clock: new FakeClock(NOW) });
    await openHome(t, 'U0LEAD');
    await declare(t, { title: 'Search is slow', severity: 'P2' });
    expect((await republished(t, 'U0LEAD'))?.text).toContain('Search is slow');
    expect(await text('/incident', 'status #1 investigating')).toBe('Incident #1 is already Investigating.');
    expect(await republished(t, 'U0LEAD')).toBeUndefined();
  });

  it('/oncall override and /oncall cancel republish who is on call', async () => {
    t = await started();
    expect((await openHome(t, 'U0LEAD')).text).toContain('*backend*: primary <@U0BOB>, secondary <@U0CAROL>');

    expect(await text('/oncall', 'override <@U0DAN> now 2026-11-21 09:00 backend primary')).toMatch(
      /^Override #1: <@U0DAN> is primary of \*backend\*/,
    );
    expect((await republished(t, 'U0LEAD'))?.text).toContain('*backend*: primary <@U0DAN>, secondary <@U0CAROL>, until <!date^1795251600^');

    expect(await text('/oncall', 'cancel 1')).toMatch(/^Override #1 is cancelled/);
    expect((await republished(t, 'U0LEAD'))?.text).toContain('*backend*: primary <@U0BOB>, secondary <@U0CAROL>, until <!date^1795424400^');
  });

  it('a refused /oncall override writes nothing and republishes nothing', async () => {
    t = await started();
    await openHome(t, 'U0LEAD');
    expect(await text('/oncall', 'override <@U0DAN> now 2026-11-21 09:00 backend primary', 'U0STRANGER')).toMatch(
      /^Only members of \*backend\*/,
    );
    expect(await republished(t, 'U0LEAD')).toBeUndefined();
  });

  it.each([
    ['leave', async () => expect(await text('/oncall', 'leave <@U0BOB> now 2026-11-25', 'U0BOB')).toContain('Cover:'), '<@U0CAROL>'],
    [
      'an accepted swap',
      async () => {
        expect(await text('/oncall', 'swap <@U0DAN> 2026-11-20', 'U0BOB')).toMatch(/^Swap request #1 sent to <@U0DAN>/);
        expect((await t.interact(blockActionPayload('U0DAN', SWAP_ACTIONS.accept, '1'))).status).toBe(200);
      },
      '<@U0DAN>',
    ],
    [
      'an emergency handoff',
      async () => expect(await text('/handoff', 'emergency backend sick', 'U0BOB')).toContain('<@U0CAROL> is backend primary'),
      '<@U0CAROL>',
    ],
  ])('%s republishes who is on call', async (_what, change, primary) => {
    t = await started();
    expect((await openHome(t, 'U0LEAD')).text).toContain('*backend*: primary <@U0BOB>');
    await change();
    expect((await republished(t, 'U0LEAD'))?.text).toContain(`*backend*: primary ${primary}`);
  });
});
