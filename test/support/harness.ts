import { createOncallApp, type OncallApp, type OncallAppOptions } from '../../src/app.js';
import { parseEnv, secretValues, type Env } from '../../src/config/env.js';
import { defaultPolicy, type Policy } from '../../src/config/policy.js';
import { openStore, type Store } from '../../src/db/connection.js';
import { FakeClock } from '../../src/time/clock.js';
import { captureLogs, tempDbPath, TEST_SECRETS, type CapturedLogs } from './common.js';
import { policyChannelIds, SlackStandIn } from '../../src/playground/slack-stand-in.js';
import { checkMessageBlocks, checkView, errorLine } from '../../src/playground/slack-limits.js';
import { SocketModeStandIn } from './socket-mode-stand-in.js';
import {
  GENERAL_CHANNEL,
  interactionBody,
  signedPost,
  slashCommandBody,
  type HttpAnswer,
  type SignedPostOptions,
} from './signed-requests.js';

export interface TestAppOptions {
  clock?: FakeClock;
  policy?: Policy;
  dbPath?: string;
  standIn?: SlackStandIn;
  /** Leave migrations unapplied (readiness tests). */
  skipMigrations?: boolean;
  env?: Record<string, string>;
  /** Integration secrets by environment variable name. */
  secrets?: Record<string, string>;
  /**
   * Socket Mode: SLACK_APP_TOKEN is set, the stand-in hands out `t.socket`'s URL from apps.connections.open,
   * and Slack's requests arrive over that WebSocket (`t.socket.slashCommand(...)`) instead of signed HTTP.
   */
  socketMode?: boolean;
  /** How long a slash command may work before its ack goes out (the app's default: COMMAND_ACK_BUDGET_MS). */
  commandAckBudgetMs?: number;
  /** More channels of the workspace the bot is in, beside the policy's and #general (a test enqueuing by hand). */
  channels?: readonly string[];
  /** How messages reach phones and push (default: Twilio and ntfy as env says). */
  contactSender?: OncallAppOptions['contactSender'];
  /** More routes on the bot's port (the playground's page and API). */
  extraRoutes?: OncallAppOptions['extraRoutes'];
  /**
   * Slack's rate limits by tier on the test's clock (on by default, as in Slack): false for a test that counts every
   * call of a burst sent at one fake instant (restart, fault injection), where a 429 would be a call it did not plan.
   */
  rateLimits?: boolean;
}

/**
 * One bot as production runs it: real SQLite file, real Bolt over HTTP on a loopback port, its Web API
 * calls going to the stand-in, and a fake clock that the test moves.
 */
export class TestApp {
  private constructor(
    readonly app: OncallApp,
    readonly store: Store,
    readonly standIn: SlackStandIn,
    readonly clock: FakeClock,
    readonly baseUrl: string,
    readonly logs: CapturedLogs,
    private readonly ownsStandIn: boolean,
    private readonly cleanupDb: (() => void) | null,
    private readonly processing: Set<Promise<void>>,
    /** The Socket Mode WebSocket stand-in, when started with `socketMode`. */
    readonly socket: SocketModeStandIn | null = null,
  ) {}

  static async start(options: TestAppOptions = {}): Promise<TestApp> {
    const ownsStandIn = !options.standIn;
    const standIn = options.standIn ?? (await new SlackStandIn().start());
    const clock = options.clock ?? new FakeClock('2026-01-05T09:00:00Z');
    const socket = options.socketMode ? await new SocketModeStandIn().start() : null;
    if (socket) standIn.enableSocketMode(TEST_SECRETS.appToken, () => socket.connectionUrl());
    // trigger_ids expire 3 s after the interaction on the test's clock; each one Slack would send is issued first.
    standIn.useClock(() => clock.now());
    // Slack's rate limits by tier, counted on the same clock: a burst at one fake instant meets them as in Slack.
    if (options.rateLimits !== false) standIn.enforceRateLimits();
    // The workspace as the team set it up: the bot invited to every channel the policy names, and to #general,
    // where the tests type their commands. Channels the bot creates (incidents) it is in by making them.
    const policy = options.policy ?? defaultPolicy();
    for (const id of [...policyChannelIds(policy), GENERAL_CHANNEL, ...(options.channels ?? [])])
      if (!standIn.channels.has(id)) standIn.addChannel(id);
    if (socket) socket.onTrigger = (triggerId, userId) => standIn.issueTrigger(triggerId, userId);
    const temp = options.dbPath ? null : tempDbPath();
    const store = openStore(options.dbPath ?? temp!.path);
    const env: Env = parseEnv({
      SLACK_BOT_TOKEN: TEST_SECRETS.botToken,
      SLACK_SIGNING_SECRET: TEST_SECRETS.signingSecret,
      SLACK_API_URL: standIn.url,
      DATABASE_PATH: store.path,
      LOG_LEVEL: 'debug',
      ...(socket ? { SLACK_APP_TOKEN: TEST_SECRETS.appToken } : {}),
      ...options.env,
    });
    const logs = captureLogs([...secretValues(env), ...Object.values(options.secrets ?? {})]);
    const appOptions: OncallAppOptions = {
      env,
      policy,
      clock,
      logger: logs.logger,
      store,
      secrets: options.secrets,
      commandAckBudgetMs: options.commandAckBudgetMs,
      ...(options.contactSender ? { contactSender: options.contactSender } : {}),
      ...(options.extraRoutes ? { extraRoutes: options.extraRoutes } : {}),
    };
    const app = createOncallApp(appOptions);
    const processing = watchProcessing(app);
    if (!options.skipMigrations) app.migrate();
    const port = await app.listen(0);
    // Its answer is written to the database: a test that counts writes starts after it.
    await app.slackIdentityChecked();
    return new TestApp(
      app,
      store,
      standIn,
      clock,
      `http://127.0.0.1:${port}`,
      logs,
      ownsStandIn,
      temp?.cleanup ?? null,
      processing,
      socket,
    );
  }

