/**
 * The incident feature's refs, built and read here only: `incident:N` names an incident (its timers, the pages
 * raised for it), `incident:N:card` its status card, `incident:N:checklist` and `incident:N:actions` the
 * playbook's messages in its channel, `incident:N:postmortem` its postmortem-due timer.
 */
export type IncidentMessage = 'card' | 'checklist' | 'actions';

export const incidentRef = (id: number): string => `incident:${id}`;

/** The subject of an incident's postmortem-due timer, apart from `incident:N` so closing the incident keeps it. */
export const postmortemSubject = (id: number): string => `incident:${id}:postmortem`;

export const incidentMessageRef = (id: number, message: IncidentMessage): string => `incident:${id}:${message}`;

/** The incident a ref names (`incident:12`), or null for any other ref. */
export function incidentIdOf(ref: string | null | undefined): number | null {
  const id = ref ? /^incident:(\d+)$/.exec(ref)?.[1] : undefined;
  return id ? Number(id) : null;
}
