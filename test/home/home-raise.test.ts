/**
 * Issue #20 item 4: "a severity raise by a trigger queues two Home publishes, the first already stale". An
 * incident declared at P2 with a raising trigger ticked in the form is one transaction in which the Home is
 * redrawn twice (incident.declared, then incident.changed by the raise): each viewer gets one publish, the P0 one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.js';
import { FakeClock } from '../../src/time/clock.js';
import { declareValues, NOW } from '../incidents/incident-support.js';
import { EXAMPLE_POLICY } from '../support/fixtures.js';
import type { TestApp } from '../support/harness.js';
import { viewSubmissionPayload } from '../support/signed-requests.js';
import { openHome, startWithTwoHomeViewers, viewOf } from './home-support.js';

let t: TestApp;
afterEach(async () => t?.close());

describe('a trigger raising the severity at declaration', () => {
  it('publishes each viewer’s Home once, with the raised severity', async () => {
    t = await startWithTwoHomeViewers(NOW);

    const payload = declareValues({ title: 'Several monitors red', environment: 'prod', impact: 'unknown yet', severity: 'P2' });
    payload.triggers = { value: { type: 'checkboxes', selected_options: [{ value: 'monitors-failing' }] } };
    await t.interact(viewSubmissionPayload('U0ALICE', 'incident.declare', payload, JSON.stringify({ channel: 'C0GENERAL' })));
    await t.standIn.waitFor('chat.postMessage', (a) => String(a.text).startsWith('[P2]'));
    await t.app.drainer.drain();

    const published = t.standIn.take('views.publish');
    expect(published.map((c) => c.args.user_id).sort()).toEqual(['U0BOB', 'U0LEAD']);
    for (const call of published) {
      const home = viewOf(call.args);
      expect(home.text).toContain('*[P0] Several monitors red* (#1, investigating)');
      expect(home.text).not.toContain('[P2] Several monitors red');
    }
    // Nothing else of the Home is waiting: the stale P2 view was never going to be sent.
    expect(
      t.store.db
        .select()
        .from(outbox)
        .all()
        .filter((r) => r.method === 'views.publish' && r.status !== 'sent'),
    ).toEqual([]);
  });
});
