/**
 * The grouping decision, minute by minute: which open group an alert joins, or that it starts a new one.
 * Window 5m; the group's latest alert at 10:00 unless a row says otherwise.
 */
import { describe, expect, it } from 'vitest';
import { alertNameOf, decideGrouping, groupKeyOf, type GroupFact, type IncomingFact } from '../../src/alerts/alert-grouping.js';
import { DEFAULT_GROUPING, type GroupingPolicy } from '../../src/config/policy.js';
import { MINUTE, SECOND } from '../../src/time/clock.js';

const T0 = Date.parse('2026-11-20T10:00:00Z');
const at = (minutes: number, seconds = 0) => T0 + minutes * MINUTE + seconds * SECOND;

const alert = (over: Partial<IncomingFact['alert']> = {}): IncomingFact['alert'] => ({
  service: 'api',
  summary: 'p99 latency above 2s',
  sourceSeverity: 'critical',
  labels: { alertname: 'HighLatency', instance: 'api-1' },
  ...over,
});

const incoming = (over: Partial<IncomingFact> = {}): IncomingFact => ({
  integration: 'prometheus',
  rotation: 'backend',
  silenced: false,
  alert: alert(),
  ...over,
});

const KEY = groupKeyOf(incoming(), DEFAULT_GROUPING);

const group = (over: Partial<GroupFact> = {}): GroupFact => ({
  id: 1,
  integration: 'prometheus',
  rotation: 'backend',
  groupKey: KEY,
  status: 'firing',
  lastSeenAt: at(0),
  ...over,
});

describe('decideGrouping, window 5m, minute by minute', () => {
  it.each([
    ['10:00:00, the same instant as the group', 'join', at(0)],
    ['10:01', 'join', at(1)],
    ['10:04', 'join', at(4)],
    ['10:04:59, the last second in the window', 'join', at(4, 59)],
    ['10:05:00 exactly, the window end: the window is half open, a new group', 'new', at(5)],
    ['10:06', 'new', at(6)],
    ['11:00', 'new', at(60)],
  ])('an alert alike at %s: %s', (_name, kind, now) => {
    expect(decideGrouping([group()], incoming(), DEFAULT_GROUPING, now).kind).toBe(kind);
  });

  it('the window slides: a group last seen at 10:04 takes an alert at 10:08 (a storm that goes on stays one page)', () => {
    expect(decideGrouping([group({ lastSeenAt: at(4) })], incoming(), DEFAULT_GROUPING, at(8))).toEqual({ kind: 'join', groupId: 1 });
    expect(decideGrouping([group({ lastSeenAt: at(4) })], incoming(), DEFAULT_GROUPING, at(9)).kind).toBe('new');
  });

  it.each([
    ['acknowledged (its page was acknowledged): still open, joins', 'acknowledged', 'join'],
    ['resolved (every member resolved, or its page was resolved): closed, a new group', 'resolved', 'new'],
  ] as const)('a group %s', (_name, status, kind) => {
    expect(decideGrouping([group({ status })], incoming(), DEFAULT_GROUPING, at(1)).kind).toBe(kind);
  });

  it('a resolved member re-firing at 10:03: joins its group while another member keeps it open, else a new group', () => {
    // The store hands over only groups not resolved; the one the member was in is either still open or closed.
    expect(decideGrouping([group({ lastSeenAt: at(2) })], incoming(), DEFAULT_GROUPING, at(3))).toEqual({ kind: 'join', groupId: 1 });
    expect(decideGrouping([group({ status: 'resolved', lastSeenAt: at(2) })], incoming(), DEFAULT_GROUPING, at(3))).toEqual({
      kind: 'new',
      groupKey: KEY,
    });
  });

  it.each([
    ['another integration', group({ integration: 'grafana' })],
    ['another rotation (routes differ)', group({ rotation: 'web' })],
    ['another grouping key', group({ groupKey: groupKeyOf(incoming({ alert: alert({ service: 'checkout' }) }), DEFAULT_GROUPING) })],
  ])('a group of %s is never joined', (_name, other) => {
    expect(decideGrouping([other], incoming(), DEFAULT_GROUPING, at(1)).kind).toBe('new');
  });

  it('of two open groups alike, the one seen last is joined', () => {
    const groups = [group({ id: 1, lastSeenAt: at(1) }), group({ id: 2, lastSeenAt: at(3) }), group({ id: 3, lastSeenAt: at(2) })];
    expect(decideGrouping(groups, incoming(), DEFAULT_GROUPING, at(4))).toEqual({ kind: 'join', groupId: 2 });
  });

  it('no open group: a new one, with its key', () => {
    expect(decideGrouping([], incoming(), DEFAULT_GROUPING, at(0))).toEqual({ kind: 'new', groupKey: KEY });
  });

  it('a window of 1m from the policy', () => {
    const oneMinute: GroupingPolicy = { ...DEFAULT_GROUPING, windowMs: MINUTE };
    expect(decideGrouping([group()], incoming(), oneMinute, at(0, 59)).kind).toBe('join');
    expect(decideGrouping([group()], incoming(), oneMinute, at(1)).kind).toBe('new');
  });
});

describe('groupKeyOf', () => {
  it('by default: the service and the alert name; another instance of the same alert is alike', () => {
    const other = incoming({ alert: alert({ labels: { alertname: 'HighLatency', instance: 'api-2' }, summary: 'other words' }) });
    expect(groupKeyOf(other, DEFAULT_GROUPING)).toBe(KEY);
    expect(groupKeyOf(incoming({ alert: alert({ labels: { alertname: 'DiskFull' } }) }), DEFAULT_GROUPING)).not.toBe(KEY);
    expect(groupKeyOf(incoming({ alert: alert({ service: 'checkout' }) }), DEFAULT_GROUPING)).not.toBe(KEY);
  });

  it('a silenced alert never shares a group with one that pages', () => {
    expect(groupKeyOf(incoming({ silenced: true }), DEFAULT_GROUPING)).not.toBe(KEY);
  });

  it('the alert name is the alertname label, else the title (Sentry, PagerDuty, generic JSON have no alertname)', () => {
    expect(alertNameOf({ labels: { alertname: 'HighLatency' }, summary: 'x' })).toBe('HighLatency');
    expect(alertNameOf({ labels: {}, summary: 'nightly backup failed' })).toBe('nightly backup failed');
  });

  it.each([
    [['labels.instance'], { labels: { alertname: 'A', instance: 'api-2' } }, false],
    [['labels.instance'], { labels: { alertname: 'B', instance: 'api-1' } }, true],
    [['severity'], { sourceSeverity: 'warning' }, false],
    [['summary'], { summary: 'p99 latency above 2s' }, true],
    [[], { service: 'other', labels: {} }, true],
  ] as const)('by %j: %j alike the first alert: %s', (by, over, alike) => {
    const grouping = { by: [...by], windowMs: 5 * MINUTE };
    expect(groupKeyOf(incoming({ alert: alert(over) }), grouping) === groupKeyOf(incoming(), grouping)).toBe(alike);
  });

  it('a label the alert lacks is a value of its own (null), not the same as an empty label', () => {
    const grouping = { by: ['labels.cluster'], windowMs: 5 * MINUTE };
    expect(groupKeyOf(incoming(), grouping)).not.toBe(groupKeyOf(incoming({ alert: alert({ labels: { cluster: '' } }) }), grouping));
  });
});