  /**
   * Waits until Bolt has finished every request it received, listeners included. An event is acked (its HTTP
   * answer sent) before its listeners run, so a test that checks "this event changed nothing" must wait for this,
   * not for a while.
   */
  async settled(): Promise<void> {
    while (this.processing.size > 0) await Promise.allSettled([...this.processing]);
  }

  /** Moves the fake clock and runs one ticker round (timers, then the outbox). */
  async advance(ms: number): Promise<void> {
    this.clock.advance(ms);
    await this.app.engine.tick();
  }

  tick(): Promise<void> {
    return this.app.engine.tick();
  }

  /**
   * A slash command as Slack sends it; its trigger_id is issued now (or `lateMs` ago: it reached the bot late), and
   * its response_url is the stand-in's (5 posts within 30 minutes, `standIn.responsePosts`) unless one is given.
   */
  command(
    command: string,
    text: string,
    userId = 'U0ALICE',
    extra: { channelId?: string; responseUrl?: string; sign?: Partial<SignedPostOptions>; lateMs?: number } = {},
  ): Promise<HttpAnswer> {
    const responseUrl = extra.responseUrl ?? this.standIn.issueResponseUrl(extra.lateMs);
    const body = slashCommandBody({ command, text, userId, channelId: extra.channelId, responseUrl });
    this.standIn.issueTrigger(String(new URLSearchParams(body).get('trigger_id')), userId, extra.lateMs);
    this.standIn.join(String(new URLSearchParams(body).get('channel_id')), userId);
    return signedPost(`${this.baseUrl}/slack/events`, body, 'application/x-www-form-urlencoded', {
      secret: TEST_SECRETS.signingSecret,
      ...extra.sign,
    }).then(withinLimits);
  }

  /**
   * A block_actions or view_submission, as Slack sends it. Its trigger_id is issued to the stand-in now (or
   * `lateMs` ago: an interaction that reached the bot late), good for one views.open within 3 s.
   */
  interact(payload: Record<string, unknown>, { lateMs = 0 }: { lateMs?: number } = {}): Promise<HttpAnswer> {
    const user = (payload.user as { id?: unknown } | undefined)?.id;
    if (typeof payload.trigger_id === 'string')
      this.standIn.issueTrigger(payload.trigger_id, typeof user === 'string' ? user : undefined, lateMs);
    const channel = (payload.channel as { id?: unknown } | undefined)?.id;
    if (typeof channel === 'string' && typeof user === 'string') this.standIn.join(channel, user);
    return signedPost(`${this.baseUrl}/slack/events`, interactionBody(payload), 'application/x-www-form-urlencoded', {
      secret: TEST_SECRETS.signingSecret,
    }).then(withinLimits);
  }

  /** A signed Events API callback, as Slack sends reaction_added and friends. */
  event(event: Record<string, unknown>): Promise<HttpAnswer> {
    const where = event.channel ?? (event.item as { channel?: unknown } | undefined)?.channel;
    if (typeof where === 'string' && typeof event.user === 'string') this.standIn.join(where, event.user);
    const body = JSON.stringify({
      token: 'legacy-verification-token',
      team_id: 'T0TEAM',
      api_app_id: 'A0APP',
      type: 'event_callback',
      event_id: `Ev${Math.random().toString(36).slice(2, 10).toUpperCase()}`,
      event_time: Math.floor(this.clock.now() / 1000),
      event,
    });
    return signedPost(`${this.baseUrl}/slack/events`, body, 'application/json', { secret: TEST_SECRETS.signingSecret });
  }

  post(path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  }

  get(path: string): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`);
  }

  /** Stops the app; keeps the DB file when `keepDb` (restart tests open it again). */
  async close({ keepDb = false }: { keepDb?: boolean } = {}): Promise<void> {
    await this.app.stop();
    await this.socket?.stop();
    this.store.close();
    if (this.ownsStandIn) await this.standIn.stop();
    if (!keepDb) this.cleanupDb?.();
  }
}

/**
 * The bot's HTTP answer to a command or an interaction is a message (an ephemeral reply) or a view
 * (response_action update / push): Slack holds it to the same Block Kit limits as the Web API, and shows the
 * person an error instead of it. A test meets that as a failure naming the place and the limit.
 */
function withinLimits(answer: HttpAnswer): HttpAnswer {
  if (answer.status !== 200 || !answer.text.startsWith('{')) return answer;
  const body = answer.json() as Record<string, unknown>;
  const errors =
    body.response_action === 'update' || body.response_action === 'push'
      ? checkView(body.view)
      : body.blocks !== undefined
        ? checkMessageBlocks(body)
        : [];
  if (errors.length > 0) throw new Error(`Slack would refuse the bot's answer: ${errors.map(errorLine).join('; ')}`);
  return answer;
}

/** Bolt's processing of each request in flight: processEvent resolves once every listener has finished. */
function watchProcessing(app: OncallApp): Set<Promise<void>> {
  const inFlight = new Set<Promise<void>>();
  const bolt = app.bolt;
  const processEvent = bolt.processEvent.bind(bolt);
  bolt.processEvent = (event) => {
    const done = processEvent(event);
    inFlight.add(done);
    const forget = () => inFlight.delete(done);
    done.then(forget, forget);
    return done;
  };
  return inFlight;
}
