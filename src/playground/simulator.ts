/**
 * The dry run: the unchanged bot (createOncallApp, its engine, its outbox, SQLite in memory) on a fake clock
 * against a Slack stand-in of its own. A page is raised with the real `/oncall page` command, the clock jumps
 * from one due timer to the next, an acknowledgement (if asked for) is the real Acknowledge button, and what
 * the stand-in received is written down with the fake time it arrived. Nothing here knows the escalation
 * rules: the record is what the bot did; simulator-timeline.ts turns it into lines.
 *
 * Isolated by construction: its own store, stand-in, clock and Bolt app (never listening), so a simulation
 * can run inside the live bot (/oncall simulate) without paging anyone or touching the live database.
 */
import type { App } from '@slack/bolt';
import { parseEnv, type Env } from '../config/env.js';
import type { Policy } from '../config/policy.js';
import { openStore, type Store } from '../db/connection.js';
import { deliveredRefs } from '../engine/outbox.js';
import { dueTimers, pendingTimerIds, timerOutlook } from '../engine/timers.js';
import type { Logger } from '../logger.js';
import { PAGE_ACTIONS } from '../paging/page-blocks.js';
import { pageBlockId, pageSubject } from '../paging/page-refs.js';
import { findPage, latestPage, messagesOf } from '../paging/page-store.js';
import { DAY, FakeClock, type Clock } from '../time/clock.js';
import type { SimulationRequest } from './simulator-args.js';
import { SIMULATION_USER, type AckAttempt, type SentMessage, type SimulationRecord, type TimerFiring } from './simulator-record.js';
import { policyChannelIds, SlackStandIn, type RecordedCall } from './slack-stand-in.js';

/**
 * The part of createOncallApp's options and app the simulator uses, spelt out here so this file does not import
 * app.ts (which registers /oncall simulate, and so imports this file).
 */
export interface SimulatedAppOptions {
  env: Env;
  policy: Policy;
  clock: Clock;
  logger: Logger;
  store: Store;
  secrets: Record<string, string | undefined>;
}
export interface SimulatedApp {
  bolt: Pick<App, 'processEvent'>;
  engine: { tick(): Promise<void> };
  options: { policy: Policy };
  /** The running bot lists its user groups at start; a dry run lists those given with --group the same way. */
  usergroups: { refresh(group: string): Promise<boolean> };
  migrate(): void;
  stop(): Promise<void>;
}
export type AppFactory = (options: SimulatedAppOptions) => SimulatedApp;
export type { AckAttempt, PageFacts, PageMessageFact, SentMessage, SimulationRecord, TimerFiring } from './simulator-record.js';
export { SIMULATION_USER } from './simulator-record.js';

const SIMULATION_CHANNEL = 'C0SIMULATION';
/** A page still climbing after this long is left there: the record says the horizon was reached. */
export const SIMULATION_HORIZON_MS = 7 * DAY;
/** Clock jumps at most; a chain that schedules without end stops here rather than spin. */
const MAX_STEPS = 2_000;
/** Reads and the bot's own start-up call, not messages anyone would see. */
const QUIET_METHODS = new Set([
  'auth.test',
  'users.info',
  'conversations.info',
  'users.list',
  'conversations.history',
  'conversations.replies',
  'conversations.open',
]);

export interface SimulationDeps {
  createApp: AppFactory;
  policy: Policy;
  logger: Logger;
  horizonMs?: number;
}

interface Received {
  at: number;
  call: RecordedCall;
}

