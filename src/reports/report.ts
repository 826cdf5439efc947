/**
 * How heavy the last week or month was, pure: pages and incidents by severity, time to acknowledge and to
 * resolve (mean and p90), ack-SLA breaches, pages per person and how many of those came outside business hours,
 * the noisiest alerts. The shell gathers the rows; this turns them into figures and words.
 */
import type { PageFigures } from '../paging/page-store.js';
import type { BusinessHours } from '../time/business-hours.js';
import { businessWindowOn, isBusinessTime, type Window } from '../time/business-hours.js';
import { addDaysToDate, dayNumber, instantToWallTime, wallTimeToInstant, type CalendarDate } from '../time/zoned.js';
import { durationWords } from '../time/duration-words.js';

/** A page as the report counts it: paging's figures of it, and whom it reached. */
export interface ReportPage extends PageFigures {
  /** Everyone the page reached, each once. */
  paged: readonly string[];
}

export interface ReportIncident {
  severity: string;
  declaredAt: number;
  resolvedAt: number | null;
}

export interface ReportAlert {
  integration: string;
  summary: string;
  count: number;
}

export interface ReportInput {
  title: string;
  from: number;
  to: number;
  severities: readonly string[];
  businessHours: BusinessHours;
  pages: readonly ReportPage[];
  incidents: readonly ReportIncident[];
  alerts: readonly ReportAlert[];
}

export interface Spread {
  count: number;
  meanMs: number | null;
  p90Ms: number | null;
}

export interface ReportFigures {
  title: string;
  from: number;
  to: number;
  pagesBySeverity: Array<[string, number]>;
  incidentsBySeverity: Array<[string, number]>;
  timeToAcknowledge: Spread;
  timeToResolvePage: Spread;
  timeToResolveIncident: Spread;
  breaches: number;
  /** Most paged first: [user, pages, of which outside business hours]. */
  perPerson: Array<{ userId: string; pages: number; night: number }>;
  noisiest: Array<{ integration: string; summary: string; count: number }>;
  /** Every day of the period in the team's zone, oldest first, even the quiet ones: "2026-03-02". */
  perDay: Array<{ day: string; pages: number; night: number }>;
}

/** Mean and the 90th percentile (nearest rank) of some durations. */
export function spread(durations: readonly number[]): Spread {
  if (durations.length === 0) return { count: 0, meanMs: null, p90Ms: null };
  const sorted = [...durations].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, d) => sum + d, 0) / sorted.length;
  return { count: sorted.length, meanMs: mean, p90Ms: sorted[Math.ceil(0.9 * sorted.length) - 1]! };
}

function bySeverity(severities: readonly string[], items: ReadonlyArray<{ severity: string }>): Array<[string, number]> {
  const known = severities.map((s): [string, number] => [s, items.filter((i) => i.severity === s).length]);
  const others = [...new Set(items.map((i) => i.severity))]
    .filter((s) => !severities.includes(s))
    .map((s): [string, number] => [s, items.filter((i) => i.severity === s).length]);
  return [...known, ...others];
}

const isoDate = (d: CalendarDate) => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

interface PeriodDay {
  day: string;
  /** The day's first instant in the zone. */
  start: number;
  window: Window | null;
}

/**
 * The period's calendar days in the business-hours zone, from the day of the first instant to the day of the
 * last, each with its first instant and business window, and the first instant after the last day. A month's
 * pages are placed on them by a binary search: a few zone conversions per day instead of some per page (a
 * month of a large team's pages is tens of thousands, and a conversion costs tens of microseconds).
 */
function periodDays(input: ReportInput): { days: PeriodDay[]; end: number } {
  const zone = input.businessHours.zone;
  const midnight = (d: CalendarDate) => wallTimeToInstant(zone, { ...d, hour: 0, minute: 0 });
  const first = instantToWallTime(zone, input.from);
  const last = instantToWallTime(zone, Math.max(input.from, input.to - 1));
  const days: PeriodDay[] = [];
  let d: CalendarDate = first;
  for (let n = 0; dayNumber(d) <= dayNumber(last) && n < 400; d = addDaysToDate(d, 1), n += 1) {
    days.push({ day: isoDate(d), start: midnight(d), window: businessWindowOn(input.businessHours, d) });
  }
  return { days, end: midnight(d) };
}

