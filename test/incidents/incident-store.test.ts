/** The incidents store against real SQLite: the timeline's order and the questions other features ask of it. */
import { describe, expect, it } from 'vitest';
import { migratedStoreEachTest } from '../support/memory-store.js';
import {
  findIncident,
  incidentInChannel,
  incidentsDeclaredBetween,
  incidentsDeclaredOrResolvedSince,
  incidentTimeline,
  insertIncident,
  recordIncidentEvent,
  unresolvedIncidents,
  unresolvedIncidentsCommandedBy,
  unresolvedIncidentsOf,
  updateIncident,
  type NewIncidentRow,
} from '../../src/incidents/incident-store.js';

const store = migratedStoreEachTest();

const T = 1_800_000_000_000;

function incident(over: Partial<NewIncidentRow> = {}) {
  return insertIncident(store.db, {
    title: 'Checkout down',
    severity: 'P1',
    status: 'investigating',
    service: 'checkout',
    environment: null,
    impact: 'No orders',
    tags: [],
    rotation: 'backend',
    declaredBy: 'U1',
    commander: 'U1',
    roles: {},
    channelId: null,
    announceChannel: 'C0INCIDENTS',
    declaredAt: T,
    ...over,
  });
}

const ids = (rows: Array<{ id: number }>) => rows.map((r) => r.id);

describe('one incident', () => {
  it('is stored with its defaults, changed in place, and found by its own channel (the newest there)', () => {
    const first = incident({ channelId: 'C0INC1' });
    expect(first).toMatchObject({ status: 'investigating', lastUpdateAt: null, resolvedAt: null, tags: [], roles: {} });
    updateIncident(store.db, first.id, { status: 'monitoring', roles: { scribe: 'U2' } });
    expect(findIncident(store.db, first.id)).toMatchObject({ status: 'monitoring', roles: { scribe: 'U2' } });
    const second = incident({ channelId: 'C0INC1' });
    expect(incidentInChannel(store.db, 'C0INC1')?.id).toBe(second.id);
    expect(incidentInChannel(store.db, 'C0OTHER')).toBeNull();
    expect(findIncident(store.db, 999)).toBeNull();
  });

  it('keeps its timeline in order of instant, then of writing', () => {
    const i = incident();
    recordIncidentEvent(store.db, i.id, { at: T + 5, kind: 'update', actor: 'U1', text: 'second' });
    recordIncidentEvent(store.db, i.id, { at: T, kind: 'declared', actor: 'U1', text: 'first' });
    recordIncidentEvent(store.db, i.id, { at: T + 5, kind: 'status', actor: null, text: 'third' });
    recordIncidentEvent(store.db, incident().id, { at: T + 1, kind: 'declared', actor: 'U1', text: 'another incident' });
    expect(incidentTimeline(store.db, i.id).map((e) => e.text)).toEqual(['first', 'second', 'third']);
    expect(incidentTimeline(store.db, i.id)[2]).toEqual({ at: T + 5, kind: 'status', actor: null, text: 'third' });
  });
});

describe('what other features ask', () => {
  it('unresolved: all, a rotation’s (with those of no rotation), a commander’s', () => {
    const backend = incident();
    const nobody = incident({ rotation: null, commander: 'U2' });
    const web = incident({ rotation: 'web' });
    const done = incident();
    updateIncident(store.db, done.id, { status: 'resolved', resolvedAt: T + 1 });
    expect(ids(unresolvedIncidents(store.db))).toEqual([backend.id, nobody.id, web.id]);
    expect(ids(unresolvedIncidentsOf(store.db, 'backend'))).toEqual([backend.id, nobody.id]);
    expect(ids(unresolvedIncidentsCommandedBy(store.db, 'U1'))).toEqual([backend.id, web.id]);
  });

  it('a shift’s: declared at or after its start, or resolved at or after it', () => {
    incident({ declaredAt: T - 10 }); // before the shift, still open: not the shift's
    const resolvedInShift = incident({ declaredAt: T - 10 });
    updateIncident(store.db, resolvedInShift.id, { status: 'resolved', resolvedAt: T });
    const resolvedBefore = incident({ declaredAt: T - 10 });
    updateIncident(store.db, resolvedBefore.id, { status: 'resolved', resolvedAt: T - 1 });
    const declaredAtStart = incident({ declaredAt: T });
    const noRotation = incident({ declaredAt: T + 1, rotation: null });
    incident({ declaredAt: T + 1, rotation: 'web' });
    expect(ids(incidentsDeclaredOrResolvedSince(store.db, 'backend', T))).toEqual([resolvedInShift.id, declaredAtStart.id, noRotation.id]);
  });

  it('a report’s: declared in [from, to), one rotation or all', () => {
    incident({ declaredAt: T - 1 });
    incident({ declaredAt: T, severity: 'P0' });
    incident({ declaredAt: T + 9, rotation: 'web' });
    incident({ declaredAt: T + 10 });
    expect(incidentsDeclaredBetween(store.db, T, T + 10, null)).toEqual([
      { severity: 'P0', declaredAt: T, resolvedAt: null },
      { severity: 'P1', declaredAt: T + 9, resolvedAt: null },
    ]);
    expect(incidentsDeclaredBetween(store.db, T, T + 10, 'web')).toEqual([{ severity: 'P1', declaredAt: T + 9, resolvedAt: null }]);
  });
});