/** Runs one simulation from start to end and returns what happened. Everything it made is closed before it returns. */
export async function simulate(deps: SimulationDeps, request: SimulationRequest): Promise<SimulationRecord> {
  const clock = new FakeClock(request.at);
  const standIn = await new SlackStandIn({ now: () => clock.now() }).start();
  for (const [group, members] of Object.entries(request.groups ?? {})) standIn.setUsergroup(group, members);
  // The team has invited the bot where the policy sends it, and the command is typed where the bot is.
  for (const id of [...policyChannelIds(deps.policy), SIMULATION_CHANNEL]) standIn.addChannel(id);
  const store = openStore(':memory:');
  let app: SimulatedApp | null = null;
  try {
    // Credentials that only the stand-in ever sees; the app is never started, so nothing listens.
    const env = parseEnv({
      SLACK_BOT_TOKEN: 'xoxb-simulation-only',
      SLACK_SIGNING_SECRET: 'simulation-only',
      SLACK_API_URL: standIn.url,
      DATABASE_PATH: ':memory:',
      LOG_LEVEL: 'warn',
    });
    app = deps.createApp({ env, policy: deps.policy, clock, logger: deps.logger, store, secrets: {} });
    app.migrate();
    for (const group of Object.keys(request.groups ?? {})) await app.usergroups.refresh(group);
    return await drive(app, store, standIn, clock, request, deps.horizonMs ?? SIMULATION_HORIZON_MS);
  } finally {
    await app?.stop().catch(() => undefined);
    store.close();
    await standIn.stop();
  }
}

async function drive(
  app: SimulatedApp,
  store: ReturnType<typeof openStore>,
  standIn: SlackStandIn,
  clock: FakeClock,
  request: SimulationRequest,
  horizonMs: number,
): Promise<SimulationRecord> {
  const { db } = store;
  const received: Received[] = [];
  const firings: TimerFiring[] = [];
  let seen = 0;
  /** Between the last call the stand-in received and the next one. */
  const nextSeq = () => (standIn.calls.at(-1)?.seq ?? 0) + 0.5;
  const collect = () => {
    for (const call of standIn.calls.slice(seen)) received.push({ at: clock.now(), call });
    seen = standIn.calls.length;
  };
  /** One ticker round at the current fake time, noting which due timers it used up. */
  const round = async () => {
    const due = dueTimers(db, clock.now(), Number.MAX_SAFE_INTEGER);
    const seq = nextSeq();
    await app.engine.tick();
    collect();
    const left = pendingTimerIds(db);
    // The engine's own upkeep (retention) is not part of any page's story.
    for (const t of due)
      if (!left.has(t.id) && !t.kind.startsWith('engine.'))
        firings.push({ at: clock.now(), kind: t.kind, subject: t.subject, payload: t.payload, dueAt: t.dueAt, seq });
  };

  // The page, raised the way a person raises one.
  const summary = `Simulated ${request.severity} page (dry run)`;
  const raisedReply = await slashCommand(app, `page ${request.rotation} --severity ${request.severity} ${summary}`);
  await round();
  const page = latestPage(db);
  const record = (end: SimulationRecord['end'], ack: AckAttempt | null): SimulationRecord => ({
    request,
    raisedReply,
    page: page ? findPage(db, page.id) : null,
    pageMessages: page
      ? messagesOf(db, page.id).map(({ userId, ref, stepIndex, loop, createdAt }) => ({ userId, ref, stepIndex, loop, createdAt }))
      : [],
    messages: sentMessages(store, received),
    firings,
    ack,
    end,
  });
  if (!page) return record({ at: clock.now(), reason: 'not_raised' }, null);

  const subject = pageSubject(page.id);
  const ackAt = request.ackAfterMs === null ? null : request.at + request.ackAfterMs;
  const horizon = request.at + horizonMs;
  let ack: AckAttempt | null = null;
  for (let step = 0; step < MAX_STEPS; step += 1) {
    const status = findPage(db, page.id)?.status;
    const ackPending = ackAt !== null && ack === null && status === 'open';
    const { subjectTimers: pageTimers, nextDueAt: nextTimer } = timerOutlook(db, subject);
    if (pageTimers === 0 && !ackPending) return record({ at: clock.now(), reason: 'done' }, ack);
    const candidates = [nextTimer, ackPending ? ackAt : null].filter((t): t is number => t !== null);
    const next = Math.max(clock.now(), Math.min(...candidates));
    if (next > horizon) return record({ at: horizon, reason: 'horizon' }, ack);
    clock.set(next);
    // Timers due at this instant fire first, then the button press (the ticker runs every second; a person is slower).
    await round();
    if (ackPending && next >= ackAt) {
      ack = request.ackBy
        ? { at: clock.now(), by: request.ackBy, why: 'as asked (--ack-by)', seq: nextSeq() }
        : acknowledger(db, page.id, page.rotation, app.options.policy, clock.now(), nextSeq());
      await pressAcknowledge(app, page.id, ack.by);
      await round();
    }
  }
  return record({ at: clock.now(), reason: 'horizon' }, ack);
}

