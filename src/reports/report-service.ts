/** Gathers a period's rows for the report (reads only), and posts the weekly one when a weekly shift ends. */
import type { Policy } from '../config/policy.js';
import type { Db } from '../db/connection.js';
import { noisiestAlertsOverlapping } from '../alerts/alert-store.js';
import { pageFiguresRaisedBetween, reachedByPagesRaisedBetween } from '../paging/page-store.js';
import { PRIORITY } from '../engine/outbox.js';
import type { EngineTx } from '../engine/engine.js';
import { incidentsDeclaredBetween } from '../incidents/incident-store.js';
import { mention, slackDate } from '../slack/format.js';
import { DAY } from '../time/clock.js';
import { formatInZone } from '../time/zoned.js';
import { reportChart } from './report-chart.js';
import { NOISIEST_SHOWN, reportFigures, reportText, type ReportFigures, type ReportPage } from './report.js';

export const REPORT_PERIODS = { week: 7 * DAY, month: 30 * DAY } as const;
export type ReportPeriod = keyof typeof REPORT_PERIODS;

export function gatherReport(db: Db, policy: Policy, period: ReportPeriod, to: number, rotation: string | null): ReportFigures {
  const from = to - REPORT_PERIODS[period];
  const pageRows = pageFiguresRaisedBetween(db, from, to, rotation);
  const reached = reachedByPagesRaisedBetween(db, from, to, rotation);
  const reportPages: ReportPage[] = pageRows.map((p) => ({
    id: p.id,
    severity: p.severity,
    createdAt: p.createdAt,
    ackedAt: p.ackedAt,
    resolvedAt: p.resolvedAt,
    breachedAt: p.breachedAt,
    paged: [...(reached.get(p.id) ?? [])],
  }));
  const incidentRows = incidentsDeclaredBetween(db, from, to, rotation);
  const alertRows = noisiestAlertsOverlapping(db, from, to, rotation, NOISIEST_SHOWN);
  return reportFigures({
    title: `On-call report${rotation ? ` for ${rotation}` : ''}: the last ${period}`,
    from,
    to,
    severities: policy.severities.map((s) => s.id),
    businessHours: policy.businessHours,
    pages: reportPages,
    incidents: incidentRows,
    alerts: alertRows,
  });
}

export function renderReport(figures: ReportFigures): string {
  return reportText(figures, slackDate, mention);
}

/**
 * At the end of a weekly shift, the week's report goes to the rotation's channel (with the handoff), followed by
 * its chart when anyone was paged (same lane: the picture arrives under its text).
 */
export function postWeeklyReport(tx: EngineTx, policy: Policy, rotationName: string): void {
  const rotation = policy.rotations[rotationName];
  if (!rotation || rotation.shift.everyMs !== 7 * DAY || !rotation.channel) return;
  const figures = gatherReport(tx.db, policy, 'week', tx.now, rotationName);
  tx.enqueue({ method: 'chat.postMessage', args: { channel: rotation.channel, text: renderReport(figures) }, priority: PRIORITY.notice });
  if (figures.perPerson.length === 0) return;
  tx.enqueue({
    method: 'files.uploadV2',
    args: {
      channel_id: rotation.channel,
      filename: `oncall-report-${rotationName}-${formatInZone(tx.now, policy.timezone, 'yyyy-MM-dd')}.png`,
      title: `${figures.title}: pages per day and per person`,
      alt_text: 'Bar charts of pages per day and pages per person, split into business hours and outside them',
      report_chart: reportChart(figures),
    },
    priority: PRIORITY.notice,
  });
}
