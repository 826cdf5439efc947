import type { App, CustomRoute } from '@slack/bolt';
import { registerRetention, retentionTimer, RETENTION_EVERY_MS } from './engine/retention.js';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ackTokenSecret, reachMode, type Env } from './config/env.js';
import type { Policy } from './config/policy.js';
import { migrateStore, pendingMigrationCount, type Store } from './db/connection.js';
import { dispatchFrom, type EventTable } from './engine/effects.js';
import { Engine, type EngineTx } from './engine/engine.js';
import { OutboxDrainer, type SlackCaller } from './engine/outbox.js';
import { createMetrics, type AppMetrics } from './http/metrics.js';
import { operationalRoutes, type ReadinessCheck } from './http/routes.js';
import { slackLoggerFrom, type Logger } from './logger.js';
import { registerAlertActions, registerSilenceCommands } from './alerts/alert-actions.js';
import { AlertIncidentLink } from './alerts/alert-incident-link.js';
import { AlertService } from './alerts/alert-service.js';
import { webhookRoute } from './alerts/webhook-route.js';
import { registerCalendarCommand } from './calendar/calendar-commands.js';
import { registerContactCommands } from './contacts/contact-commands.js';
import { ContactTestService, contactTestCaller, isContactTestMethod, registerTestPage } from './contacts/contact-test.js';
import { contactTestRoutes } from './contacts/contact-test-routes.js';
import { cryptoRandomness, type Randomness } from './contacts/contact-rules.js';
import { providerConfig, providerSender, type ContactSender } from './contacts/contact-sender.js';
import { registerReportCommand } from './reports/report-commands.js';
import { refreshHomes, registerHome } from './home/home-service.js';
import { postWeeklyReport } from './reports/report-service.js';
import { isReportChart } from './reports/report-chart.js';
import { calendarRoute } from './calendar/calendar-route.js';
import { registerHandoffActions, registerHandoffCommands } from './handoffs/handoff-actions.js';
import { HandoffService } from './handoffs/handoff-service.js';
import type { HandoffEvent } from './handoffs/handoff-decide.js';
import { registerIncidentCommands, type IncidentSlack } from './incidents/incident-commands.js';
import { IncidentService, type IncidentEvent } from './incidents/incident-service.js';
import { registerIncidentViews } from './incidents/incident-views.js';
import { registerPlaybookActions, registerPlaybookCommands } from './playbooks/playbook-actions.js';
import { PlaybookService } from './playbooks/playbook-service.js';
import { registerPageActions, registerPageCommands } from './paging/page-actions.js';
import { registerSimulateCommand } from './playground/simulate-command.js';
import { DIGEST_DRAWER } from './paging/page-digest.js';
import { PageService, type PagingEvent } from './paging/page-service.js';
import { ackRoute } from './paging/ack-route.js';
import { AckStream } from './paging/ack-stream.js';
import { twilioRoutes } from './paging/twilio-routes.js';
import { CALL_END_METHOD } from './paging/page-call-end.js';
import { callEndCaller } from './paging/page-call-end-caller.js';
import { wakeCaller } from './paging/page-wake-caller.js';
import { isWakeMethod } from './paging/page-wake.js';
import { ensureBoundaryTimers, registerBoundaryTimer } from './schedules/boundary-timer.js';
import { registerOncallCommands } from './schedules/oncall-commands.js';
import { registerOverrideForm } from './schedules/override-form-actions.js';
import { registerSwapActions, registerSwapCommand } from './schedules/swap-actions.js';
import { createBoltApp, mountCommand } from './slack/bolt-app.js';
import { confirmSlackIdentity } from './slack/slack-identity.js';
import { cachedIdentity } from './slack/slack-identity-store.js';
import { SlashCommand } from './slack/commands.js';
import { createOutboxClient, webApiCaller, type PrepareCall } from './slack/web-api-caller.js';
import type { Clock } from './time/clock.js';
import { UsergroupDirectory } from './usergroups/usergroup-directory.js';
import { watchedUsergroups } from './usergroups/watched.js';

export interface OncallAppOptions {
  env: Env;
  policy: Policy;
  clock: Clock;
  logger: Logger;
  store: Store;
  /** Where the outbox sends; by default a WebClient on env.SLACK_API_URL. */
  caller?: SlackCaller;
  migrationsFolder?: string;
  /** Where integration secrets named in the policy are read (process.env in production). */
  secrets?: Record<string, string | undefined>;
  /** More routes on the same port (the playground's page and API). */
  extraRoutes?: CustomRoute[];
  /** How messages reach a person's phone, push and e-mail; by default Twilio and ntfy as env says. */
  contactSender?: ContactSender;
  /** Randomness for verification codes and topic suggestions; node:crypto by default. */
  random?: Randomness;
  /** How long a slash command may work before it is acked with "working on it" (COMMAND_ACK_BUDGET_MS). */
  commandAckBudgetMs?: number;
}

