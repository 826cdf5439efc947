/**
 * POST /webhooks/<integration> with hostile bodies, authenticated as the integration's sender so the parser is
 * reached. Never a 5xx; a 4xx writes nothing and gives a readable one-line reason.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIssuePath } from '../../src/alerts/normalized.js';
import { MAX_WEBHOOK_BYTES } from '../../src/alerts/webhook-route.js';
import { FakeClock } from '../../src/time/clock.js';
import { fixtureText } from '../support/fixtures.js';
import { TestApp } from '../support/harness.js';
import {
  errorLines,
  escapedSinceLastLook,
  hostileText,
  hostileWord,
  isReadableReason,
  longText,
  NOW,
  PEOPLE,
  POLICY,
  PROTOTYPE_WORDS,
  runs,
  SECRETS,
  tally,
  writeCount,
} from './fuzz-support.js';

const hmac = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('hex');
const basic = `Basic ${Buffer.from(`${SECRETS.GRAFANA_WEBHOOK_USER}:${SECRETS.GRAFANA_WEBHOOK_PASSWORD}`).toString('base64')}`;

interface Sender {
  integration: string;
  fixtures: string[];
  /** The auth headers the real sender adds for this raw body. */
  sign(body: string, resource: string): Record<string, string>;
  /** PagerDuty authenticates by the body's routing_key: an object body gets the right one. */
  authenticBody?(value: unknown): unknown;
}

const SENDERS: Sender[] = [
  {
    integration: 'prometheus',
    fixtures: ['alertmanager/firing.json', 'alertmanager/resolved.json'],
    sign: () => ({ authorization: `Bearer ${SECRETS.ALERTMANAGER_TOKEN}` }),
  },
  { integration: 'grafana', fixtures: ['grafana/firing.json', 'grafana/resolved.json'], sign: () => ({ authorization: basic }) },
  {
    integration: 'sentry',
    fixtures: [
      'sentry/event_alert.json',
      'sentry/issue-resolved.json',
      'sentry/metric_alert-critical.json',
      'sentry/metric_alert-resolved.json',
    ],
    sign: (body, resource) => ({ 'sentry-hook-resource': resource, 'sentry-hook-signature': hmac(SECRETS.SENTRY_CLIENT_SECRET, body) }),
  },
  {
    integration: 'pagerduty',
    fixtures: ['pagerduty/trigger.json', 'pagerduty/acknowledge.json', 'pagerduty/resolve.json'],
    sign: () => ({}),
    authenticBody: (value) =>
      value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...value, routing_key: SECRETS.PD_ROUTING_KEY } : value,
  },
  {
    integration: 'uptime',
    fixtures: ['uptime-kuma/down.json', 'uptime-kuma/up.json'],
    sign: () => ({ authorization: `Bearer ${SECRETS.UPTIME_TOKEN}` }),
  },
  {
    integration: 'jobs',
    fixtures: ['generic/firing.json', 'generic/resolved.json'],
    sign: (body) => ({ 'x-signature': hmac(SECRETS.JOBS_HMAC_SECRET, body) }),
  },
];

/** The Sentry-Hook-Resource a fixture is sent with. */
const resourceOf = (fixture: string) =>
  fixture.includes('event_alert') ? 'event_alert' : fixture.includes('metric_alert') ? 'metric_alert' : 'issue';

type Path = Array<string | number>;

/** Every node's path in a JSON value (the root excluded). */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [];
  const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
}

const DELETE = Symbol('delete');

function replaceAt(value: unknown, path: Path, replacement: unknown): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (replacement === DELETE) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = replacement;
  return copy;
}

/** What a field is replaced with: another type, null, nothing, a prototype word, hostile or huge text. */
const replacement = fc.oneof(
  fc.constant(null),
  fc.constant(DELETE),
  fc.boolean(),
  fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(2 ** 53 + 1), fc.constant(-0)),
  fc.constantFrom(...PROTOTYPE_WORDS),
  hostileText,
  longText,
  fc.jsonValue({ maxDepth: 2, stringUnit: 'grapheme' }),
  fc.constant([]),
  fc.constant({}),
);

/** The `error` of a JSON answer, or a note of what came instead. */
async function reasonOf(answer: Response): Promise<unknown> {
  const text = await answer.text();
  try {
    return (JSON.parse(text) as { error?: unknown }).error;
  } catch {
    return `(not JSON: ${text.slice(0, 200)})`;
  }
}

