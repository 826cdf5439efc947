/**
 * The report's picture, pure: pages per day and pages per person, each bar split into business hours and
 * outside them, as a Vega-Lite spec. What goes into the outbox is the small `ReportChart` (ids, not names);
 * names are looked up and the PNG drawn only when the upload is sent (report-chart-render.ts).
 */
import { parseDate, weekdayOfDate } from '../time/zoned.js';
import type { ReportFigures } from './report.js';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** "2026-11-17" -> "Tue 17". */
function dayLabel(isoDay: string): string {
  const date = parseDate(isoDay);
  return date ? `${WEEKDAYS[weekdayOfDate(date)]} ${date.day}` : isoDay;
}

export interface ReportChart {
  title: string;
  perDay: ReportFigures['perDay'];
  perPerson: ReportFigures['perPerson'];
}

export const DAYTIME = 'business hours';
export const NIGHT = 'outside business hours';

export function reportChart(figures: ReportFigures): ReportChart {
  return { title: figures.title, perDay: figures.perDay, perPerson: figures.perPerson.slice(0, 15) };
}

/** Is this a chart the app wrote (outbox rows are read back from the database)? */
export function isReportChart(value: unknown): value is ReportChart {
  const chart = value as Partial<ReportChart> | null;
  return (
    typeof chart === 'object' &&
    chart !== null &&
    typeof chart.title === 'string' &&
    Array.isArray(chart.perDay) &&
    Array.isArray(chart.perPerson)
  );
}

/** Two stacked bar charts, one above the other; `name` turns a user id into the label on the bar. */
export function reportChartSpec(chart: ReportChart, name: (userId: string) => string): Record<string, unknown> {
  const split = <T extends { pages: number; night: number }>(rows: readonly T[], key: (row: T) => string) =>
    rows.flatMap((row) => [
      { key: key(row), when: DAYTIME, pages: row.pages - row.night },
      { key: key(row), when: NIGHT, pages: row.night },
    ]);
  const color = {
    field: 'when',
    type: 'nominal',
    title: null,
    scale: { domain: [DAYTIME, NIGHT], range: ['#4c78a8', '#e45756'] },
    legend: { orient: 'top', labelLimit: 0 },
  };
  const count = { field: 'pages', type: 'quantitative', aggregate: 'sum', title: 'pages', axis: { tickMinStep: 1 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: chart.title,
    background: 'white',
    config: { font: 'DejaVu Sans' },
    vconcat: [
      {
        title: 'Pages per day',
        width: 520,
        height: 160,
        data: { values: split(chart.perDay, (row) => dayLabel(row.day)) },
        mark: 'bar',
        encoding: { x: { field: 'key', type: 'ordinal', title: null, sort: null, axis: { labelAngle: 0 } }, y: count, color },
      },
      {
        title: 'Pages per person',
        width: 520,
        height: { step: 22 },
        data: { values: split(chart.perPerson, (row) => name(row.userId)) },
        mark: 'bar',
        encoding: { y: { field: 'key', type: 'nominal', title: null, sort: '-x' }, x: count, color },
      },
    ],
  };
}

/** Display names for the bars; two people with the same name keep separate bars. */
export function personLabels(userIds: readonly string[], names: ReadonlyMap<string, string>): Map<string, string> {
  const nameOf = (id: string) => names.get(id) ?? id;
  const uses = new Map<string, number>();
  for (const id of userIds) uses.set(nameOf(id), (uses.get(nameOf(id)) ?? 0) + 1);
  return new Map(userIds.map((id) => [id, (uses.get(nameOf(id)) ?? 0) > 1 ? `${nameOf(id)} (${id})` : nameOf(id)]));
}