export interface Commands {
  oncall: SlashCommand;
  incident: SlashCommand;
  handoff: SlashCommand;
}

/** The ticker must have completed a round this recently for /readyz to say yes. */
export const TICK_FRESHNESS_MS = 5_000;

export interface OncallApp {
  bolt: App;
  pager: PageService;
  incidents: IncidentService;
  engine: Engine;
  drainer: OutboxDrainer;
  metrics: AppMetrics;
  commands: Commands;
  options: OncallAppOptions;
  /** Who is in the Slack user groups the policy names; refreshed from listen() on, in the background. */
  usergroups: UsergroupDirectory;
  /** Outbound only (no PUBLIC_URL, Socket Mode): the stream of push replies read from ntfy; else null. */
  ackStream: AckStream | null;
  readiness(): ReadinessCheck;
  /**
   * Applies pending migrations, then brings durable state in line with the policy (each rotation's next
   * boundary timer). Start does it; separate so readiness can be seen before.
   */
  migrate(): void;
  /** Listens on `port` (0: any free port), starts refreshing user group members, returns the port. Does not start the ticker. */
  listen(port: number): Promise<number>;
  stop(): Promise<void>;
  /** Settles once Slack was asked who the bot is after `listen` (answered or not); tests wait for it. */
  slackIdentityChecked(): Promise<void>;
}