export function webhookProperties(): void {
  describe('webhooks: hostile bodies from an authenticated sender', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await TestApp.start({ policy: POLICY, clock: new FakeClock(NOW), secrets: SECRETS });
      for (const id of PEOPLE) t.standIn.addUser({ id });
    });
    afterAll(async () => t?.close());

    const writes = () => writeCount(t);
    const counts = () =>
      ['alerts', 'pages', 'outbox', 'timers'].map(
        (table) => (t.store.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n,
      );

    /** Sends one body and checks the invariants; returns the status and, for a 4xx, the reason. */
    async function deliver(path: string, body: string, headers: Record<string, string>): Promise<{ status: number; reason: string }> {
      await t.app.drainer.drain(); // what an earlier accepted alert enqueued is delivered before counting
      const logFrom = t.logs.lines.length;
      const before = { writes: writes(), counts: counts() };
      const answer = await t.post(path, body, headers);
      expect(answer.status, `status for ${body.slice(0, 300)}`).toBeLessThan(500);
      let reason: unknown = '';
      if (answer.status >= 400) {
        reason = await reasonOf(answer);
        expect(isReadableReason(reason), `reason ${JSON.stringify(reason)}`).toBe(true);
        expect(writes(), `a ${answer.status} wrote rows`).toBe(before.writes);
        expect(counts()).toEqual(before.counts);
      } else {
        expect(answer.status).toBe(202);
        await answer.body?.cancel();
      }
      expect(errorLines(t, logFrom)).toEqual([]);
      expect(escapedSinceLastLook()).toEqual([]);
      return { status: answer.status, reason: String(reason) };
    }

    it.each(SENDERS)('$integration: arbitrary JSON bodies', async (sender) => {
      const resource = fc.oneof(
        fc.constantFrom('event_alert', 'metric_alert', 'issue'),
        fc.string({ unit: 'binary-ascii', maxLength: 20 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
      );
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.jsonValue({ stringUnit: 'binary' }), fc.anything({ maxDepth: 3 })), resource, async (value, res) => {
          tally();
          const authentic = sender.authenticBody ? sender.authenticBody(value) : value;
          const body = JSON.stringify(authentic) ?? 'undefined';
          await deliver(`/webhooks/${sender.integration}`, body, sender.sign(body, res));
        }),
        runs(100),
      );
    });

    it.each(SENDERS)('$integration: bodies that are not JSON', async (sender) => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.string({ unit: 'binary' }),
            fc.json().map((j) => j.slice(0, -1)),
            fc.constantFrom('', ' ', '{', '[', 'null', '"', '{"a":}', '\u0000'),
          ),
          async (body) => {
            tally();
            await deliver(`/webhooks/${sender.integration}`, body, sender.sign(body, 'event_alert'));
          },
        ),
        runs(60),
      );
    });

    for (const sender of SENDERS) {
      for (const name of sender.fixtures) {
        it(`${sender.integration}: ${name} with one field replaced, removed, nulled, huge or hostile`, async () => {
          const valid = JSON.parse(fixtureText(name)) as unknown;
          const paths = pathsOf(valid);
          await fc.assert(
            fc.asyncProperty(fc.constantFrom(...paths), replacement, async (path, value) => {
              tally();
              const mutated = replaceAt(valid, path, value);
              const authentic = path[0] === 'routing_key' || !sender.authenticBody ? mutated : sender.authenticBody(mutated);
              const body = JSON.stringify(authentic);
              const { status, reason } = await deliver(`/webhooks/${sender.integration}`, body, sender.sign(body, resourceOf(name)));
              if (status === 422) {
                // The reason names where the body is wrong: the replaced field, one inside it, or the object holding it.
                const where = reason.split(': ')[0]!;
                const field = formatIssuePath(path);
                const named = where.startsWith(field) || field.startsWith(where) || reason.includes(String(path.at(-1)));
                expect(named, `"${reason}" for ${field}`).toBe(true);
                expect(reason, 'a reason that says what was expected').toMatch(/: (expected|too|invalid option|.*must)/i);
              }
            }),
            runs(Math.min(100, paths.length * 6)),
          );
        });
      }
    }

    it('any severity word a sender sends maps to one of our severities', async () => {
      const ours = POLICY.severities.map((s) => s.id);
      const word = fc.oneof(
        fc.constantFrom(...PROTOTYPE_WORDS),
        hostileText.filter((s) => s.length < 40),
      );
      const cases: Array<{ integration: string; fixture: string; at: Path }> = [
        { integration: 'prometheus', fixture: 'alertmanager/firing.json', at: ['alerts', 0, 'labels', 'severity'] },
        { integration: 'pagerduty', fixture: 'pagerduty/trigger.json', at: ['payload', 'severity'] },
        { integration: 'jobs', fixture: 'generic/firing.json', at: ['severity'] },
      ];
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...cases),
          word,
          fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }),
          async (c, severity, key) => {
            tally();
            const sender = SENDERS.find((s) => s.integration === c.integration)!;
            // A fresh dedup key each time, so every case creates an alert.
            const keyed =
              c.integration === 'prometheus'
                ? replaceAt(JSON.parse(fixtureText(c.fixture)), ['alerts', 0, 'fingerprint'], `fp-${key}-${severity}`)
                : replaceAt(JSON.parse(fixtureText(c.fixture)), ['dedup_key'], `k-${key}-${severity}`);
            const body = JSON.stringify(replaceAt(keyed, c.at, severity));
            const { status } = await deliver(`/webhooks/${c.integration}`, body, sender.sign(body, 'event_alert'));
            if (status === 202) {
              const row = t.store.sqlite.prepare('SELECT severity FROM alerts ORDER BY id DESC LIMIT 1').get() as { severity: unknown };
              expect(ours).toContain(row.severity);
            }
          },
        ),
        runs(60),
      );
    });

    it('sentry: event tags of any shape', async () => {
      const valid = JSON.parse(fixtureText('sentry/event_alert.json')) as unknown;
      const odd = fc.constantFrom({ toString: '' }, { valueOf: 1, toString: null }, [], null, 'service', 'api', 42);
      const tag = fc.oneof(
        fc.tuple(fc.oneof(hostileWord, odd), fc.oneof(hostileWord, odd)),
        fc.array(fc.oneof(odd, fc.anything({ maxDepth: 1 })), { maxLength: 3 }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(tag, { maxLength: 5 }), async (tags) => {
          tally();
          const body = JSON.stringify(replaceAt(valid, ['data', 'event', 'tags'], tags));
          await deliver('/webhooks/sentry', body, SENDERS.find((s) => s.integration === 'sentry')!.sign(body, 'event_alert'));
        }),
        runs(60),
      );
    });

    it('uptime: form posts whose data field is anything', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.json(), fc.string({ unit: 'grapheme' }), fc.constant(fixtureText('uptime-kuma/down.json'))),
          fc.boolean(),
          async (data, withField) => {
            tally();
            const body = withField ? new URLSearchParams({ data }).toString() : new URLSearchParams({ other: data }).toString();
            await deliver('/webhooks/uptime', body, {
              authorization: `Bearer ${SECRETS.UPTIME_TOKEN}`,
              'content-type': 'application/x-www-form-urlencoded',
            });
          },
        ),
        runs(60),
      );
    });

    it('integration names that are no integration get a 404 naming them', async () => {
      const name = fc.oneof(
        fc.constantFrom(...PROTOTYPE_WORDS),
        fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 30 }).filter((s) => !Object.hasOwn(POLICY.integrations, s)),
      );
      await fc.assert(
        fc.asyncProperty(name, async (integration) => {
          tally();
          const body = fixtureText('generic/firing.json');
          const { status } = await deliver(`/webhooks/${encodeURIComponent(integration)}`, body, {
            'x-signature': hmac(SECRETS.JOBS_HMAC_SECRET, body),
            authorization: `Bearer ${SECRETS.ALERTMANAGER_TOKEN}`,
          });
          expect(status).toBe(404);
        }),
        runs(60),
      );
    });

    it('bodies over the size limit are refused with 413, with or without a content-length', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 64 * 1024 }),
          fc.boolean(),
          fc.constantFrom(...SENDERS),
          async (extra, streamed, sender) => {
            tally();
            await t.app.drainer.drain();
            const logFrom = t.logs.lines.length;
            const before = { writes: writes(), counts: counts() };
            const padding = 'x'.repeat(MAX_WEBHOOK_BYTES + extra);
            const body = JSON.stringify({ routing_key: SECRETS.PD_ROUTING_KEY, padding });
            const headers = { 'content-type': 'application/json', ...sender.sign(body, 'event_alert') };
            const bytes = new TextEncoder().encode(body);
            const stream = new ReadableStream<Uint8Array>({
              start(controller) {
                for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.subarray(i, i + 64 * 1024));
                controller.close();
              },
            });
            const answer = await fetch(
              `${t.baseUrl}/webhooks/${sender.integration}`,
              streamed ? ({ method: 'POST', headers, body: stream, duplex: 'half' } as RequestInit) : { method: 'POST', headers, body },
            );
            expect(answer.status).toBe(413);
            expect(isReadableReason(await reasonOf(answer))).toBe(true);
            expect(writes()).toBe(before.writes);
            expect(counts()).toEqual(before.counts);
            expect(errorLines(t, logFrom)).toEqual([]);
          },
        ),
        runs(12),
      );
    });
  });
}
