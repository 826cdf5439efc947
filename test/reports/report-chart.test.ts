import { afterEach, describe, expect, it } from 'vitest';
import { PAGE_ACTIONS } from '../../src/paging/page-blocks.js';
import { DAYTIME, NIGHT, personLabels, reportChart, reportChartSpec } from '../../src/reports/report-chart.js';
import { renderReportChart } from '../../src/reports/report-chart-render.js';
import { FakeClock, HOUR, MINUTE } from '../../src/time/clock.js';
import { EXAMPLE_POLICY } from '../support/fixtures.js';
import { TestApp } from '../support/harness.js';
import { blockActionPayload } from '../support/signed-requests.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from the PNG's IHDR chunk, which always comes first. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const figures = {
  title: 'On-call report for backend: the last week',
  perDay: [
    { day: '2026-11-17', pages: 3, night: 1 },
    { day: '2026-11-18', pages: 0, night: 0 },
  ],
  perPerson: [
    { userId: 'U0BOB', pages: 3, night: 1 },
    { userId: 'U0CAROL', pages: 1, night: 0 },
  ],
};

describe('report chart', () => {
  it('splits every bar into business hours and outside them, with names on the people', () => {
    const spec = reportChartSpec(figures, (id) => ({ U0BOB: 'Bob', U0CAROL: 'Carol' })[id] ?? id) as {
      vconcat: Array<{ data: { values: unknown[] } }>;
    };
    const [perDay, perPerson] = spec.vconcat;
    expect(perDay!.data.values).toEqual([
      { key: 'Tue 17', when: DAYTIME, pages: 2 },
      { key: 'Tue 17', when: NIGHT, pages: 1 },
      { key: 'Wed 18', when: DAYTIME, pages: 0 },
      { key: 'Wed 18', when: NIGHT, pages: 0 },
    ]);
    expect(perPerson!.data.values).toEqual([
      { key: 'Bob', when: DAYTIME, pages: 2 },
      { key: 'Bob', when: NIGHT, pages: 1 },
      { key: 'Carol', when: DAYTIME, pages: 1 },
      { key: 'Carol', when: NIGHT, pages: 0 },
    ]);
  });

  it('keeps two people of the same name apart, and names nobody it cannot', () => {
    const labels = personLabels(
      ['U0BOB', 'U0BOB2', 'U0CAROL', 'U0GONE'],
      new Map([
        ['U0BOB', 'Bob'],
        ['U0BOB2', 'Bob'],
        ['U0CAROL', 'Carol'],
      ]),
    );
    expect([...labels.values()]).toEqual(['Bob (U0BOB)', 'Bob (U0BOB2)', 'Carol', 'U0GONE']);
  });

  it('draws a PNG, taller with more people', async () => {
    const two = pngSize(
      await renderReportChart(
        figures,
        new Map([
          ['U0BOB', 'Bob'],
          ['U0CAROL', 'Carol'],
        ]),
      ),
    );
    expect(two.width).toBeGreaterThan(1000); // 520 px of plot, drawn at twice the size
    const many = { ...figures, perPerson: Array.from({ length: 12 }, (_, i) => ({ userId: `U0P${i}`, pages: i + 1, night: 0 })) };
    expect(pngSize(await renderReportChart(many, new Map())).height).toBeGreaterThan(two.height);
  });
});

describe('weekly report with its chart', () => {
  let t: TestApp;
  afterEach(async () => t?.close());

  it('uploads the chart into the rotation channel right after the report, at the Monday handoff', async () => {
    // Friday 20 Nov 2026 14:00 UTC: Bob is primary of backend; the weekly shift changes Monday 23 Nov 09:00 UTC.
    t = await TestApp.start({ policy: EXAMPLE_POLICY, clock: new FakeClock('2026-11-20T14:00:00Z') });
    t.standIn.addUser({ id: 'U0BOB', name: 'Bob Example' });
    for (const summary of ['checkout 500s', 'queue backlog']) {
      const answer = await t.command('/oncall', `page backend --severity P1 ${summary}`, 'U0ALICE');
      const id = /page #(\d+)/.exec((answer.json() as { text: string }).text)![1]!;
      await t.advance(5 * MINUTE);
      expect((await t.interact(blockActionPayload('U0BOB', PAGE_ACTIONS.ack, id))).status).toBe(200);
    }
    // To the handoff: 2 days, 18 hours and 50 minutes later.
    for (let step = 0; step < 67; step += 1) await t.advance(HOUR);
    await t.tick();
    await t.app.drainer.drain();

    const files = [...t.standIn.files.values()];
    expect(files).toHaveLength(1);
    const [file] = files;
    expect(file!.channel).toBe('C0BACKEND');
    expect(file!.filename).toBe('oncall-report-backend-2026-11-23.png');
    expect(file!.title).toBe('On-call report for backend: the last week: pages per day and per person');
    expect(file!.altText).toContain('pages per day and pages per person');
    expect(pngSize(file!.bytes!).width).toBeGreaterThan(1000);
    const report = t.standIn.delivered('chat.postMessage').find((c) => String(c.args.text).startsWith('*On-call report for backend:'));
    const completed = t.standIn.delivered('files.completeUploadExternal');
    expect(report).toBeDefined();
    expect(completed).toHaveLength(1);
    expect(completed[0]!.seq).toBeGreaterThan(report!.seq);
    // The name on the bar came from Slack's users.info, asked when the upload was sent.
    expect(t.standIn.delivered('users.info').some((c) => c.args.user === 'U0BOB')).toBe(true);
  });

  it('posts no chart for a week in which nobody was paged', async () => {
    t = await TestApp.start({ policy: EXAMPLE_POLICY, clock: new FakeClock('2026-11-23T08:00:00Z') });
    await t.advance(HOUR);
    await t.tick();
    await t.app.drainer.drain();
    expect(t.standIn.delivered('chat.postMessage').some((c) => String(c.args.text).startsWith('*On-call report for backend:'))).toBe(true);
    expect(t.standIn.files.size).toBe(0);
  });
});

describe('chart figures from a report', () => {
  it('keeps the fifteen most paged people', () => {
    const perPerson = Array.from({ length: 20 }, (_, i) => ({ userId: `U${i}`, pages: 20 - i, night: 0 }));
    const chart = reportChart({ ...figures, perPerson } as never);
    expect(chart.perPerson.map((p) => p.userId)).toEqual(perPerson.slice(0, 15).map((p) => p.userId));
  });
});
