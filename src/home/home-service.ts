/**
 * App Home, the shell: published when someone opens the tab, and republished (through the outbox, as cosmetic
 * edits) for everyone who looked in the last week whenever a page is acknowledged or resolved, an incident is
 * declared or changes status or severity or is closed, or a shift changes. Gather (home-gather.ts) -> decide
 * (home-decide.ts, pure: whose Home, with what) -> apply (home-apply.ts) at the end of the changing
 * transaction, once however many of these it makes.
 */
import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { Policy } from '../config/policy.js';
import type { Engine, EngineTx } from '../engine/engine.js';
import { declareView } from '../incidents/incident-commands.js';
import type { IncidentService } from '../incidents/incident-service.js';
import type { Logger } from '../logger.js';
import type { PageService } from '../paging/page-service.js';
import { overrideForm } from '../schedules/override-form.js';
import { formDidNotOpen } from '../slack/ephemeral.js';
import type { ButtonArgs } from '../slack/pre-ack.js';
import type { Clock } from '../time/clock.js';
import { applyHomeEffects } from './home-apply.js';
import { decideHomes, sharedHome, viewerHome } from './home-decide.js';
import { gatherHomeState, gatherSharedFacts, gatherViewerFacts } from './home-gather.js';
import { recordHomeOpened } from './home-store.js';
import { HOME_ACTIONS, homeView, type HomeInput } from './home-view.js';

export interface HomeDeps {
  engine: Engine;
  policy: Policy;
  logger: Logger;
  incidents: IncidentService;
  pager: PageService;
  clock: Clock;
}

/** One person's Home as it stands now (the tab they just opened). */
export function homeInput(tx: EngineTx, policy: Policy, incidents: IncidentService, userId: string): HomeInput {
  const shared = sharedHome(policy, gatherSharedFacts(tx, incidents), tx.now);
  return viewerHome(shared, gatherViewerFacts(tx, userId, tx.now));
}

/** The before-commit key of the Home redraw: however many changes a transaction makes, the Homes are drawn once. */
export const HOME_REFRESH = 'home.refresh';

/**
 * Republishes the Home of everyone who opened it in the last week, in the caller's transaction: once, at its
 * end (EngineTx.beforeCommit), from the state it leaves, however many of its changes asked for it.
 */
export function refreshHomes(tx: EngineTx, policy: Policy, incidents: IncidentService): void {
  tx.beforeCommit(HOME_REFRESH, (end) => applyHomeEffects(end, decideHomes(gatherHomeState(end, incidents), policy, end.now)));
}

export function registerHome(bolt: App, deps: HomeDeps): void {
  const { engine, policy, logger, incidents, clock } = deps;

  /** The tab opened: the person becomes a viewer (republished on changes for a week) and gets their Home now. */
  async function homeOpened({ event, client }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs): Promise<void> {
    if (event.tab !== 'home') return;
    const view = engine.transact((tx) => {
      recordHomeOpened(tx.db, event.user, tx.now);
      return homeView(homeInput(tx, policy, incidents, event.user));
    });
    await client.views
      .publish({ user_id: event.user, view: view as never })
      .catch((error: unknown) => logger.warn({ err: error }, 'could not publish the Home tab'));
  }

  /** "Declare an incident": the declare form (acked first: nothing is decided, and the trigger_id lasts 3 s). */
  async function declarePressed({ ack, body, client }: ButtonArgs): Promise<void> {
    await ack();
    const triggerId = (body as { trigger_id?: string }).trigger_id;
    if (!triggerId) return;
    await client.views
      .open({ trigger_id: triggerId, view: declareView(policy, '', JSON.stringify({ title: '' })) as never })
      .catch((error: unknown) => formDidNotOpen(client, logger, body, error, 'the declare form'));
  }

  /** "Override the schedule": the override form, its rotation chosen when there is only one, or only one of the presser's. */
  async function overridePressed({ ack, body, client }: ButtonArgs): Promise<void> {
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
  }

  bolt.event('app_home_opened', homeOpened);
  bolt.action(HOME_ACTIONS.declare, declarePressed);
  bolt.action(HOME_ACTIONS.override, overridePressed);
}
