/** The alerts store against real SQLite: the queries with more than one condition, at their edges. */
import { describe, expect, it } from 'vitest';
import { migratedStoreEachTest } from '../support/memory-store.js';
import {
  noisiestAlertsOverlapping,
  correlationCandidates,
  insertAlert,
  insertSilence,
  openAlert,
  silenceInForce,
  silencesNotEnded,
  updateAlert,
  type NewAlert,
} from '../../src/alerts/alert-store.js';

const store = migratedStoreEachTest();

const T = 1_800_000_000_000;

function alert(over: Partial<NewAlert> = {}) {
  return insertAlert(store.db, {
    integration: 'prom',
    source: 'alertmanager',
    dedupKey: 'k1',
    status: 'firing',
    service: 'checkout',
    severity: 'P2',
    routedSeverity: 'P2',
    silenceId: null,
    rotation: 'backend',
    summary: 'High latency',
    details: '',
    labels: {},
    links: [],
    firstSeenAt: T,
    lastSeenAt: T,
    lastEditedAt: T,
    ...over,
  });
}

/** An alert received `count` times. */
function counted(count: number, over: Partial<NewAlert> = {}) {
  const row = alert(over);
  updateAlert(store.db, row.id, { count });
  return row;
}

describe('openAlert', () => {
  it('finds the newest alert of an identity that is not resolved, and none once it is', () => {
    const first = alert();
    updateAlert(store.db, first.id, { status: 'resolved', resolvedAt: T + 1 });
    expect(openAlert(store.db, 'prom', 'k1')).toBeNull();
    const second = alert();
    const third = alert({ status: 'acknowledged' });
    expect(openAlert(store.db, 'prom', 'k1')?.id).toBe(third.id);
    expect(second.id).toBeLessThan(third.id);
    expect(openAlert(store.db, 'other', 'k1')).toBeNull();
  });
});

describe('correlationCandidates', () => {
  it('answers an open alert of the same service from one of the sources, seen at or after the instant', () => {
    const sentry = alert({ source: 'sentry', lastSeenAt: T });
    expect(correlationCandidates(store.db, 'checkout', ['sentry', 'grafana'], T)).toEqual([
      { id: sentry.id, source: 'sentry', service: 'checkout', lastSeenAt: T },
    ]);
    // Seen just before the window, another service, a source not asked about, a resolved one: none of them.
    expect(correlationCandidates(store.db, 'checkout', ['sentry'], T + 1)).toEqual([]);
    expect(correlationCandidates(store.db, 'search', ['sentry'], T)).toEqual([]);
    expect(correlationCandidates(store.db, 'checkout', ['grafana'], T)).toEqual([]);
    updateAlert(store.db, sentry.id, { status: 'resolved' });
    expect(correlationCandidates(store.db, 'checkout', ['sentry'], T)).toEqual([]);
  });

  it('answers at most one, and nothing for no sources', () => {
    alert({ source: 'sentry', dedupKey: 'a' });
    alert({ source: 'grafana', dedupKey: 'b' });
    expect(correlationCandidates(store.db, 'checkout', ['sentry', 'grafana'], T)).toHaveLength(1);
    expect(correlationCandidates(store.db, 'checkout', [], T)).toEqual([]);
  });
});

describe('noisiestAlertsOverlapping', () => {
  it('counts an alert open at any point of [from, to), for one rotation or all', () => {
    alert({ summary: 'before', firstSeenAt: T - 20, lastSeenAt: T - 1 });
    alert({ summary: 'straddles the start', firstSeenAt: T - 20, lastSeenAt: T });
    alert({ summary: 'inside', firstSeenAt: T + 5, lastSeenAt: T + 6, rotation: 'web' });
    alert({ summary: 'at the end', firstSeenAt: T + 10, lastSeenAt: T + 12 });
    expect(noisiestAlertsOverlapping(store.db, T, T + 10, null, 5).map((a) => a.summary)).toEqual(['inside', 'straddles the start']);
    expect(noisiestAlertsOverlapping(store.db, T, T + 10, 'web', 5)).toEqual([{ integration: 'prom', summary: 'inside', count: 1 }]);
  });

  it('adds up the same source and summary, most first, ties by summary then integration, at most the limit', () => {
    counted(3, { dedupKey: 'a1', summary: 'Disk full' });
    counted(4, { dedupKey: 'a2', summary: 'Disk full' });
    counted(2, { dedupKey: 'a3', summary: 'Disk full', integration: 'grafana' });
    counted(2, { dedupKey: 'b', summary: 'CPU high' });
    counted(2, { dedupKey: 'c', summary: 'api down' });
    counted(9, { dedupKey: 'd', summary: 'Zebra' });
    expect(noisiestAlertsOverlapping(store.db, T - 10, T + 10, null, 4)).toEqual([
      { integration: 'prom', summary: 'Zebra', count: 9 },
      { integration: 'prom', summary: 'Disk full', count: 7 },
      { integration: 'prom', summary: 'CPU high', count: 2 },
      { integration: 'grafana', summary: 'Disk full', count: 2 },
    ]);
  });
});

describe('silences', () => {
  it('covers its service from its start until just before its end', () => {
    const s = insertSilence(store.db, T, { service: 'checkout', reason: 'migration', createdBy: 'U1', startsAt: T, endsAt: T + 10 });
    expect(silenceInForce(store.db, 'checkout', T - 1)).toBeNull();
    expect(silenceInForce(store.db, 'checkout', T)?.id).toBe(s.id);
    expect(silenceInForce(store.db, 'checkout', T + 9)?.id).toBe(s.id);
    expect(silenceInForce(store.db, 'checkout', T + 10)).toBeNull();
    expect(silenceInForce(store.db, 'search', T)).toBeNull();
    expect(silencesNotEnded(store.db, T + 9).map((x) => x.id)).toEqual([s.id]);
    expect(silencesNotEnded(store.db, T + 10)).toEqual([]);
  });
});
