/**
 * Dedup keys of the alert normalizers, over generated payloads: the same alert always gets the same key
 * (whatever its status, its text, the order of its fields or how the source spells its id), and two
 * different alerts different keys. A repeat updates an alert and a resolve closes it only through this key.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NORMALIZERS } from '../../src/alerts/sources/index.js';

const RUNS = { seed: 7, numRuns: 150 };
const none = {};

/** The same object with its keys in another order. */
function reordered<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).reverse()) as T;
}

const labelsArb = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 12 }), { minKeys: 1, maxKeys: 6 });
const textArb = fc.string({ maxLength: 40 });
const statusArb = fc.constantFrom('firing', 'resolved');

const amAlert = (labels: Record<string, string>, status: string, summary: string, fingerprint?: string) => ({
  alerts: [
    { status, labels, annotations: { summary }, startsAt: '2026-11-20T03:12:00Z', ...(fingerprint === undefined ? {} : { fingerprint }) },
  ],
});
const amKey = (body: unknown) => NORMALIZERS.alertmanager!(body, none)[0]!.dedupKey;

describe('dedup keys', () => {
  it('Alertmanager without a fingerprint: the label set decides, not its order, the status or the text', () => {
    fc.assert(
      fc.property(labelsArb, statusArb, statusArb, textArb, textArb, (labels, s1, s2, t1, t2) => {
        const key = amKey(amAlert(labels, s1, t1));
        expect(key).toMatch(/^labels:[0-9a-f]{16}$/);
        expect(amKey(amAlert(reordered(labels), s2, t2))).toBe(key);
        expect(NORMALIZERS.grafana!(amAlert(labels, s2, t2), none)[0]!.dedupKey).toBe(key);
      }),
      RUNS,
    );
  });

  it('Alertmanager without a fingerprint: different label sets get different keys', () => {
    fc.assert(
      fc.property(labelsArb, labelsArb, (a, b) => {
        const same = JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
        expect(amKey(amAlert(a, 'firing', 'x')) === amKey(amAlert(b, 'firing', 'x'))).toBe(same);
      }),
      RUNS,
    );
  });

  it('Alertmanager labels whose values hold "," and "=" do not pass for other labels', () => {
    expect(amKey(amAlert({ job: 'api,instance=a' }, 'firing', 'x'))).not.toBe(amKey(amAlert({ job: 'api', instance: 'a' }, 'firing', 'x')));
    expect(amKey(amAlert({ a: 'b=c' }, 'firing', 'x'))).not.toBe(amKey(amAlert({ 'a=b': 'c' }, 'firing', 'x')));
  });

  it('Alertmanager with a fingerprint: the fingerprint is the key, whatever the labels', () => {
    fc.assert(
      fc.property(labelsArb, labelsArb, fc.string({ minLength: 1, maxLength: 20 }), statusArb, (a, b, fingerprint, status) => {
        expect(amKey(amAlert(a, 'firing', 'x', fingerprint))).toBe(fingerprint);
        expect(amKey(amAlert(b, status, 'y', fingerprint))).toBe(fingerprint);
      }),
      RUNS,
    );
  });

  it('generic: dedup_key, from firing to resolved', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 255 }), textArb, (key, title) => {
        const firing = NORMALIZERS.generic!({ title: title || 't', dedup_key: key, status: 'firing', service: 'svc' }, none)[0]!;
        const resolved = NORMALIZERS.generic!(reordered({ dedup_key: key, status: 'resolved' }), none)[0]!;
        expect(firing.dedupKey).toBe(key);
        expect(resolved.dedupKey).toBe(key);
      }),
      RUNS,
    );
  });

  it('PagerDuty: dedup_key across trigger, acknowledge and resolve; without one, the summary of the trigger', () => {
    fc.assert(
      fc.property(
        fc.option(fc.string({ minLength: 1, maxLength: 30 }), { nil: undefined }),
        fc.string({ minLength: 1, maxLength: 40 }),
        (key, summary) => {
          const trigger = {
            routing_key: 'R',
            event_action: 'trigger',
            ...(key === undefined ? {} : { dedup_key: key }),
            payload: { summary, severity: 'critical', source: 'db-2' },
          };
          const triggered = NORMALIZERS['pagerduty-events-v2']!(trigger, none)[0]!.dedupKey;
          expect(triggered).toBe(key ?? `summary:${summary}`);
          expect(NORMALIZERS['pagerduty-events-v2']!(reordered(trigger), none)[0]!.dedupKey).toBe(triggered);
          for (const action of ['acknowledge', 'resolve']) {
            expect(
              NORMALIZERS['pagerduty-events-v2']!({ routing_key: 'R', event_action: action, dedup_key: triggered }, none)[0]!.dedupKey,
            ).toBe(triggered);
          }
        },
      ),
      RUNS,
    );
  });

  it('Uptime Kuma: the monitor id, down or up, whatever the message', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), fc.nat({ max: 1_000_000 }), textArb, textArb, (id, other, msg1, msg2) => {
        const body = (monitorId: number, status: number, msg: string) => ({
          heartbeat: { status, msg },
          monitor: { id: monitorId, name: 'API' },
          msg,
        });
        const down = NORMALIZERS['uptime-kuma']!(body(id, 0, msg1), none)[0]!.dedupKey;
        expect(down).toBe(`monitor:${id}`);
        expect(NORMALIZERS['uptime-kuma']!(reordered(body(id, 1, msg2)), none)[0]!.dedupKey).toBe(down);
        if (other !== id) expect(NORMALIZERS['uptime-kuma']!(body(other, 0, msg1), none)[0]!.dedupKey).not.toBe(down);
      }),
      RUNS,
    );
  });

  it('Sentry: an issue has one key, however its id is given, from the event alert to the resolve', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), fc.boolean(), textArb, (id, idAsNumber, title) => {
        const fromId = { action: 'triggered', data: { event: { issue_id: idAsNumber ? id : String(id), title } } };
        const fromUrl = { action: 'triggered', data: { event: { issue_url: `https://sentry.io/api/0/issues/${id}/`, title } } };
        const resolved = { action: 'resolved', data: { issue: { id: idAsNumber ? String(id) : id, title } } };
        const key = `issue:${id}`;
        expect(NORMALIZERS.sentry!(fromId, { 'sentry-hook-resource': 'event_alert' })[0]!.dedupKey).toBe(key);
        expect(NORMALIZERS.sentry!(fromUrl, { 'sentry-hook-resource': 'event_alert' })[0]!.dedupKey).toBe(key);
        expect(NORMALIZERS.sentry!(resolved, { 'sentry-hook-resource': 'issue' })[0]!.dedupKey).toBe(key);
      }),
      RUNS,
    );
  });

  it('Sentry metric alerts: the alert rule id, critical, warning or resolved', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.constantFrom('critical', 'warning', 'resolved'),
        fc.boolean(),
        (id, action, idAsNumber) => {
          const body = { action, data: { metric_alert: { id: idAsNumber ? id : String(id), title: 'Error spike' } } };
          expect(NORMALIZERS.sentry!(body, { 'sentry-hook-resource': 'metric_alert' })[0]!.dedupKey).toBe(`metric:${id}`);
        },
      ),
      RUNS,
    );
  });
});
