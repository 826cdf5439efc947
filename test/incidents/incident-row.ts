import type { IncidentRow } from '../../src/incidents/incident-store.js';

/**
 * Incident #4 as its row reads, for the pure decide tables: "checkout down", P1, investigating, declared at
 * `declaredAt` by Alice who commands it, backend's, in #C0INC and announced in #C0ANN; nothing else set yet.
 */
export function incidentRow(declaredAt: number, i: Partial<IncidentRow> = {}): IncidentRow {
  return {
    id: 4,
    title: 'checkout down',
    severity: 'P1',
    status: 'investigating',
    service: 'checkout',
    environment: 'prod',
    impact: 'no orders',
    tags: [],
    rotation: 'backend',
    declaredBy: 'U0ALICE',
    commander: 'U0ALICE',
    roles: {},
    channelId: 'C0INC',
    announceChannel: 'C0ANN',
    declaredAt,
    lastUpdateAt: null,
    nextUpdateDueAt: null,
    firstUpdateDueAt: null,
    resolvedAt: null,
    resolvedBy: null,
    resolution: null,
    postmortemDueAt: null,
    postmortemLink: null,
    postmortemDoneAt: null,
    classification: null,
    ...i,
  };
}
