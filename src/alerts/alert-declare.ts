/**
 * Whether an alert group declares an incident now. Pure: (the integration's `declare_incident`, the group as it
 * is now, who would declare) -> declare | not, and why not.
 *
 * `declare_incident: true` declares for every group of the integration; `declare_incident: [P0]` for the groups
 * at those severities, counted when the group starts and again whenever a more severe member raises it (a P2
 * storm a P0 joins declares then). A group declares at most one incident: once linked, never again, whatever
 * comes after (a retry of the webhook, a replay after a restart, a second raise). A silenced group pages nobody
 * and declares nothing; a closed group declares nothing; with nobody on call there is nobody to declare it.
 * Worked example, `declare_incident: [P0]`: a group starting at P1 declares nothing; its first P0 member raises
 * it and declares incident #7; a later P0 member finds it linked to #7 and declares nothing.
 */

/** The integration's `declare_incident`: every severity (true), none (false or left out), or these severities. */
export type DeclareRule = boolean | readonly string[] | undefined;

export interface DeclareFact {
  rule: DeclareRule;
  /** The group's severity now. */
  severity: string;
  status: 'firing' | 'acknowledged' | 'resolved';
  silenced: boolean;
  /** The incident it declared already, if any. */
  incidentId: number | null;
  /** Who declares it (the rotation's primary, else its secondary), null when nobody is on call. */
  declarer: string | null;
}

export type DeclareDecision =
  | { kind: 'declare'; declaredBy: string }
  | { kind: 'none'; why: 'not-asked' | 'already-declared' | 'silenced' | 'closed' | 'nobody-on-call' };

/** Whether the rule asks for an incident at this severity. */
export function declaresAt(rule: DeclareRule, severity: string): boolean {
  if (rule === undefined || rule === false) return false;
  return rule === true || rule.includes(severity);
}

export function decideDeclare(fact: DeclareFact): DeclareDecision {
  if (fact.incidentId !== null) return { kind: 'none', why: 'already-declared' };
  if (!declaresAt(fact.rule, fact.severity)) return { kind: 'none', why: 'not-asked' };
  if (fact.status === 'resolved') return { kind: 'none', why: 'closed' };
  if (fact.silenced) return { kind: 'none', why: 'silenced' };
  if (fact.declarer === null) return { kind: 'none', why: 'nobody-on-call' };
  return { kind: 'declare', declaredBy: fact.declarer };
}
