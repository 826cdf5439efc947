/**
 * Slack request signing, as Bolt checks it on /slack/events: a stale timestamp, a signature lifted onto
 * another body, a missing signature or timestamp, are all refused with 401 before any handler runs.
 * The bodies would each write rows if they got through (a page, a silence, an acknowledgement).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_ACTIONS } from '../../src/paging/page-blocks.js';
import { systemClock } from '../../src/time/clock.js';
import type { TestApp } from '../support/harness.js';
import { TEST_SECRETS } from '../support/common.js';
import { blockActionPayload, interactionBody, slackSignature, slashCommandBody } from '../support/signed-requests.js';
import { errorLines, escapedSinceLastLook, type HandlerProbe, hostileText, runs, tally, writeCount } from './fuzz-support.js';
import { seededApp } from './seeded-app.js';

/** Bodies that would change something if a handler saw them. */
const consequentialBody = fc.oneof(
  hostileText.map((s) => slashCommandBody({ command: '/oncall', text: `page backend ${s.slice(0, 200) || 'disk full'}`, userId: 'U0BOB' })),
  fc
    .constantFrom('api', 'checkout', 'billing')
    .map((service) => slashCommandBody({ command: '/oncall', text: `silence ${service} 2h maintenance`, userId: 'U0BOB' })),
  fc
    .constantFrom(PAGE_ACTIONS.ack, PAGE_ACTIONS.resolve, PAGE_ACTIONS.escalate)
    .map((action) => interactionBody(blockActionPayload('U0BOB', action, '1'))),
  hostileText.map((s) =>
    slashCommandBody({ command: '/incident', text: `update ${s.slice(0, 200) || 'rolled back'}`, userId: 'U0ALICE', channelId: 'C0INC1' }),
  ),
);

const nowSec = () => Math.floor(systemClock.now() / 1000);

export function signingProperties(): void {
  describe('request signing: refused before any handler', () => {
    let t: TestApp;
    let probe: HandlerProbe;

    beforeAll(async () => {
      ({ t, probe } = await seededApp());
    });
    afterAll(async () => t?.close());

    const writes = () => writeCount(t);

    /** Posts to /slack/events with exactly these headers, and checks that nothing was reached or written. */
    async function refused(body: string, headers: Record<string, string>): Promise<void> {
      await t.app.drainer.drain();
      const before = { writes: writes(), reached: probe.reached, calls: t.standIn.calls.length, from: t.logs.lines.length };
      const response = await fetch(`${t.baseUrl}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body,
      });
      await response.body?.cancel();
      expect(response.status).toBe(401);
      expect(probe.reached, 'a handler ran').toBe(before.reached);
      expect(writes(), 'rows were written').toBe(before.writes);
      expect(t.standIn.calls.length, 'Slack was called').toBe(before.calls);
      expect(errorLines(t, before.from)).toEqual([]);
      expect(escapedSinceLastLook()).toEqual([]);
    }

    it('a correctly signed request older than 5 minutes', async () => {
      await fc.assert(
        fc.asyncProperty(consequentialBody, fc.integer({ min: 301, max: 400 * 24 * 3600 }), async (body, age) => {
          tally();
          const ts = nowSec() - age;
          await refused(body, {
            'x-slack-request-timestamp': String(ts),
            'x-slack-signature': slackSignature(TEST_SECRETS.signingSecret, ts, body),
          });
        }),
        runs(100),
      );
    });

    it('a valid signature reused with another body', async () => {
      await fc.assert(
        fc.asyncProperty(consequentialBody, consequentialBody, async (signed, sent) => {
          fc.pre(signed !== sent);
          tally();
          const ts = nowSec();
          await refused(sent, {
            'x-slack-request-timestamp': String(ts),
            'x-slack-signature': slackSignature(TEST_SECRETS.signingSecret, ts, signed),
          });
        }),
        runs(100),
      );
    });

    it('a missing or malformed signature or timestamp header', async () => {
      const header = fc.oneof(
        fc.string({ unit: 'binary-ascii', maxLength: 80 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
        fc.constantFrom('v0=', 'v1=abc', 'v0', '=', 'v0=' + '0'.repeat(64)),
      );
      await fc.assert(
        fc.asyncProperty(
          consequentialBody,
          fc.constantFrom('no signature', 'no timestamp', 'neither', 'junk signature', 'junk timestamp'),
          header,
          async (body, how, junk) => {
            tally();
            const ts = nowSec();
            const signature = slackSignature(TEST_SECRETS.signingSecret, ts, body);
            const headers: Record<string, string> = {
              'no signature': { 'x-slack-request-timestamp': String(ts) },
              'no timestamp': { 'x-slack-signature': signature },
              neither: {},
              'junk signature': { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': junk },
              'junk timestamp': { 'x-slack-request-timestamp': junk, 'x-slack-signature': signature },
            }[how]!;
            await refused(body, headers);
          },
        ),
        runs(100),
      );
    });

    it('the same bodies, correctly signed and fresh, do reach their handlers', async () => {
      // The refusals above are the signature's doing: signed properly, these requests are handled.
      const body = slashCommandBody({ command: '/oncall', text: 'silence checkout 2h maintenance', userId: 'U0BOB' });
      const ts = nowSec();
      const before = probe.reached;
      const response = await fetch(`${t.baseUrl}/slack/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': String(ts),
          'x-slack-signature': slackSignature(TEST_SECRETS.signingSecret, ts, body),
        },
        body,
      });
      await probe.settled();
      expect(response.status).toBe(200);
      expect(probe.reached).toBe(before + 1);
      expect(((await response.json()) as { text: string }).text).toMatch(/^Silence #\d+: alerts for \*checkout\*/);
    });
  });
}