/** Composition root of one running bot: store + policy -> engine + outbox -> Bolt app and HTTP routes. */
export function createOncallApp(options: OncallAppOptions): OncallApp {
  const { env, clock, logger, store } = options;
  const metrics = createMetrics(store.db, clock);
  // A report chart is queued as figures and drawn when its upload is sent, with the people's names of the day.
  const prepareCall: PrepareCall = async (method, args) => {
    const { report_chart: chart, ...rest } = args;
    if (method !== 'files.uploadV2' || chart === undefined) return args;
    if (!isReportChart(chart)) throw new Error('a queued report chart is malformed');
    try {
      // Loaded on first use: the charting libraries are most of the code, and a restarting bot must page first.
      const { renderReportChart } = await import('./reports/report-chart-render.js');
      return { ...rest, file: await renderReportChart(chart, await displayNames(chart.perPerson.map((p) => p.userId))) };
    } catch (error) {
      logger.warn({ err: error }, 'could not draw a report chart; the report is posted without it');
      throw error;
    }
  };
  const slackCaller =
    options.caller ?? webApiCaller(createOutboxClient(env.SLACK_BOT_TOKEN, env.SLACK_API_URL, slackLoggerFrom(logger)), prepareCall);
  const contactSender = options.contactSender ?? providerSender(providerConfig(env));
  // Where people reach the bot from outside (acknowledge links, Twilio's callbacks): PUBLIC_URL, else this host on the port it listens on.
  let listeningPort: number | null = null;
  const publicUrl = () => env.PUBLIC_URL?.replace(/\/+$/, '') ?? `http://localhost:${listeningPort ?? env.PORT}`;
  const ackSecret = ackTokenSecret(env);
  // Nobody can reach a bot in Socket Mode without PUBLIC_URL: pushes are acknowledged through a reply topic it reads (ack-stream.ts).
  const outboundOnly = reachMode(env) === 'outbound-only';
  let ackStream: AckStream | null = null;
  const outbound = outboundOnly ? { ntfyUrl: env.NTFY_URL, pushed: (pageId: number) => ackStream?.pushedFor(pageId) } : undefined;
  // One outbox, several destinations: wake calls (push, SMS, voice) and call ends go to the providers, everything else to Slack.
  const providers = wakeCaller({
    db: store.db,
    clock,
    policy: options.policy,
    sender: contactSender,
    publicUrl,
    ackSecret,
    ...(outbound ? { outbound } : {}),
  });
  const callEnds = callEndCaller(contactSender);
  // Test pages (/oncall test-page) reach phones through their own caller: a test is not a page.
  const testSends = contactTestCaller({ db: store.db, clock, sender: contactSender, publicUrl, ackSecret });
  const caller: SlackCaller = {
    call: (method, args) =>
      method === CALL_END_METHOD
        ? callEnds.call(method, args)
        : isWakeMethod(method)
          ? providers.call(method, args)
          : isContactTestMethod(method)
            ? testSends.call(method, args)
            : slackCaller.call(method, args),
    // After a crash: a provider's call, text or push in flight is looked up at the provider (Slack posts by their metadata).
    reconcile: (method, args, claimedAt) => providers.reconcile(method, args, claimedAt),
    ...(slackCaller.read ? { read: slackCaller.read.bind(slackCaller) } : {}),
  };
  const drainer = new OutboxDrainer({ db: store.db, clock, caller, logger, listener: metrics });
  const engine = new Engine({ db: store.db, clock, logger, drainer, observer: metrics });
  const usergroups = new UsergroupDirectory({
    db: store.db,
    clock,
    logger,
    groups: watchedUsergroups(options.policy),
    read: caller.read?.bind(caller),
  });

  const readiness = (): ReadinessCheck => {
    const open = store.sqlite.open;
    const pending = open ? pendingMigrationCount(store, options.migrationsFolder) : -1;
    const lastTick = engine.lastTickAt;
    const tickAge = lastTick === null ? null : clock.now() - lastTick;
    const checks = {
      database: { ok: open, detail: open ? 'open' : 'closed' },
      migrations: {
        ok: pending === 0,
        detail: pending === 0 ? 'applied' : pending < 0 ? 'unknown: the database is closed' : `${pending} pending`,
      },
      ticker: {
        ok: tickAge !== null && tickAge <= TICK_FRESHNESS_MS,
        detail: tickAge === null ? 'has not run yet' : `last round ${Math.round(tickAge / 1000)} s ago`,
      },
    };
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  };

  // What follows what: every domain event and, in order, whoever follows it, all inside the transaction that
  // made the change. (The table is read when an event happens, after every service below exists.) refreshHomes
  // only asks for a redraw: the Home tabs are drawn once, at the end of the transaction, from its final state.
  const events = dispatchFrom<PagingEvent | IncidentEvent | HandoffEvent>(
    (): EventTable<PagingEvent | IncidentEvent | HandoffEvent> => ({
      // A page about an incident writes itself into the incident's timeline, then the Home tabs are redrawn.
      // A page about an alert group acknowledges or closes the group (they are one), and says so in its incident.
      // A closed page's push replies are no longer followed (once the transaction is over).
      'page.acknowledged': [
        (tx, e) => incidents.pageEvent(tx, e),
        (tx, e) => alertService.pageEvent(tx, e),
        (tx, e) => alertIncidents.pageEvent(tx, e),
        (tx) => refreshHomes(tx, options.policy, incidents),
        () => queueMicrotask(() => ackStream?.refresh()),
      ],
      'page.resolved': [
        (tx, e) => incidents.pageEvent(tx, e),
        (tx, e) => alertService.pageEvent(tx, e),
        (tx, e) => alertIncidents.pageEvent(tx, e),
        (tx) => refreshHomes(tx, options.policy, incidents),
        () => queueMicrotask(() => ackStream?.refresh()),
      ],
      // Slack did not deliver a page within 60 s and its people were reached their other ways: /metrics counts it.
      'page.slack_fell_back': [() => metrics.slackFellBack()],
      // The playbook's checklist, immediate actions and triggers ticked in the form; the Home tabs at the end.
      'incident.declared': [(tx) => refreshHomes(tx, options.policy, incidents), (tx, e) => playbooks.declared(tx, e.incident, e.input)],
      'incident.changed': [(tx) => refreshHomes(tx, options.policy, incidents)],
      // Who is on call changed (an emergency take-over, a volunteer covering secondary, a swap accepted): the Home tabs redraw.
      // Whatever changes who is on call redraws the Home tabs, in the same transaction.
      'shift.changed': [(tx) => refreshHomes(tx, options.policy, incidents)],
    }),
  );
  const pager = new PageService(options.policy, events, (via) => contactSender.canSend(via));
  // A digest's post and edits are drawn when they leave, with every page that joined it by then (page-digest.ts).
  drainer.drawWith(DIGEST_DRAWER, (ref) => pager.drawDigest(store.db, ref));
  if (outboundOnly)
    ackStream = new AckStream({
      db: store.db,
      engine,
      pager,
      clock,
      logger,
      secret: ackSecret,
      ntfyUrl: env.NTFY_URL,
      ntfyToken: env.NTFY_TOKEN ?? null,
    });
  const contactTests = new ContactTestService({
    sender: contactSender,
    logger,
    homeChanged: (tx) => refreshHomes(tx, options.policy, incidents),
  });
  const alertService = new AlertService(options.policy, pager);
  const secrets = options.secrets ?? {};
  let bolt: App;
  // The one place Slack is asked about a person; null when Slack cannot say (unknown, or Slack unreachable).
  const slackUser = async (userId: string) => {
    try {
      return (await bolt.client.users.info({ user: userId })).user ?? null;
    } catch {
      return null;
    }
  };
  // Display names for calendar feeds and report charts, asked of Slack at most once an hour per person.
  const nameCache = new Map<string, { name: string; until: number }>();
  const displayNames = async (userIds: readonly string[]) => {
    const names = new Map<string, string>();
    for (const id of userIds) {
      const cached = nameCache.get(id);
      if (cached && cached.until > clock.now()) {
        names.set(id, cached.name);
        continue;
      }
      const user = await slackUser(id);
      const name = user?.real_name || user?.name;
      // Without a name the id stands in for it; the feed or chart is still right.
      if (name) {
        names.set(id, name);
        nameCache.set(id, { name, until: clock.now() + 3_600_000 });
      }
    }
    return names;
  };
  const routes = [
    ...operationalRoutes(readiness, metrics.registry),
    webhookRoute({ policy: options.policy, engine, alerts: alertService, secret: (name) => secrets[name] || undefined, logger }),
    calendarRoute({ db: store.db, policy: options.policy, clock, logger, names: displayNames }),
    ackRoute({ engine, pager, clock, logger, secret: ackSecret }),
    ...twilioRoutes({ db: store.db, engine, pager, clock, logger, authToken: env.TWILIO_AUTH_TOKEN ?? null, publicUrl }),
    ...contactTestRoutes({
      engine,
      tests: contactTests,
      clock,
      logger,
      secret: ackSecret,
      twilioAuthToken: env.TWILIO_AUTH_TOKEN ?? null,
      publicUrl,
    }),
    ...(options.extraRoutes ?? []),
  ];
  const identity = cachedIdentity(store.db, env.SLACK_BOT_TOKEN);
  let identityChecked: Promise<void> = Promise.resolve();
  bolt = createBoltApp(env, logger, routes, identity);
  bolt.error(async (error) => {
    logger.error({ err: error }, 'unhandled error in a Slack handler');
  });

  const commands: Commands = {
    oncall: new SlashCommand('/oncall', 'who is on call, overrides, leave and swaps'),
    incident: new SlashCommand('/incident', 'declare and run incidents'),
    handoff: new SlashCommand('/handoff', 'hand the shift over to the next person'),
  };
  // The caller's Slack time zone, for dates typed in commands; the team's zone when Slack cannot say.
  const userZone = async (userId: string) => (await slackUser(userId))?.tz ?? options.policy.timezone;
  registerBoundaryTimer(engine, options.policy, (tx, rotation) => {
    postWeeklyReport(tx, options.policy, rotation);
    events(tx, { type: 'shift.changed', rotation });
  });
  const userExists = async (userId: string) => {
    const user = await slackUser(userId);
    return user !== null && user.deleted !== true;
  };
  registerOncallCommands(commands.oncall, { db: store.db, engine, policy: options.policy, clock, userZone, userExists, events });
  registerOverrideForm(bolt, { engine, policy: options.policy, logger, userExists, events });
  registerReportCommand(commands.oncall, { db: store.db, policy: options.policy, clock });
  // A dry run in a bot of its own (memory store, stand-in, fake clock): never this bot's store or Slack.
  registerSimulateCommand(commands.oncall, { policy: options.policy, clock, logger, userZone, createApp: createOncallApp });
  registerCalendarCommand(commands.oncall, {
    db: store.db,
    policy: options.policy,
    clock,
    publicUrl: env.PUBLIC_URL ?? `http://localhost:${env.PORT}`,
  });
  const openView = async (triggerId: string, view: Record<string, unknown>) =>
    void (await bolt.client.views.open({ trigger_id: triggerId, view: view as never }));
  registerContactCommands(commands.oncall, bolt, {
    db: store.db,
    engine,
    policy: options.policy,
    clock,
    logger,
    sender: contactSender,
    random: options.random ?? cryptoRandomness,
    openView,
  });
  contactTests.register(engine);
  registerTestPage(commands.oncall, bolt, contactTests, { engine, policy: options.policy, logger });
  const swapDeps = { engine, policy: options.policy, clock, logger, userZone, events };
  registerSwapCommand(commands.oncall, swapDeps);
  registerSwapActions(bolt, swapDeps);
  pager.register(engine);
  registerRetention(engine, options.policy.retentionMs);
  alertService.register(engine);
  const pagingDeps = { engine, pager, policy: options.policy, clock, logger, usergroups };
  registerPageCommands(commands.oncall, pagingDeps);
  registerPageActions(bolt, pagingDeps);
  const alertDeps = { engine, alerts: alertService, policy: options.policy, logger };
  registerAlertActions(bolt, alertDeps);
  registerSilenceCommands(commands.oncall, alertDeps);
  const incidents = new IncidentService(options.policy, pager, events);
  pager.setContext(incidents.pageContext());
  // A group that declares an incident (policy declare_incident), and its page's acknowledgement in that incident.
  const alertIncidents = new AlertIncidentLink(options.policy, incidents);
  alertService.followGroups(alertIncidents);
  incidents.register(engine);
  const incidentDeps = { engine, incidents, policy: options.policy, logger, clock, slack: incidentSlack(bolt) };
  registerIncidentCommands(commands.incident, incidentDeps);
  registerIncidentViews(bolt, incidentDeps);
  registerHome(bolt, { engine, policy: options.policy, logger, incidents, pager, clock });
  const playbooks = new PlaybookService(options.policy, incidents);
  const playbookDeps = { engine, incidents, playbooks, policy: options.policy, logger };
  registerPlaybookCommands(commands.incident, playbookDeps);
  registerPlaybookActions(bolt, playbookDeps);
  const handoffs = new HandoffService(options.policy, events);
  handoffs.register(engine);
  const handoffDeps = { engine, handoffs, policy: options.policy, logger, openView: incidentDeps.slack.openView };
  registerHandoffCommands(commands.handoff, handoffDeps);
  registerHandoffActions(bolt, handoffDeps);
  for (const command of Object.values(commands)) mountCommand(bolt, command, logger, options.commandAckBudgetMs);

  let server: Server | null = null;
  return {
    bolt,
    pager,
    incidents,
    engine,
    drainer,
    metrics,
    commands,
    options,
    usergroups,
    ackStream,
    readiness,
    migrate: () => {
      migrateStore(store, options.migrationsFolder);
      ensureBoundaryTimers(engine, options.policy);
      engine.transact((tx) => tx.schedule(retentionTimer(tx.now + RETENTION_EVERY_MS)));
      engine.transact((tx) => handoffs.ensureTimers(tx));
    },
    async listen(port) {
      // Both receivers (src/slack/bolt-app.ts) resolve with the server that serves the routes, once it listens.
      server = (await bolt.start(port)) as Server;
      listeningPort = (server.address() as AddressInfo).port;
      ackStream?.start();
      // Not awaited: listing the groups' members must not hold up the start (the table keeps the last lists).
      void usergroups.start();
      // Not awaited either: kept for the next start, so a restart while Slack is down still serves commands.
      // Asked through the outbox's client where there is one: it does not retry, so a Slack outage ends it at once.
      identityChecked = confirmSlackIdentity({
        db: store.db,
        clock,
        logger,
        token: env.SLACK_BOT_TOKEN,
        startedWith: identity,
        authTest: () => (slackCaller.read ? slackCaller.read('auth.test', {}) : bolt.client.auth.test()),
      });
      return (server.address() as AddressInfo).port;
    },
    slackIdentityChecked: () => identityChecked,
    async stop() {
      await identityChecked;
      await usergroups.stop();
      await ackStream?.stop();
      await engine.stop();
      await drainer.drain().catch(() => undefined);
      if (server) await bolt.stop().catch(() => undefined);
    },
  };
}

/** Slack's error code from a WebClient platform error ("name_taken", "restricted_action"), else the message. */
function slackErrorCode(error: unknown): string {
  const data = (error as { data?: { error?: unknown } }).data;
  return typeof data?.error === 'string' ? data.error : error instanceof Error ? error.message : String(error);
}

function incidentSlack(bolt: App): IncidentSlack {
  const client = bolt.client;
  return {
    async openView(triggerId, view) {
      await client.views.open({ trigger_id: triggerId, view: view as never });
    },
    async updateView(viewId, hash, view) {
      await client.views.update({ view_id: viewId, ...(hash ? { hash } : {}), view: view as never });
    },
    async createChannel(name) {
      try {
        const created = await client.conversations.create({ name });
        return created.channel?.id ? { ok: true, id: created.channel.id } : { ok: false, error: 'no_channel_id' };
      } catch (error) {
        return { ok: false, error: slackErrorCode(error) };
      }
    },
    async messageAt(channel, ts) {
      const history = await client.conversations.history({ channel, latest: ts, inclusive: true, limit: 1 });
      const message = history.messages?.[0];
      return message ? { text: message.text ?? '', user: message.user ?? null } : null;
    },
  };
}
