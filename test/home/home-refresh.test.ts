import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/time/clock.js';
import { EXAMPLE_POLICY } from '../support/fixtures.js';
import { TestApp } from '../support/harness.js';
import { declare, submitResolve } from '../incidents/incident-support.js';
import { openHome, republished } from './home-support.js';

// Friday 20 Nov 2026 14:00 UTC: shift 45 of backend, Bob primary, Carol secondary, until Monday 09:00.
const NOW = '2026-11-20T14:00:00Z';

let t: TestApp;
afterEach(async () => t?.close());

const text = async (command: string, args: string, user = 'U0ALICE') => ((await t.command(command, args, user)).json() as { text: string }).text;

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

    expect((await submitResolve(t, 'U0ALICE', 1, EXAMPLE_POLICY.incidents.verification.map((_, n) => n), 'rolled back 1.42')).text).toBe('');
    const resolved = await republished(t, 'U0LEAD');
    expect(resolved?.text).not.toContain('Checkout returns 500s');
    expect(resolved?.text).toMatch(/Open incidents\nNone\./);
  });

  it('a refused status change republishes nothing', async () => {
    t = await TestApp.start({ policy: EXAMPLE_POLICY, clock: new FakeClock(NOW) });
    await openHome(t, 'U0LEAD');
    await declare(t, { title: 'Search is slow', severity: 'P2' });
    expect((await republished(t, 'U0LEAD'))?.text).toContain('Search is slow');
    expect(await text('/incident', 'status #1 investigating')).toBe('Incident #1 is already Investigating.');
    expect(await republished(t, 'U0LEAD')).toBeUndefined();
  });
});
