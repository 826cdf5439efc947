/**
 * Home's decisions, pure: whose Home is republished and with what. The state is what home-gather.ts read (who
 * opened their Home and when, the schedule's overrides, the open incidents, each viewer's own pages and contact
 * methods); the effects are the `views.publish` calls home-apply.ts enqueues: one per viewer, in that viewer's
 * lane, superseding any publish of theirs not yet on its way (an earlier transaction's view, now stale). A
 * transaction decides the Homes once, at its end (refreshHomes registers through EngineTx.beforeCommit), however
 * many of its changes redraw them (a trigger raising the severity of the incident just declared). Table tests:
 * test/home/home-decide.test.ts.
 */
import { onCallSegments, type OnCallSegment } from '../calendar/calendar-feed.js';
import type { ContactOnHome } from '../contacts/contact-home.js';
import type { Policy } from '../config/policy.js';
import { noEffects, type Effects } from '../engine/effects.js';
import { PRIORITY, type OutgoingCall } from '../engine/outbox.js';
import { whoIsOnCall, type OnCall, type Override } from '../schedules/rotation.js';
import { DAY } from '../time/clock.js';
import { homeView, type HomeInput } from './home-view.js';

/** Who counts as a viewer: opened their Home in the last week. */
export const VIEWER_WINDOW = 7 * DAY;
/** How far ahead "my next shifts" looks. */
const SHIFTS_AHEAD = 12 * 7 * DAY;
const MY_SHIFTS = 5;

/** The earliest opening that still makes someone a viewer at `now`. */
export const viewersSince = (now: number) => now - VIEWER_WINDOW;

/** What every viewer's Home shares, read once per refresh, not once per viewer. */
export interface SharedFacts {
  overrides: readonly Override[];
  incidents: HomeInput['incidents'];
}

/** What one viewer's Home adds: their own open pages and contact methods (values already masked). */
export interface ViewerFacts {
  userId: string;
  openedAt: number;
  pages: HomeInput['myPages'];
  contacts: ContactOnHome[];
  contactNotes: string[];
}

export interface HomeState {
  shared: SharedFacts;
  viewers: readonly ViewerFacts[];
}

/** Home writes no rows and tells nobody: its effects are outbox calls only. */
export type HomeEffects = Effects<never, never>;

/** What every viewer's Home shares, computed once: who is on call now, the next 12 weeks of shifts soonest first, the open incidents. */
export interface SharedHome {
  onCall: Array<{ rotation: string; now: OnCall }>;
  shifts: OnCallSegment[];
  incidents: HomeInput['incidents'];
}

export function sharedHome(policy: Policy, shared: SharedFacts, now: number): SharedHome {
  const rotations = Object.values(policy.rotations);
  return {
    onCall: rotations.map((r) => ({ rotation: r.name, now: whoIsOnCall(r, shared.overrides, now) })),
    shifts: rotations.flatMap((r) => onCallSegments(r, shared.overrides, now, now + SHIFTS_AHEAD)).sort((a, b) => a.start - b.start),
    incidents: shared.incidents,
  };
}

/** One viewer's Home: the shared part seen from where they stand (their shifts, their handoffs), plus their own pages and contacts. */
export function viewerHome(shared: SharedHome, viewer: Omit<ViewerFacts, 'openedAt'>): HomeInput {
  const { userId } = viewer;
  return {
    rotations: shared.onCall.map(({ rotation, now: oc }) => ({
      name: rotation,
      primary: oc.primary?.userId ?? null,
      secondary: oc.secondary?.userId ?? null,
      until: oc.primary?.until ?? oc.shiftEnd,
    })),
    myShifts: shared.shifts
      .filter((s) => s.userId === userId)
      .slice(0, MY_SHIFTS)
      .map((s) => ({ rotation: s.rotation, role: s.role, start: s.start, end: s.end })),
    myHandoffs: shared.onCall
      .filter(({ now: oc }) => oc.primary?.userId === userId)
      .map(({ rotation, now: oc }) => ({ rotation, boundary: oc.shiftEnd })),
    incidents: shared.incidents,
    myPages: viewer.pages,
    myContacts: viewer.contacts,
    myContactNotes: viewer.contactNotes,
  };
}

export const homeLane = (userId: string) => `home:${userId}`;

/** Republish the Home of every viewer who opened it in the last week, once each (the first of a repeated viewer counts). */
export function decideHomes(state: HomeState, policy: Policy, now: number): HomeEffects {
  const effects = noEffects<never, never>();
  const since = viewersSince(now);
  const seen = new Set<string>();
  const viewers = state.viewers.filter((v) => v.openedAt >= since && !seen.has(v.userId) && seen.add(v.userId));
  if (viewers.length === 0) return effects;
  const shared = sharedHome(policy, state.shared, now);
  for (const viewer of viewers) effects.calls.push(publishHome(viewer.userId, homeView(viewerHome(shared, viewer))));
  return effects;
}

/** Earlier publishes of this viewer's Home not yet on their way are dropped: the newest view is the only one worth sending. */
function publishHome(userId: string, view: ReturnType<typeof homeView>): OutgoingCall {
  return {
    method: 'views.publish',
    args: { user_id: userId, view },
    priority: PRIORITY.cosmetic,
    lane: homeLane(userId),
    supersedes: true,
  };
}
