/** /oncall report [week|month] [rotation]: the figures, to the person who asked. */
import type { Policy } from '../config/policy.js';
import type { Db } from '../db/connection.js';
import type { SlashCommand } from '../slack/commands.js';
import type { Clock } from '../time/clock.js';
import { gatherReport, renderReport, REPORT_PERIODS, type ReportPeriod } from './report-service.js';

export function registerReportCommand(oncall: SlashCommand, deps: { db: Db; policy: Policy; clock: Clock }): void {
  const { db, policy, clock } = deps;
  const rotations = Object.keys(policy.rotations);
  const usage = `Usage: \`/oncall report [week|month] [rotation]\`, e.g. \`/oncall report month ${rotations[0] ?? 'backend'}\`.`;
  oncall.add('report', {
    usage: 'report [week|month] [rotation]',
    summary: 'pages and incidents by severity, time to acknowledge and resolve, who was paged (at night too), the noisiest alerts',
    run: ({ args }) => {
      let period: ReportPeriod = 'week';
      let rotation: string | null = null;
      for (const word of args) {
        const lower = word.toLowerCase();
        if (Object.hasOwn(REPORT_PERIODS, lower)) period = lower as ReportPeriod;
        else if (Object.hasOwn(policy.rotations, word)) rotation = word;
        else
          return {
            text: `"${word}" is neither a period (week, month) nor a rotation (${rotations.join(', ') || 'none defined'}). ${usage}`,
          };
      }
      return { text: renderReport(gatherReport(db, policy, period, clock.now(), rotation)) };
    },
  });
}
