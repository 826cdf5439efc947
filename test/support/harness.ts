import { createOncallApp, type OncallApp, type OncallAppOptions } from '../../src/app.js';
import { parseEnv, secretValues, type Env } from '../../src/config/env.js';
import { defaultPolicy, type Policy } from '../../src/config/policy.js';
import { openStore, type Store } from '../../src/db/connection.js';
import { FakeClock } from '../../src/time/clock.js';
import { captureLogs, tempDbPath, TEST_SECRETS, type CapturedLogs } from './common.js';
import { SlackStandIn } from '../../src/playground/slack-stand-in.js';
import { SocketModeStandIn } from './socket-mode-stand-in.js';
import { interactionBody, signedPost, slashCommandBody, type HttpAnswer, type SignedPostOptions } from './signed-requests.js';

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
  /** How messages reach phones and push (default: Twilio and ntfy as env says). */
  contactSender?: OncallAppOptions['contactSender'];
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
    const appOptions: OncallAppOptions = { env, policy: options.policy ?? defaultPolicy(), clock, logger: logs.logger, store, secrets: options.secrets, ...(options.contactSender ? { contactSender: options.contactSender } : {}) };
    const app = createOncallApp(appOptions);
    const processing = watchProcessing(app);
    if (!options.skipMigrations) app.migrate();
    const port = await app.listen(0);
    return new TestApp(app, store, standIn, clock, `http://127.0.0.1:${port}`, logs, ownsStandIn, temp?.cleanup ?? null, processing, socket);
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

  command(command: string, text: string, userId = 'U0ALICE', extra: { channelId?: string; sign?: Partial<SignedPostOptions> } = {}): Promise<HttpAnswer> {
    const body = slashCommandBody({ command, text, userId, channelId: extra.channelId });
    return signedPost(`${this.baseUrl}/slack/events`, body, 'application/x-www-form-urlencoded', {
      secret: TEST_SECRETS.signingSecret,
      ...extra.sign,
    });
  }

  interact(payload: Record<string, unknown>): Promise<HttpAnswer> {
    return signedPost(`${this.baseUrl}/slack/events`, interactionBody(payload), 'application/x-www-form-urlencoded', {
      secret: TEST_SECRETS.signingSecret,
    });
  }

  /** A signed Events API callback, as Slack sends reaction_added and friends. */
  event(event: Record<string, unknown>): Promise<HttpAnswer> {
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
