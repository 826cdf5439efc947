import { afterEach, describe, expect, it } from 'vitest';
import { PAGE_ACTIONS } from '../../src/paging/page-blocks.js';
import { reportFigures, reportText, shortDuration, spread, type ReportPage } from '../../src/reports/report.js';
import { FakeClock, HOUR, MINUTE } from '../../src/time/clock.js';
import { TestApp } from '../support/harness.js';
import { blockActionPayload } from '../support/signed-requests.js';
import { EXAMPLE_POLICY } from '../support/fixtures.js';

const POLICY = EXAMPLE_POLICY;
const at = (iso: string) => Date.parse(iso);

describe('report figures', () => {
  it('mean and p90 by nearest rank', () => {
    expect(spread([])).toEqual({ count: 0, meanMs: null, p90Ms: null });
    const minutes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 30].map((m) => m * MINUTE);
    expect(spread(minutes)).toEqual({ count: 10, meanMs: 7.5 * MINUTE, p90Ms: 9 * MINUTE });
  });

  it('counts a seeded week: by severity, acknowledge and resolve times, breaches, per person with nights, noisiest alerts', () => {
    // London business hours Mon-Fri 09:00-18:00; 2026-11-17 is a Tuesday (GMT = UTC in November).
    const page = (id: number, severity: string, created: string, ackMin: number | null, resolveMin: number | null, paged: string[], breached = false): ReportPage => ({
      id,
      severity,
      createdAt: at(created),
      ackedAt: ackMin === null ? null : at(created) + ackMin * MINUTE,
      resolvedAt: resolveMin === null ? null : at(created) + resolveMin * MINUTE,
      breachedAt: breached ? at(created) + 5 * MINUTE : null,
      paged,
    });
    const figures = reportFigures({
      title: 'On-call report for backend: the last week',
      from: at('2026-11-16T09:00:00Z'),
      to: at('2026-11-23T09:00:00Z'),
      severities: ['P0', 'P1', 'P2', 'P3'],
      businessHours: POLICY.businessHours,
      pages: [
        page(1, 'P1', '2026-11-17T10:00:00Z', 4, 60, ['U0BOB']),
        page(2, 'P1', '2026-11-18T03:00:00Z', 12, 90, ['U0BOB', 'U0CAROL'], true),
        page(3, 'P0', '2026-11-21T14:00:00Z', 2, null, ['U0BOB']), // Saturday: outside business hours
        page(4, 'P2', '2026-11-19T11:00:00Z', null, null, ['U0CAROL']),
      ],
      incidents: [
        { severity: 'P0', declaredAt: at('2026-11-21T14:05:00Z'), resolvedAt: at('2026-11-21T16:05:00Z') },
        { severity: 'P2', declaredAt: at('2026-11-19T11:00:00Z'), resolvedAt: null },
      ],
      alerts: [
        { integration: 'prometheus', summary: 'HighErrorRate', count: 40 },
        { integration: 'prometheus', summary: 'HighErrorRate', count: 2 },
        { integration: 'sentry', summary: 'TypeError in checkout', count: 9 },
      ],
    });
    expect(figures.pagesBySeverity).toEqual([['P0', 1], ['P1', 2], ['P2', 1], ['P3', 0]]);
    expect(figures.incidentsBySeverity).toEqual([['P0', 1], ['P1', 0], ['P2', 1], ['P3', 0]]);
    expect(figures.timeToAcknowledge).toEqual({ count: 3, meanMs: 6 * MINUTE, p90Ms: 12 * MINUTE });
    expect(figures.timeToResolvePage).toEqual({ count: 2, meanMs: 75 * MINUTE, p90Ms: 90 * MINUTE });
    expect(figures.timeToResolveIncident).toEqual({ count: 1, meanMs: 2 * HOUR, p90Ms: 2 * HOUR });
    expect(figures.breaches).toBe(1);
    expect(figures.perPerson).toEqual([
      { userId: 'U0BOB', pages: 3, night: 2 },
      { userId: 'U0CAROL', pages: 2, night: 1 },
    ]);
    expect(figures.noisiest).toEqual([
      { integration: 'prometheus', summary: 'HighErrorRate', count: 42 },
      { integration: 'sentry', summary: 'TypeError in checkout', count: 9 },
    ]);
    // Monday 16 09:00 to Monday 23 09:00 London: eight calendar days, the first and last in part.
    expect(figures.perDay).toEqual(
      ['16', '17', '18', '19', '20', '21', '22', '23'].map((d) => ({
        day: `2026-11-${d}`,
        pages: ['17', '18', '19', '21'].includes(d) ? 1 : 0,
        night: ['18', '21'].includes(d) ? 1 : 0,
      })),
    );
    const text = reportText(figures, (ms) => new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' }).format(ms), (u) => `<@${u}>`);
    expect(text).toBe(
      [
        '*On-call report for backend: the last week*, 16 Nov 2026 to 23 Nov 2026',
        '*Pages* 4: P0 1 · P1 2 · P2 1 · P3 0',
        '*Incidents* 2: P0 1 · P1 0 · P2 1 · P3 0',
        '*Time to acknowledge* mean 6 min, p90 12 min (3)',
        '*Time to resolve* pages mean 1 h 15 min, p90 1 h 30 min (2); incidents mean 2 h, p90 2 h (1)',
        '*Acknowledged after the SLA* 1',
        '*Pages per person* <@U0BOB> 3 (2 outside business hours), <@U0CAROL> 2 (1 outside business hours)',
        '*Noisiest alerts*\n1. HighErrorRate (prometheus): 42×\n2. TypeError in checkout (sentry): 9×',
      ].join('\n'),
    );
  });

  it('says durations the way people do', () => {
    expect([20_000, 4 * MINUTE, 75 * MINUTE, 2 * HOUR, 51 * HOUR].map(shortDuration)).toEqual(['20 s', '4 min', '1 h 15 min', '2 h', '2 d 3 h']);
  });
});

describe('/oncall report', () => {
  let t: TestApp;
  afterEach(async () => t?.close());

  it('reports the pages raised and acknowledged through the bot, and explains a wrong argument', async () => {
    // Friday 20 Nov 2026 14:00 UTC: Bob is primary of backend.
    t = await TestApp.start({ policy: POLICY, clock: new FakeClock('2026-11-20T14:00:00Z') });
    for (const [minutes, summary] of [[3, 'checkout 500s'], [9, 'queue backlog']] as const) {
      const answer = await t.command('/oncall', `page backend --severity P1 ${summary}`, 'U0ALICE');
      const id = /page #(\d+)/.exec((answer.json() as { text: string }).text)![1]!;
      await t.advance(minutes * MINUTE);
      expect((await t.interact(blockActionPayload('U0BOB', PAGE_ACTIONS.ack, id))).status).toBe(200);
    }
    const report = await t.command('/oncall', 'report week backend', 'U0CAROL');
    const text = (report.json() as { text: string }).text;
    expect(text).toContain('*On-call report for backend: the last week*');
    expect(text).toContain('*Pages* 2: P0 0 · P1 2');
    expect(text).toContain('*Time to acknowledge* mean 6 min, p90 9 min (2)');
    expect(text).toContain('*Pages per person* <@U0BOB> 2');
    const wrong = await t.command('/oncall', 'report fortnight', 'U0CAROL');
    expect((wrong.json() as { text: string }).text).toContain('"fortnight" is neither a period (week, month) nor a rotation (backend)');
  });
});
