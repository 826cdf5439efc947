import type { Page } from '../../src/paging/page-store.js';

/**
 * A page as its row reads, for the pure decide tables: #7, backend's P1 "checkout down" raised by a person (U0ME)
 * at `createdAt`, open at the first step of the first round; nobody told, acknowledged or resolved yet.
 */
export function pageRow(createdAt: number, p: Partial<Page> = {}): Page {
  return {
    id: 7,
    rotation: 'backend',
    severity: 'P1',
    summary: 'checkout down',
    source: 'person',
    sourceRef: null,
    createdBy: 'U0ME',
    status: 'open',
    stepIndex: 0,
    loop: 0,
    exhaustedAt: null,
    createdAt,
    ackedBy: null,
    ackedAt: null,
    ackedVia: null,
    resolvedBy: null,
    resolvedAt: null,
    resolvedVia: null,
    toldAt: null,
    breachedAt: null,
    slackFallbackAt: null,
    slackFallbackVia: null,
    ...p,
  };
}
