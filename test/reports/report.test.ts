import { afterEach, describe, expect, it } from 'vitest';
import { PAGE_ACTIONS } from '../../src/paging/page-blocks.js';
import { reportFigures, reportText, shortDuration, spread, type ReportInput, type ReportPage } from '../../src/reports/report.js';
import { DAY, FakeClock, HOUR, MINUTE } from '../../src/time/clock.js';
import { isBusinessTime } from '../../src/time/business-hours.js';
import { formatInZone } from '../../src/time/zoned.js';
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
    const page = (
      id: number,
      severity: string,
      created: string,
      ackMin: number | null,
      resolveMin: number | null,
      paged: string[],
      breached = false,
    ): ReportPage => ({
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
    expect(figures.pagesBySeverity).toEqual([
      ['P0', 1],
      ['P1', 2],
      ['P2', 1],
      ['P3', 0],
    ]);
    expect(figures.incidentsBySeverity).toEqual([
      ['P0', 1],
      ['P1', 0],
      ['P2', 1],
      ['P3', 0],
    ]);
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
    const text = reportText(
      figures,
      (ms) => new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' }).format(ms),
      (u) => `<@${u}>`,
    );
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

  it.each([
    // [durations in minutes, p90 by nearest rank: the ceil(0.9 n)-th smallest]
    [[7], 7],
    [[10, 1], 10],
    [[5, 1, 4, 2, 3], 5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 10],
    [Array.from({ length: 20 }, (_, i) => 20 - i), 18],
    [[3, 3, 3, 3, 3, 3, 3, 3, 3, 100], 3],
  ])('p90 of %j minutes is %i minutes (nearest rank, any input order)', (minutes, p90) => {
    const input = minutes.map((m) => m * MINUTE);
    const copy = [...input];
    const result = spread(input);
    expect(result.p90Ms).toBe(p90 * MINUTE);
    expect(result.count).toBe(minutes.length);
    expect(result.meanMs).toBeCloseTo((minutes.reduce((a, b) => a + b, 0) / minutes.length) * MINUTE, 6);
    expect(input).toEqual(copy); // the caller's list is not reordered
  });

  const EMPTY_WEEK: ReportInput = {
    title: 'On-call report: the last week',
    from: at('2026-11-16T09:00:00Z'),
    to: at('2026-11-23T09:00:00Z'),
    severities: ['P0', 'P1', 'P2', 'P3'],
    businessHours: POLICY.businessHours,
    pages: [],
    incidents: [],
    alerts: [],
  };

  it('an empty week reads as quiet, with zero counts and every day present, not as missing figures', () => {
    const figures = reportFigures(EMPTY_WEEK);
    expect(figures.perDay.map((d) => [d.day, d.pages, d.night])).toEqual(
      ['16', '17', '18', '19', '20', '21', '22', '23'].map((d) => [`2026-11-${d}`, 0, 0]),
    );
    expect(
      reportText(
        figures,
        (ms) => formatInZone(ms, 'UTC', 'yyyy-MM-dd'),
        (u) => u,
      ),
    ).toBe(
      [
        '*On-call report: the last week*, 2026-11-16 to 2026-11-23',
        '*Pages* 0: P0 0 · P1 0 · P2 0 · P3 0',
        '*Incidents* 0: P0 0 · P1 0 · P2 0 · P3 0',
        '*Time to acknowledge* none yet',
        '*Time to resolve* pages none yet; incidents none yet',
        '*Acknowledged after the SLA* 0',
        '*Pages per person* nobody was paged',
        '*Noisiest alerts* none',
      ].join('\n'),
    );
  });

  it("a severity the policy no longer has is still counted, after the policy's own; ties in pages per person go to nights, then id; five noisiest only", () => {
    const page = (id: number, severity: string, created: string, paged: string[]): ReportPage => ({
      id,
      severity,
      createdAt: at(created),
      ackedAt: null,
      resolvedAt: null,
      breachedAt: null,
      paged,
    });
    const figures = reportFigures({
      ...EMPTY_WEEK,
      pages: [
        page(1, 'SEV1', '2026-11-17T10:00:00Z', ['U0DAN']), // from an older policy
        page(2, 'P1', '2026-11-17T11:00:00Z', ['U0CAROL']),
        page(3, 'P1', '2026-11-18T02:00:00Z', ['U0BOB']), // at night
        page(4, 'P2', '2026-11-18T12:00:00Z', ['U0ALICE']),
      ],
      alerts: ['a', 'b', 'c', 'd', 'e', 'f'].map((summary, i) => ({ integration: 'prometheus', summary, count: i === 5 ? 1 : 10 })),
    });
    expect(figures.pagesBySeverity).toEqual([
      ['P0', 0],
      ['P1', 2],
      ['P2', 1],
      ['P3', 0],
      ['SEV1', 1],
    ]);
    expect(figures.perPerson.map((p) => [p.userId, p.pages, p.night])).toEqual([
      ['U0BOB', 1, 1],
      ['U0ALICE', 1, 0],
      ['U0CAROL', 1, 0],
      ['U0DAN', 1, 0],
    ]);
    expect(figures.noisiest.map((a) => a.summary)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it("days and nights are the team's: 23:30 UTC in a London summer is half past midnight the next day, outside business hours", () => {
    const figures = reportFigures({
      ...EMPTY_WEEK,
      from: at('2026-07-13T08:00:00Z'), // Monday 09:00 BST
      to: at('2026-07-20T08:00:00Z'),
      pages: [
        {
          id: 1,
          severity: 'P1',
          createdAt: at('2026-07-14T23:30:00Z'),
          ackedAt: null,
          resolvedAt: null,
          breachedAt: null,
          paged: ['U0BOB'],
        },
        // 08:30 UTC on a Wednesday is 09:30 in London: business hours.
        {
          id: 2,
          severity: 'P1',
          createdAt: at('2026-07-15T08:30:00Z'),
          ackedAt: null,
          resolvedAt: null,
          breachedAt: null,
          paged: ['U0BOB'],
        },
      ],
    });
    expect(figures.perDay.find((d) => d.day === '2026-07-14')).toEqual({ day: '2026-07-14', pages: 0, night: 0 });
    expect(figures.perDay.find((d) => d.day === '2026-07-15')).toEqual({ day: '2026-07-15', pages: 2, night: 1 });
    expect(figures.perPerson).toEqual([{ userId: 'U0BOB', pages: 2, night: 1 }]);
  });

  it('places each page on its day and tells night from day as a page-by-page zone conversion would, across DST changes and 30-minute offsets', () => {
    // A page every 13 minutes for a month holding a DST change, in zones whose clocks jump at 02:00, at midnight
    // (Santiago: Saturday 24:00 back to 23:00), and by half an hour (Lord Howe), business hours ending at 24:00 too.
    const cases: Array<{ zone: string; from: string; end: string }> = [
      { zone: 'America/New_York', from: '2026-02-20T00:00:00Z', end: '18:00' },
      { zone: 'America/Santiago', from: '2026-03-20T00:00:00Z', end: '24:00' },
      { zone: 'Australia/Lord_Howe', from: '2026-03-20T00:00:00Z', end: '18:00' },
      { zone: 'Europe/London', from: '2026-10-10T00:00:00Z', end: '18:00' },
    ];
    for (const { zone, from, end } of cases) {
      const businessHours = { zone, days: [1, 2, 3, 4, 5], start: '09:00', end };
      const start = at(from);
      const to = start + 30 * DAY;
      const pages: ReportPage[] = [];
      for (let t = start - 3 * HOUR, id = 1; t < to + 3 * HOUR; t += 13 * MINUTE, id += 1)
        pages.push({ id, severity: 'P1', createdAt: t, ackedAt: null, resolvedAt: null, breachedAt: null, paged: ['U0BOB'] });
      const figures = reportFigures({ title: 't', from: start, to, severities: ['P1'], businessHours, pages, incidents: [], alerts: [] });
      // The slow way: each page's own wall date and isBusinessTime.
      const expected = new Map<string, { pages: number; night: number }>();
      let nights = 0;
      for (const page of pages) {
        const night = !isBusinessTime(businessHours, page.createdAt);
        if (night) nights += 1;
        const day = formatInZone(page.createdAt, zone, 'yyyy-MM-dd');
        if (!expected.has(day)) expected.set(day, { pages: 0, night: 0 });
        expected.get(day)!.pages += 1;
        if (night) expected.get(day)!.night += 1;
      }
      expect(figures.perPerson, zone).toEqual([{ userId: 'U0BOB', pages: pages.length, night: nights }]);
      for (const row of figures.perDay)
        expect({ zone, ...row }).toEqual({ zone, day: row.day, ...(expected.get(row.day) ?? { pages: 0, night: 0 }) });
      expect(figures.perDay.length, zone).toBeGreaterThanOrEqual(30);
    }
  });

  it('says durations the way people do', () => {
    expect([20_000, 4 * MINUTE, 75 * MINUTE, 2 * HOUR, 51 * HOUR].map(shortDuration)).toEqual([
      '20 s',
      '4 min',
      '1 h 15 min',
      '2 h',
      '2 d 3 h',
    ]);
  });
});

describe('/oncall report', () => {
  let t: TestApp;
  afterEach(async () => t?.close());

  it('reports the pages raised and acknowledged through the bot, and explains a wrong argument', async () => {
    // Friday 20 Nov 2026 14:00 UTC: Bob is primary of backend.
    t = await TestApp.start({ policy: POLICY, clock: new FakeClock('2026-11-20T14:00:00Z') });
    for (const [minutes, summary] of [
      [3, 'checkout 500s'],
      [9, 'queue backlog'],
    ] as const) {
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

  /** Pages backend with a P1 (or the severity given) as Alice and returns its id. */
  async function page(summary: string, severity = 'P1'): Promise<string> {
    const answer = await t.command('/oncall', `page backend --severity ${severity} ${summary}`, 'U0ALICE');
    return /page #(\d+)/.exec((answer.json() as { text: string }).text)![1]!;
  }

  it('counts every page answered after its ack SLA: acknowledged late, acknowledged before the ticker saw the deadline, resolved late without an ack', async () => {
    // Friday 20 Nov 2026 14:00 UTC: Bob is primary of backend; the P1 ack SLA is 15 minutes, P3 has none.
    t = await TestApp.start({ policy: POLICY, clock: new FakeClock('2026-11-20T14:00:00Z') });
    const onTime = await page('on time');
    await t.advance(4 * MINUTE);
    await t.interact(blockActionPayload('U0BOB', PAGE_ACTIONS.ack, onTime));

    const late = await page('late, the SLA timer fired');
    await t.advance(20 * MINUTE);
    await t.interact(blockActionPayload('U0BOB', PAGE_ACTIONS.ack, late));

    const unseen = await page('late, the ticker had not run');
    t.clock.advance(16 * MINUTE);
    await t.interact(blockActionPayload('U0BOB', PAGE_ACTIONS.ack, unseen));

    const resolved = await page('resolved late, never acknowledged');
    t.clock.advance(20 * MINUTE);
    await t.interact(blockActionPayload('U0BOB', PAGE_ACTIONS.resolve, resolved));

    const slow = await page('no SLA at all', 'P3');
    t.clock.advance(3 * HOUR);
    await t.interact(blockActionPayload('U0BOB', PAGE_ACTIONS.ack, slow));
    await t.settled();

    const text = ((await t.command('/oncall', 'report week backend', 'U0CAROL')).json() as { text: string }).text;
    expect(text).toContain('*Pages* 5: P0 0 · P1 4 · P2 0 · P3 1');
    expect(text).toContain('*Acknowledged after the SLA* 3');
    // Resolving acknowledges: 4, 20, 16, 20 and 180 minutes.
    expect(text).toContain('*Time to acknowledge* mean 48 min, p90 3 h (5)');
  });

  it('a week is [now - 7 days, now): a page exactly 7 days old is in it, a millisecond older is not', async () => {
    t = await TestApp.start({ policy: POLICY, clock: new FakeClock('2026-11-20T14:00:00Z') });
    await page('the edge');
    t.clock.advance(7 * DAY);
    expect(((await t.command('/oncall', 'report week', 'U0CAROL')).json() as { text: string }).text).toContain('*Pages* 1: P0 0 · P1 1');
    t.clock.advance(1);
    expect(((await t.command('/oncall', 'report week', 'U0CAROL')).json() as { text: string }).text).toContain('*Pages* 0: P0 0 · P1 0');
    expect(((await t.command('/oncall', 'report month', 'U0CAROL')).json() as { text: string }).text).toContain('*Pages* 1: P0 0 · P1 1');
  });

  it("at a quiet week's shift change the report goes to the rotation's channel, without a chart", async () => {
    // Sunday 22 Nov 2026; backend's shift changes Monday 09:00 UTC and nobody was paged this week.
    t = await TestApp.start({ policy: POLICY, clock: new FakeClock('2026-11-22T12:00:00Z') });
    await t.advance(21 * HOUR);
    await t.tick();
    const reports = t.standIn.take(
      'chat.postMessage',
      (a) => a.channel === 'C0BACKEND' && String(a.text).startsWith('*On-call report for backend: the last week*'),
    );
    expect(reports).toHaveLength(1);
    expect(String(reports[0]!.args.text)).toContain('*Pages per person* nobody was paged');
    expect(t.standIn.attempts('files.uploadV2')).toEqual([]);
    expect(t.standIn.attempts('files.getUploadURLExternal')).toEqual([]);
  });
});