/** The last person the page reached, else (nobody reached yet, e.g. a P2 held for the morning) a rotation member. */
function acknowledger(
  db: ReturnType<typeof openStore>['db'],
  pageId: number,
  rotation: string,
  policy: Policy,
  at: number,
  seq: number,
): AckAttempt {
  const last = messagesOf(db, pageId)
    .filter((m) => m.userId !== null)
    .at(-1);
  if (last?.userId) return { at, by: last.userId, why: 'the last person paged', seq };
  const member = policy.rotations[rotation]?.members[0] ?? SIMULATION_USER;
  return { at, by: member, why: `a member of ${rotation} (nobody had been paged yet)`, seq };
}

/** Delivered calls joined with the outbox rows they came from, so each knows which page message it is. */
function sentMessages(store: ReturnType<typeof openStore>, received: Received[]): SentMessage[] {
  const { byOutboxId: refs, byChannelTs: byTs } = deliveredRefs(store.db);
  return received
    .filter(({ call }) => !QUIET_METHODS.has(call.method))
    .map(({ at, call }): SentMessage => {
      const args = call.args;
      const metadata = args.metadata as { event_payload?: { outbox_id?: unknown } } | undefined;
      const outboxId = metadata?.event_payload?.outbox_id;
      const channel = typeof args.channel === 'string' ? args.channel : '';
      return {
        at,
        method: call.method,
        channel,
        text: typeof args.text === 'string' ? args.text : '',
        ok: call.ok,
        ref: typeof outboxId === 'number' ? (refs.get(outboxId) ?? null) : null,
        targetRef: call.method === 'chat.update' ? (byTs.get(`${channel}/${String(args.ts)}`) ?? null) : null,
        user: typeof args.user === 'string' ? args.user : null,
        seq: call.seq,
      };
    });
}

/** A slash command through Bolt, as Slack would deliver it (minus HTTP and signing); returns the answer's text. */
async function slashCommand(app: SimulatedApp, text: string): Promise<string> {
  let answer = '';
  await app.bolt.processEvent({
    body: {
      token: 'simulation',
      team_id: 'T0SIMULATION',
      team_domain: 'simulation',
      channel_id: SIMULATION_CHANNEL,
      channel_name: 'simulation',
      user_id: SIMULATION_USER,
      user_name: 'simulation',
      command: '/oncall',
      text,
      api_app_id: 'A0SIMULATION',
      response_url: 'http://127.0.0.1:9/simulation',
      trigger_id: 'simulation',
    },
    ack: async (response?: unknown) => {
      const reply = response as { text?: unknown } | undefined;
      answer = typeof reply?.text === 'string' ? reply.text : '';
    },
  });
  return answer;
}

/** The Acknowledge button on the page's DM, pressed by `userId`: the same handler a real press reaches. */
async function pressAcknowledge(app: SimulatedApp, pageId: number, userId: string): Promise<void> {
  await app.bolt.processEvent({
    body: {
      type: 'block_actions',
      team: { id: 'T0SIMULATION', domain: 'simulation' },
      user: { id: userId, username: userId.toLowerCase(), team_id: 'T0SIMULATION' },
      api_app_id: 'A0SIMULATION',
      token: 'simulation',
      trigger_id: 'simulation',
      actions: [
        { type: 'button', action_id: PAGE_ACTIONS.ack, block_id: pageBlockId(pageId), value: String(pageId), action_ts: '0.000001' },
      ],
    },
    ack: async () => undefined,
  });
}
