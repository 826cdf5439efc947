/**
 * Issue #20 item 4, "Home republishes once per transaction per viewer": a transaction raising two home-affecting
 * events (an incident declared at P2 with a raising trigger ticked: incident.declared, then incident.changed)
 * draws the Homes once, at its end, from the final state. Counted twice: the views.publish calls the transaction
 * enqueues (an SQLite trigger counts the outbox inserts, including those a later one superseded) and the
 * views.publish calls the Slack stand-in receives.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/time/clock.js';
import { declareValues, NOW } from '../incidents/incident-support.js';
import { EXAMPLE_POLICY } from '../support/fixtures.js';
import { TestApp } from '../support/harness.js';
import { viewSubmissionPayload } from '../support/signed-requests.js';
import { openHome, startWithTwoHomeViewers, viewOf } from './home-support.js';

let t: TestApp;
afterEach(async () => t?.close());

/** Counts every views.publish row written to the outbox from now on, per viewer (kept or superseded later). */
function countHomeEnqueues(app: TestApp): () => Record<string, number> {
  app.store.sqlite.exec(`
    CREATE TEMP TABLE home_enqueued (user_id TEXT NOT NULL);
    CREATE TEMP TRIGGER count_home_enqueued AFTER INSERT ON main.outbox WHEN new.method = 'views.publish'
    BEGIN INSERT INTO home_enqueued VALUES (json_extract(new.args, '$.user_id')); END;
  `);
  return () => {
    const rows = app.store.sqlite.prepare('SELECT user_id AS user, COUNT(*) AS n FROM home_enqueued GROUP BY user_id').all() as Array<{
      user: string;
      n: number;
    }>;
    return Object.fromEntries(rows.map((r) => [r.user, r.n]));
  };
}

describe('Home republished once per transaction per viewer', () => {
  it('an incident declared and raised by its trigger in one transaction draws and publishes each viewer’s Home once', async () => {
    t = await startWithTwoHomeViewers(NOW);
    const enqueued = countHomeEnqueues(t);

    const payload = declareValues({ title: 'Several monitors red', environment: 'prod', impact: 'unknown yet', severity: 'P2' });
    payload.triggers = { value: { type: 'checkboxes', selected_options: [{ value: 'monitors-failing' }] } };
    await t.interact(viewSubmissionPayload('U0ALICE', 'incident.declare', payload, JSON.stringify({ channel: 'C0GENERAL' })));
    await t.standIn.waitFor('chat.postMessage', (a) => String(a.text).startsWith('[P2]'));
    await t.app.drainer.drain();

    // Drawn once: one views.publish enqueued per viewer, not one per event.
    expect(enqueued()).toEqual({ U0BOB: 1, U0LEAD: 1 });
    // Published once per viewer, with the final state (the raised severity).
    const published = t.standIn.take('views.publish');
    expect(published.map((c) => c.args.user_id).sort()).toEqual(['U0BOB', 'U0LEAD']);
    for (const call of published) expect(viewOf(call.args).text).toContain('*[P0] Several monitors red* (#1, investigating)');
  });

  it('a transaction that changes nothing on a Home and raises no event draws nothing', async () => {
    t = await TestApp.start({ policy: EXAMPLE_POLICY, clock: new FakeClock(NOW) });
    await openHome(t, 'U0LEAD');
    await t.app.drainer.drain();
    t.standIn.take('views.publish');
    const enqueued = countHomeEnqueues(t);
    t.app.engine.transact(() => undefined);
    await t.app.drainer.drain();
    expect(enqueued()).toEqual({});
    expect(t.standIn.take('views.publish')).toEqual([]);
  });
});
