/**
 * App Home: published when someone opens the tab, and republished (through the outbox, as cosmetic edits)
 * for everyone who looked in the last week whenever a page is acknowledged or resolved, an incident is
 * declared or changes status or severity or is closed, or a shift changes.
 */
import type { App } from '@slack/bolt';
import { onCallSegments } from '../calendar/calendar-feed.js';
import { homeContactNotes, homeContacts } from '../contacts/contact-home.js';
import type { Policy } from '../config/policy.js';
import type { Engine, EngineTx } from '../engine/engine.js';
import { PRIORITY } from '../engine/outbox.js';
import { declareView } from '../incidents/incident-commands.js';
import type { IncidentService } from '../incidents/incident-service.js';
import type { Logger } from '../logger.js';
import type { PageService } from '../paging/page-service.js';
import { openPagesThatReached } from '../paging/page-store.js';
import { activeOverrides } from '../schedules/override-store.js';
import { overrideForm } from '../schedules/override-form.js';
import { whoIsOnCall } from '../schedules/rotation.js';
import { formDidNotOpen } from '../slack/ephemeral.js';
import { DAY, type Clock } from '../time/clock.js';
import { homeViewersSince, recordHomeOpened } from './home-store.js';
import { HOME_ACTIONS, homeView, type HomeInput } from './home-view.js';

const VIEWER_WINDOW = 7 * DAY;

export interface HomeDeps {
  engine: Engine;
  policy: Policy;
  logger: Logger;
  incidents: IncidentService;
  pager: PageService;
  clock: Clock;
}

/** What every viewer's Home shares: read once per refresh, not once per viewer, inside the changing transaction. */
interface SharedHome {
  onCall: Array<{ rotation: string; now: ReturnType<typeof whoIsOnCall> }>;
  /** The next 12 weeks of shifts, every rotation, soonest first. */
  shifts: ReturnType<typeof onCallSegments>;
  incidents: HomeInput['incidents'];
}

function sharedHome(tx: EngineTx, policy: Policy, incidents: IncidentService): SharedHome {
  const now = tx.now;
  const overrides = activeOverrides(tx.db, now);
  const rotations = Object.values(policy.rotations);
  return {
    onCall: rotations.map((r) => ({ rotation: r.name, now: whoIsOnCall(r, overrides, now) })),
    shifts: rotations.flatMap((r) => onCallSegments(r, overrides, now, now + 12 * 7 * DAY)).sort((a, b) => a.start - b.start),
    incidents: incidents
      .unresolved(tx)
      .map((i) => ({ id: i.id, severity: i.severity, status: i.status, title: i.title, channelId: i.channelId })),
  };
}

function viewerHome(tx: EngineTx, shared: SharedHome, userId: string): HomeInput {
  const myPages = openPagesThatReached(tx.db, userId);
  return {
    rotations: shared.onCall.map(({ rotation, now: oc }) => ({
      name: rotation,
      primary: oc.primary?.userId ?? null,
      secondary: oc.secondary?.userId ?? null,
      until: oc.primary?.until ?? oc.shiftEnd,
    })),
    myShifts: shared.shifts
      .filter((s) => s.userId === userId)
      .slice(0, 5)
      .map((s) => ({ rotation: s.rotation, role: s.role, start: s.start, end: s.end })),
    myHandoffs: shared.onCall
      .filter(({ now: oc }) => oc.primary?.userId === userId)
      .map(({ rotation, now: oc }) => ({ rotation, boundary: oc.shiftEnd })),
    incidents: shared.incidents,
    myPages: myPages.map((p) => ({ id: p.id, severity: p.severity, summary: p.summary, rotation: p.rotation, createdAt: p.createdAt })),
    myContacts: homeContacts(tx.db, userId),
    myContactNotes: homeContactNotes(tx.db, userId),
  };
}

export function homeInput(tx: EngineTx, policy: Policy, incidents: IncidentService, userId: string): HomeInput {
  return viewerHome(tx, sharedHome(tx, policy, incidents), userId);
}

/** Republishes the Home of everyone who opened it in the last week, in the caller's transaction. */
export function refreshHomes(tx: EngineTx, policy: Policy, incidents: IncidentService): void {
  const viewers = homeViewersSince(tx.db, tx.now - VIEWER_WINDOW);
  if (viewers.length === 0) return;
  const shared = sharedHome(tx, policy, incidents);
  for (const userId of viewers) {
    const view = homeView(viewerHome(tx, shared, userId));
    // Several changes in one transaction (an acknowledgement that also moves an incident) publish the last view once.
    tx.enqueue({
      method: 'views.publish',
      args: { user_id: userId, view },
      priority: PRIORITY.cosmetic,
      lane: `home:${userId}`,
      supersedes: true,
    });
  }
}

export function registerHome(bolt: App, deps: HomeDeps): void {
  const { engine, policy, logger, incidents, clock } = deps;
  bolt.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    const view = engine.transact((tx) => {
      recordHomeOpened(tx.db, event.user, tx.now);
      return homeView(homeInput(tx, policy, incidents, event.user));
    });
    await client.views
      .publish({ user_id: event.user, view: view as never })
      .catch((error: unknown) => logger.warn({ err: error }, 'could not publish the Home tab'));
  });

  bolt.action(HOME_ACTIONS.declare, async ({ ack, body, client }) => {
    await ack();
    const triggerId = (body as { trigger_id?: string }).trigger_id;
    if (!triggerId) return;
    await client.views
      .open({ trigger_id: triggerId, view: declareView(policy, '', JSON.stringify({ title: '' })) as never })
      .catch((error: unknown) => formDidNotOpen(client, logger, body, error, 'the declare form'));
  });

  bolt.action(HOME_ACTIONS.override, async ({ ack, body, client }) => {
    await ack();
    const triggerId = (body as { trigger_id?: string }).trigger_id;
    const names = Object.keys(policy.rotations);
    if (!triggerId || names.length === 0) return;
    const userId = body.user.id;
    const mine = names.filter((name) => policy.rotations[name]!.members.includes(userId));
    const rotation = names.length === 1 ? names[0]! : mine.length === 1 ? mine[0]! : null;
    const view = overrideForm({ rotations: names, rotation, userId, now: clock.now() });
    await client.views
      .open({ trigger_id: triggerId, view: view as never })
      .catch((error: unknown) => formDidNotOpen(client, logger, body, error, 'the override form'));
  });
}