/** The index of the day `ms` falls on, or -1 outside the period's days. */
function dayIndex(days: readonly PeriodDay[], end: number, ms: number): number {
  if (days.length === 0 || ms < days[0]!.start || ms >= end) return -1;
  let low = 0;
  let high = days.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (days[mid]!.start <= ms) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** How many of the noisiest alerts a report shows. */
export const NOISIEST_SHOWN = 5;

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Most counted first; ties by summary, then integration, in code point order (the order SQLite sorts text in). */
function noisiestFirst(a: ReportAlert, b: ReportAlert): number {
  return b.count - a.count || byCodePoint(a.summary, b.summary) || byCodePoint(a.integration, b.integration);
}

export function reportFigures(input: ReportInput): ReportFigures {
  const { pages, incidents } = input;
  const { days, end } = periodDays(input);
  const perDay = days.map((d) => ({ day: d.day, pages: 0, night: 0 }));
  const people = new Map<string, { pages: number; night: number }>();
  for (const page of pages) {
    const i = dayIndex(days, end, page.createdAt);
    const window = i < 0 ? null : days[i]!.window;
    const night =
      i < 0
        ? !isBusinessTime(input.businessHours, page.createdAt)
        : !(window && page.createdAt >= window.open && page.createdAt < window.close);
    if (i >= 0) {
      perDay[i]!.pages += 1;
      if (night) perDay[i]!.night += 1;
    }
    for (const userId of page.paged) {
      const row = people.get(userId) ?? { pages: 0, night: 0 };
      row.pages += 1;
      if (night) row.night += 1;
      people.set(userId, row);
    }
  }
  const noisy = new Map<string, { integration: string; summary: string; count: number }>();
  for (const alert of input.alerts) {
    const key = `${alert.integration}\u0000${alert.summary}`;
    const row = noisy.get(key) ?? { integration: alert.integration, summary: alert.summary, count: 0 };
    row.count += alert.count;
    noisy.set(key, row);
  }
  return {
    title: input.title,
    from: input.from,
    to: input.to,
    pagesBySeverity: bySeverity(input.severities, pages),
    incidentsBySeverity: bySeverity(input.severities, incidents),
    timeToAcknowledge: spread(pages.flatMap((p) => (p.ackedAt === null ? [] : [p.ackedAt - p.createdAt]))),
    timeToResolvePage: spread(pages.flatMap((p) => (p.resolvedAt === null ? [] : [p.resolvedAt - p.createdAt]))),
    timeToResolveIncident: spread(incidents.flatMap((i) => (i.resolvedAt === null ? [] : [i.resolvedAt - i.declaredAt]))),
    breaches: pages.filter((p) => p.breachedAt !== null).length,
    perPerson: [...people]
      .map(([userId, row]) => ({ userId, ...row }))
      .sort((a, b) => b.pages - a.pages || b.night - a.night || a.userId.localeCompare(b.userId)),
    noisiest: [...noisy.values()].sort(noisiestFirst).slice(0, NOISIEST_SHOWN),
    perDay,
  };
}

/** "4 min", "1 h 12 min", "2 d 3 h" (time/duration-words.ts). */
export const shortDuration = durationWords;

function spreadText(s: Spread): string {
  return s.count === 0 || s.meanMs === null || s.p90Ms === null
    ? 'none yet'
    : `mean ${shortDuration(s.meanMs)}, p90 ${shortDuration(s.p90Ms)} (${s.count})`;
}

const counts = (rows: Array<[string, number]>) => rows.map(([sev, n]) => `${sev} ${n}`).join(' · ');

/** The report as Slack mrkdwn; `date` renders an instant, `who` a person. */
export function reportText(f: ReportFigures, date: (ms: number) => string, who: (userId: string) => string): string {
  const total = f.pagesBySeverity.reduce((sum, [, n]) => sum + n, 0);
  const incidents = f.incidentsBySeverity.reduce((sum, [, n]) => sum + n, 0);
  const lines = [
    `*${f.title}*, ${date(f.from)} to ${date(f.to)}`,
    `*Pages* ${total}: ${counts(f.pagesBySeverity)}`,
    `*Incidents* ${incidents}: ${counts(f.incidentsBySeverity)}`,
    `*Time to acknowledge* ${spreadText(f.timeToAcknowledge)}`,
    `*Time to resolve* pages ${spreadText(f.timeToResolvePage)}; incidents ${spreadText(f.timeToResolveIncident)}`,
    `*Acknowledged after the SLA* ${f.breaches}`,
    f.perPerson.length === 0
      ? '*Pages per person* nobody was paged'
      : `*Pages per person* ${f.perPerson.map((p) => `${who(p.userId)} ${p.pages}${p.night ? ` (${p.night} outside business hours)` : ''}`).join(', ')}`,
    f.noisiest.length === 0
      ? '*Noisiest alerts* none'
      : `*Noisiest alerts*\n${f.noisiest.map((a, i) => `${i + 1}. ${a.summary} (${a.integration}): ${a.count}×`).join('\n')}`,
  ];
  return lines.join('\n');
}
