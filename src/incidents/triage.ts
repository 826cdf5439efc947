/**
 * Severity triage: the questions a declarer answers and the severity they suggest. The suggestion is only
 * a suggestion; the declarer's choice wins. Pure, and in ranks (0 = most severe) so every scale works.
 *
 * The rules, from DESIGN.md's severity model and seed 004:
 * - data exposure or a security problem: rank 0, whatever else is true;
 * - production, a revenue- or trust-critical flow broken, no workaround: rank 0;
 * - production, critical flow broken but a workaround exists, or production degraded with no workaround: rank 1;
 * - production degraded with a workaround, or a critical flow broken outside production: rank 2;
 * - anything else: rank 3 (a task).
 */

export const TRIAGE_QUESTIONS = [
  { id: 'production', label: 'Production is affected' },
  { id: 'critical_flow', label: 'A revenue- or trust-critical flow is broken (sign-up, login, payments...)' },
  { id: 'data_security', label: 'Data exposure or a security problem is possible' },
  { id: 'workaround', label: 'A workaround exists' },
] as const;

export type TriageQuestion = (typeof TRIAGE_QUESTIONS)[number]['id'];
export type TriageAnswers = Record<TriageQuestion, boolean>;

export interface SeveritySuggestion {
  rank: number;
  reason: string;
}

export function answersFrom(ticked: readonly string[], environment: string | null): TriageAnswers {
  return {
    // Choosing the prod environment answers the first question too.
    production: ticked.includes('production') || environment === 'prod',
    critical_flow: ticked.includes('critical_flow'),
    data_security: ticked.includes('data_security'),
    workaround: ticked.includes('workaround'),
  };
}

export function suggestSeverity(a: TriageAnswers): SeveritySuggestion {
  if (a.data_security) return { rank: 0, reason: 'possible data exposure or security problem' };
  if (a.production && a.critical_flow && !a.workaround)
    return { rank: 0, reason: 'a critical flow is broken in production with no workaround' };
  if (a.production && a.critical_flow) return { rank: 1, reason: 'a critical flow is broken in production, but a workaround exists' };
  if (a.production && !a.workaround) return { rank: 1, reason: 'production is degraded with no workaround' };
  if (a.production) return { rank: 2, reason: 'production is degraded and a workaround exists' };
  if (a.critical_flow) return { rank: 2, reason: 'a critical flow is broken outside production' };
  return { rank: 3, reason: 'production is not affected' };
}

/** Tags that widen who is told at declaration (the policy's notify rules match on them). */
export function tagsFrom(a: TriageAnswers): string[] {
  return a.data_security ? ['data', 'security'] : [];
}
