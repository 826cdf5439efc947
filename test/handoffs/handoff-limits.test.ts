/**
 * An emergency handoff's reason is typed freely and may be long (a fuzzed 19,000 characters found it): the channel
 * notice must still reach the channel, since Slack refuses a section over 3,000 characters, and with it the notice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/playground/slack-limits.js';
import { FakeClock } from '../../src/time/clock.js';
import { TestApp } from '../support/harness.js';
import { POLICY } from '../incidents/incident-support.js';

let t: TestApp;
afterEach(async () => t?.close());

describe('/handoff emergency with a long reason', () => {
  it('the channel is told, the reason shown cut with …, and the full reason kept in the history', async () => {
    t = await TestApp.start({ policy: POLICY, clock: new FakeClock('2026-11-19T14:00:00Z') }); // Thursday: Bob primary
    const reason = `flu, ${'and a very long explanation '.repeat(200)}`;
    await t.command('/handoff', `emergency ${reason}`, 'U0BOB');
    await t.app.drainer.drain();
    const [notice] = t.standIn.take('chat.postMessage', (a) => a.channel === 'C0BACKEND');
    expect(notice).toBeDefined();
    const section = (notice!.args.blocks as Array<{ type: string; text?: { text: string } }>)[0]!.text!.text;
    expect(section.length).toBeLessThanOrEqual(LIMITS.sectionText);
    expect(section).toContain('is off (flu, and a very long explanation');
    expect(section).toContain('…)');
    const history = ((await t.command('/handoff', 'history backend', 'U0BOB')).json() as { text: string }).text;
    expect(history).toContain(reason.trim());
  });
});
