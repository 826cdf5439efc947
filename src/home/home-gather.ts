/** Gather: what a Home decision (home-decide.ts) needs, read in the caller's transaction; nothing past the viewers when there are none. */
import { homeContactNotes, homeContacts } from '../contacts/contact-home.js';
import type { EngineTx } from '../engine/engine.js';
import type { IncidentService } from '../incidents/incident-service.js';
import { openPagesThatReached } from '../paging/page-store.js';
import { activeOverrides } from '../schedules/override-store.js';
import { viewersSince, type HomeState, type SharedFacts, type ViewerFacts } from './home-decide.js';
import { homeViewersSince } from './home-store.js';

export function gatherSharedFacts(tx: EngineTx, incidents: IncidentService): SharedFacts {
  return {
    overrides: activeOverrides(tx.db, tx.now),
    incidents: incidents
      .unresolved(tx)
      .map((i) => ({ id: i.id, severity: i.severity, status: i.status, title: i.title, channelId: i.channelId })),
  };
}

export function gatherViewerFacts(tx: EngineTx, userId: string, openedAt: number): ViewerFacts {
  return {
    userId,
    openedAt,
    pages: openPagesThatReached(tx.db, userId).map((p) => ({
      id: p.id,
      severity: p.severity,
      summary: p.summary,
      rotation: p.rotation,
      createdAt: p.createdAt,
    })),
    contacts: homeContacts(tx.db, userId),
    contactNotes: homeContactNotes(tx.db, userId),
  };
}

/** Everyone who opened their Home in the last week, and what their views are drawn from. */
export function gatherHomeState(tx: EngineTx, incidents: IncidentService): HomeState {
  const viewers = homeViewersSince(tx.db, viewersSince(tx.now));
  if (viewers.length === 0) return { shared: { overrides: [], incidents: [] }, viewers: [] };
  return {
    shared: gatherSharedFacts(tx, incidents),
    viewers: viewers.map((v) => gatherViewerFacts(tx, v.userId, v.openedAt)),
  };
}
