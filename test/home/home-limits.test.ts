/**
 * The Home tab stays within what Slack accepts on a bad day: more unacknowledged pages than a view has blocks,
 * more open incidents than one section holds. Slack refuses the whole view otherwise (views.publish
 * invalid_arguments), and the person sees a stale Home, or none.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/playground/slack-limits.js';
import { FakeClock } from '../../src/time/clock.js';
import { TestApp } from '../support/harness.js';
import { EXAMPLE_POLICY } from '../support/fixtures.js';
import { declare } from '../incidents/incident-support.js';
import { openHome } from './home-support.js';

// Friday 20 Nov 2026 14:00 UTC: Bob is the backend primary.
const NOW = '2026-11-20T14:00:00Z';

let t: TestApp;
afterEach(async () => t?.close());

describe('App Home within Slack limits', () => {
  it('with 100 unacknowledged pages: published, the newest pages listed with Acknowledge, the rest counted', async () => {
    t = await TestApp.start({ policy: EXAMPLE_POLICY, clock: new FakeClock(NOW) });
    for (let n = 1; n <= 100; n += 1) await t.command('/oncall', `page backend --severity P1 alert number ${n} firing`, 'U0ALICE');
    const home = await openHome(t, 'U0BOB');
    expect(home.blocks.length).toBeLessThanOrEqual(LIMITS.viewBlocks);
    const acks = home.blocks.filter((b) => b.accessory?.action_id === 'page.ack');
    expect(acks.length).toBeGreaterThan(0);
    expect(home.text).toContain('alert number 100 firing'); // the newest first
    expect(home.text).toContain(`…and ${100 - acks.length} more unacknowledged pages: \`/oncall pages open\` lists them all.`);
  });

  it('with 30 open incidents of long titles: published, the list cut with what is left and where to see it all', async () => {
    t = await TestApp.start({ policy: EXAMPLE_POLICY, clock: new FakeClock(NOW) });
    for (let n = 1; n <= 30; n += 1) {
      // Three seconds apart: Slack creates about 20 channels a minute for an app (conversations.create is Tier 2).
      if (n > 1) await t.advance(3_000);
      await declare(t, {
        title: `Incident ${n}: ${'checkout latency and errors across every region '.repeat(3)}`.slice(0, 150),
        severity: 'P2',
        environment: 'prod',
        impact: 'customers see errors',
      });
    }
    const home = await openHome(t, 'U0BOB');
    const incidents = home.blocks.find((b) => b.text?.text.includes('Incident 1:'));
    expect(incidents).toBeDefined();
    expect(incidents!.text!.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    expect(incidents!.text!.text).toMatch(/and \d+ more: `\/incident list`$/);
  });
});
