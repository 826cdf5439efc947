import Database from 'better-sqlite3';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicyFile } from '../../src/config/policy.js';
import { PAGE_ACTIONS } from '../../src/paging/page-blocks.js';
import { whoIsOnCall } from '../../src/schedules/rotation.js';
import { systemClock } from '../../src/time/clock.js';
import { buildBundle } from '../../scripts/build.js';
import { TEST_SECRETS } from '../support/common.js';
import { blockActionPayload, interactionBody, slackSignature } from '../support/signed-requests.js';
import { SlackStandIn, type RecordedCall } from '../../src/playground/slack-stand-in.js';
import {
  alertsAgreeWithSlack,
  outboxAgreesWithSlack,
  pagesAgreeWithSlack,
  visibleMessages,
  type AlertRow,
  type OutboxRow,
  type PageMessageRow,
  type PageRow,
  type SlackMessageRow,
} from './crash-checks.js';
import { ALERTS_TOKEN, freePort, startBot, waitHealthy, writeCrashPolicy, type BotProcess } from './crash-bot.js';
import { STORM_GROUPS, StormWorkload, stormAgrees, type StormAlertRow, type StormGroupRow } from './crash-storm.js';

/**
 * The promise of the bot: a page is never lost and never doubled. The bot runs as a child process and is
 * killed with SIGKILL at random instants (during start-up, mid-transaction, mid-call to Slack) while alerts,
 * resolves and acknowledgements keep arriving; afterwards everything Slack shows (posts, edits, the final text
 * of each message) is checked against what the database says was decided (crash-checks.ts).
 * CRASH_KILLS (default 200) and CRASH_SEED replay a run; the seed is printed. The kills draw from one stream
 * and the workload's choices are keyed by the item they are about (alert n, the page of alert n), so a replay
 * sends the same alerts, resolves and acknowledgements and kills at the same points of that workload.
 * The storm phase (its own bot and database) kills it CRASH_STORM_KILLS times (default a tenth of CRASH_KILLS,
 * at least 5) while a storm of distinct alerts in 8 groups arrives: no alert lost, no page doubled, every group paged,
 * each group's incident (declare_incident) declared once.
 */

const KILLS = Number(process.env.CRASH_KILLS ?? 200);
const SEED = Number(process.env.CRASH_SEED ?? randomInt(1, 2 ** 31));
const STORM_KILLS = Number(process.env.CRASH_STORM_KILLS ?? Math.max(5, Math.round(KILLS / 10)));
/** A step due this long before the acknowledgement must have gone out (ticker period plus a busy machine). */
const GRACE_MS = 2_500;
const STEP_MS = 1_000;

/** mulberry32: a small seeded generator, so a failing run can be replayed with its seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A number in [0, 1) for one choice about one item ("resolve" alert 17), the same in every replay of a seed
 * however the run's timing went: the workload never shares a stream whose use depends on timing.
 */
function chance(seed: number, choice: string, item: number): number {
  let h = seed ^ Math.imul(item + 1, 0x9e3779b1);
  for (let i = 0; i < choice.length; i += 1) h = Math.imul(h ^ choice.charCodeAt(i), 0x01000193);
  return seeded(h >>> 0)();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Job = { kind: 'fire'; key: string } | { kind: 'resolve'; key: string } | { kind: 'ack'; pageId: number; user: string };

/**
 * Plays Alertmanager, a script and the people at once: sends the alerts it is released to send, resolves about a
 * quarter of them and acknowledges about half of the pages that reach a DM, each choice keyed by its alert. Like
 * a real sender it retries until the bot answers 2xx, so what it counts as accepted is exactly what the bot
 * promised to keep.
 */
class Workload {
  readonly acceptedFiring = new Set<string>();
  readonly acceptedResolve = new Set<string>();
  /** Page id -> who acknowledged it with a 200 answer. */
  readonly acknowledged = new Map<number, string>();
  private readonly queue: Array<{ job: Job; at: number }> = [];
  private inFlight = 0;
  private released = 0;
  private seenCalls = 0;
  private readonly seenPages = new Set<number>();
  private stopped = false;
  requests = 0;

  constructor(
    private readonly seed: number,
    private readonly port: number,
    private readonly standIn: SlackStandIn,
  ) {}

  get idle(): boolean {
    return this.queue.length === 0 && this.inFlight === 0;
  }

  /** How many alerts were released so far (the workload's position, where the kills are placed). */
  get alerts(): number {
    return this.released;
  }

  /** Sends the next `count` alerts now (job-<n>, numbered from 1 across the run). */
  release(count: number): void {
    for (let i = 0; i < count; i += 1)
      this.queue.push({ job: { kind: 'fire', key: `job-${(this.released += 1)}` }, at: systemClock.now() });
  }

  async run(): Promise<void> {
    while (!this.stopped) {
      const now = systemClock.now();
      this.watchPages(now);
      this.queue.sort((a, b) => a.at - b.at);
      while (this.inFlight < 16 && this.queue.length > 0 && this.queue[0]!.at <= now) {
        const { job } = this.queue.shift()!;
        this.inFlight += 1;
        void this.send(job).finally(() => (this.inFlight -= 1));
      }
      await sleep(15);
    }
  }

  stop(): void {
    this.stopped = true;
  }

  /** New page DMs in the stand-in's record: acknowledge about half of them, a little later, as their recipient. */
  private watchPages(now: number): void {
    const calls = this.standIn.calls;
    for (; this.seenCalls < calls.length; this.seenCalls += 1) {
      const call = calls[this.seenCalls]!;
      const pageId = ackButtonValue(call);
      if (pageId === null || this.seenPages.has(pageId)) continue;
      this.seenPages.add(pageId);
      const job = Number(/nightly job-(\d+) failed/.exec(String(call.args.text))?.[1] ?? -1);
      if (chance(this.seed, 'ack', job) < 0.5) {
        this.queue.push({
          job: { kind: 'ack', pageId, user: String(call.args.channel) },
          at: now + 300 + chance(this.seed, 'ack-delay', job) * 2200,
        });
      }
    }
  }

  private async send(job: Job): Promise<void> {
    this.requests += 1;
    const now = systemClock.now();
    try {
      const status = job.kind === 'ack' ? await this.postAck(job.pageId, job.user) : await this.postAlert(job.key, job.kind);
      if (status >= 200 && status < 300) {
        if (job.kind === 'fire') {
          this.acceptedFiring.add(job.key);
          const n = Number(job.key.slice('job-'.length));
          if (chance(this.seed, 'resolve', n) < 0.25)
            this.queue.push({ job: { kind: 'resolve', key: job.key }, at: now + 500 + chance(this.seed, 'resolve-delay', n) * 2500 });
        } else if (job.kind === 'resolve') this.acceptedResolve.add(job.key);
        else this.acknowledged.set(job.pageId, job.user);
        return;
      }
      throw new Error(`answered ${status}`);
    } catch {
      // Down, killed mid-request, or not ready: try again, as Alertmanager and Slack do.
      this.queue.push({ job, at: now + 350 });
    }
  }

  private async postAlert(key: string, kind: 'fire' | 'resolve'): Promise<number> {
    const status = kind === 'fire' ? 'firing' : 'resolved';
    const response = await fetch(`http://127.0.0.1:${this.port}/webhooks/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ALERTS_TOKEN}` },
      body: JSON.stringify({ title: `nightly ${key} failed`, dedup_key: key, status, severity: 'P1' }),
      signal: AbortSignal.timeout(3000),
    });
    await response.text();
    return response.status;
  }

  private async postAck(pageId: number, user: string): Promise<number> {
    const body = interactionBody(blockActionPayload(user, PAGE_ACTIONS.ack, String(pageId), { channel: { id: user } }));
    const timestamp = Math.floor(systemClock.now() / 1000);
    const response = await fetch(`http://127.0.0.1:${this.port}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': slackSignature(TEST_SECRETS.signingSecret, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(3000),
    });
    await response.text();
    return response.status;
  }
}

/** The page id of a delivered page DM (its Acknowledge button's value), else null; channel lines may carry the button too. */
function ackButtonValue(call: RecordedCall): number | null {
  if (!call.ok || call.method !== 'chat.postMessage' || !Array.isArray(call.args.blocks) || !/^[UW]/.test(String(call.args.channel)))
    return null;
  for (const block of call.args.blocks as Array<{ type?: string; elements?: Array<{ action_id?: string; value?: string }> }>) {
    const button = block.type === 'actions' ? block.elements?.find((e) => e.action_id === PAGE_ACTIONS.ack) : undefined;
    if (button?.value) return Number(button.value);
  }
  return null;
}

/** One phase's bot, before its first life: its Slack stand-in, port, database file and policy, in `dir`. */
async function phase(dir: string) {
  const standIn = await new SlackStandIn({ now: () => systemClock.now() }).start();
  // The bot is in the channels the crash policy names (writeCrashPolicy).
  for (const id of ['C0INCIDENTS', 'C0ALERTS', 'C0CORE']) standIn.addChannel(id);
  const port = await freePort();
  const dbPath = join(dir, 'oncall.db');
  const policyPath = writeCrashPolicy(dir);
  return { standIn, port, dbPath, policyPath, env: { port, dbPath, policyPath, slackUrl: standIn.url } };
}

/** SIGKILL, and what the bot wrote kept in `output`. */
async function killHard(bot: BotProcess, output: string[]): Promise<void> {
  bot.child.kill('SIGKILL');
  await bot.exited;
  output.push(...bot.output);
}

/** SIGTERM: the exit code, and what the bot wrote kept in `output`. */
async function stopGracefully(bot: BotProcess, output: string[]): Promise<number | null> {
  bot.child.kill('SIGTERM');
  const code = await bot.exited;
  output.push(...bot.output);
  return code;
}

/**
 * The last life, its requests all accepted: once every chain has run out and the backlog has drained (the bot
 * was up a fraction of the time, and the alerts channel is one ordered lane), the timers still overdue and the
 * outbox rows not delivered.
 */
async function leftOver(bot: BotProcess, dbPath: string): Promise<{ now: number; overdue: unknown[]; pending: unknown[] }> {
  await sleep(3 * STEP_MS + GRACE_MS + 1_500);
  const live = new Database(dbPath, { readonly: true });
  const backlog = live.prepare("SELECT count(*) AS n FROM outbox WHERE status = 'pending'");
  for (let waited = 0; waited < 90_000 && (backlog.get() as { n: number }).n > 0; waited += 250) await sleep(250);
  const now = systemClock.now();
  const overdue = live.prepare('SELECT kind, subject, due_at FROM timers WHERE due_at <= ?').all(now - GRACE_MS);
  const pending = live
    .prepare(
      "SELECT id, method, last_error, lane, target_ref, next_attempt_at - ? AS due_in, attempts, sending_at FROM outbox WHERE status != 'sent'",
    )
    .all(now);
  live.close();
  if (pending.length)
    console.log(
      'warnings of the last life:',
      bot.output
        .join('')
        .split('\n')
        .filter((l) => /"level":(40|50|60)/.test(l))
        .slice(0, 20)
        .join('\n'),
    );
  return { now, overdue, pending };
}

/** What the bot decided about pages and Slack messages, read from its database. */
function decisions(db: Database.Database) {
  return {
    pageRows: db
      .prepare('SELECT id, summary, status, created_at, acked_by, acked_at, resolved_at, exhausted_at FROM pages ORDER BY id')
      .all() as PageRow[],
    pageMessageRows: db.prepare('SELECT page_id, user_id, ref, step_index, loop, created_at FROM page_messages').all() as PageMessageRow[],
    remembered: db.prepare('SELECT ref, channel, ts FROM slack_messages').all() as SlackMessageRow[],
    outboxRows: db.prepare('SELECT id, method, ref, target_ref, status, args FROM outbox ORDER BY id').all() as OutboxRow[],
  };
}

/** Each page's DMs and channel lines against the crash policy's chain (primary, secondary, the lead), a step a second. */
function pagesAgree(policyPath: string, decided: ReturnType<typeof decisions>, visible: ReturnType<typeof visibleMessages>['messages']) {
  const rotation = loadPolicyFile(policyPath).rotations.core!;
  return pagesAgreeWithSlack(decided.pageRows, decided.pageMessageRows, decided.remembered, visible, {
    chainFor: (page) => {
      const onCall = whoIsOnCall(rotation, [], page.created_at);
      return [onCall.primary?.userId ?? 'nobody', onCall.secondary?.userId ?? 'nobody', 'U0LEAD'];
    },
    stepMs: STEP_MS,
    exhaustAfterLastStepMs: STEP_MS,
    graceMs: GRACE_MS,
    alertsChannel: 'C0ALERTS',
  });
}

/** How many DMs repeat a page, person and step: a decision taken twice. */
function doubledDms(pageMessageRows: PageMessageRow[]): number {
  const dmRefs = pageMessageRows.filter((r) => r.user_id !== null).map((r) => `${r.page_id}:${r.user_id}:${r.loop}:${r.step_index}`);
  return dmRefs.length - new Set(dmRefs).size;
}

/** The bot's error and fatal log lines. */
const errorLines = (output: string[]) =>
  output
    .join('')
    .split('\n')
    .filter((line) => line.includes('"level":50') || line.includes('"level":60'));

/** The phase's end, whatever happened: the workload stopped, a bot still running killed, the stand-in stopped. */
async function endPhase(workload: { stop(): void }, running: Promise<void>, bot: BotProcess | null, standIn: SlackStandIn): Promise<void> {
  workload.stop();
  if (bot) {
    bot.child.kill('SIGKILL');
    await bot.exited;
  }
  await running.catch(() => undefined);
  await standIn.stop();
}

describe('crash test: SIGKILL at random instants', () => {
  let dir: string;
  let main: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oncall-crash-'));
    main = await buildBundle();
  }, 120_000);

  afterAll(() => {
    if (process.env.CRASH_KEEP) console.log(`crash test: kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  });

  it(
    `loses no page, doubles none, leaves the database sound and no timer overdue (${KILLS} kills)`,
    async () => {
      console.log(`crash test: seed ${SEED}, ${KILLS} kills (replay with CRASH_SEED=${SEED} CRASH_KILLS=${KILLS})`);
      // The kills' own stream: three draws a life whatever happens in it, so a replay's lives line up.
      const killRng = seeded(SEED);
      const { standIn, port, dbPath, policyPath, env } = await phase(dir);
      const workload = new Workload(SEED, port, standIn);
      const running = workload.run();
      const output: string[] = [];
      let bot: BotProcess | null = null;
      let killedBeforeHealthy = 0;
      const lives: Array<{ spawned: number; healthy?: number; killed?: number }> = [];

      try {
        for (let kill = 0; kill < KILLS; kill += 1) {
          bot = startBot(main, env);
          const life: { spawned: number; healthy?: number; killed?: number } = { spawned: systemClock.now() };
          lives.push(life);
          // Half the kills land during start-up (module loading, migrations, the catch-up of overdue timers
          // and of interrupted posts) while alerts arrive; the rest once it has taken this life's alerts, while
          // it pages, escalates and edits.
          const duringStartUp = killRng() < 0.5;
          const delay = killRng();
          const burst = 1 + Math.floor(killRng() * 3);
          if (duringStartUp) {
            workload.release(burst - 1);
            await sleep(delay * 1500);
            killedBeforeHealthy += 1;
          } else {
            expect(await waitHealthy(bot, port), `the bot did not start:\n${bot.output.join('')}`).toBe(true);
            life.healthy = systemClock.now();
            workload.release(burst);
            for (let waited = 0; waited < 10_000 && workload.acceptedFiring.size < workload.alerts; waited += 10) await sleep(10);
            expect(workload.acceptedFiring.size, 'a healthy bot did not accept the alerts sent to it').toBe(workload.alerts);
            await sleep(50 + delay * 600);
          }
          life.killed = systemClock.now();
          await killHard(bot, output);
        }

        // The last life: no more new alerts; let every retry land and every chain run out.
        bot = startBot(main, env);
        expect(await waitHealthy(bot, port), `the bot did not start:\n${bot.output.join('')}`).toBe(true);
        for (let waited = 0; waited < 60_000 && !workload.idle; waited += 100) await sleep(100);
        expect(workload.idle, 'the workload still had requests the bot would not accept').toBe(true);
        const { now, overdue, pending } = await leftOver(bot, dbPath);
        expect(overdue, 'timers left overdue').toEqual([]);
        expect(pending, 'outbox rows not delivered').toEqual([]);

        expect(await stopGracefully(bot, output)).toBe(0);
        bot = null;
        workload.stop();
        await running;

        const db = new Database(dbPath, { readonly: true });
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const decided = decisions(db);
        const { pageRows, pageMessageRows, remembered, outboxRows } = decided;
        const alertRows = db.prepare("SELECT id, dedup_key, status, page_id FROM alerts WHERE integration = 'jobs'").all() as AlertRow[];
        db.close();

        // Every alert the bot accepted has exactly one alert row and one page; nothing it refused does.
        const byKey = new Map<string, typeof alertRows>();
        for (const row of alertRows) byKey.set(row.dedup_key, [...(byKey.get(row.dedup_key) ?? []), row]);
        const lostAlerts = [...workload.acceptedFiring].filter((key) => (byKey.get(key) ?? []).length === 0);
        const doubledAlerts = [...byKey].filter(([, rows]) => rows.length > 1).map(([key]) => key);
        expect(lostAlerts, 'alerts answered 2xx but not stored').toEqual([]);
        expect(doubledAlerts, 'alerts stored twice').toEqual([]);
        expect(alertRows.every((row) => row.page_id !== null)).toBe(true);
        expect(new Set(alertRows.map((row) => row.page_id)).size).toBe(pageRows.length);
        const unresolved = [...workload.acceptedResolve].filter((key) => byKey.get(key)?.[0]?.status !== 'resolved');
        expect(unresolved, 'resolves answered 2xx but not applied').toEqual([]);

        // Every acknowledgement answered 200 stuck (or the page had already been closed another way).
        const pagesById = new Map(pageRows.map((p) => [p.id, p]));
        const lostAcks = [...workload.acknowledged.keys()].filter((id) => pagesById.get(id)?.status === 'open');
        expect(lostAcks, 'acknowledgements answered 200 but not recorded').toEqual([]);

        // What Slack shows against what the database decided: every post, every edit, each message's final text.
        const visible = visibleMessages(standIn.calls);
        expect(visible.problems, 'edits of messages Slack never showed').toEqual([]);
        const outboxCheck = outboxAgreesWithSlack(outboxRows, remembered, visible.messages);
        const pageCheck = pagesAgree(policyPath, decided, visible.messages);
        if (pageCheck.problems.length) {
          // For a replay: when the bot lived, relative to the first page with a problem.
          const first = pageRows.find((p) => p.id === Number(/#(\d+)/.exec(pageCheck.problems[0]!)?.[1]));
          const around = first
            ? lives.filter((l) => (l.killed ?? Infinity) > first.created_at - 3000 && l.spawned < (first.acked_at ?? now) + 1000)
            : [];
          console.log(
            'lives around the first page with a problem (ms from its creation):',
            JSON.stringify(
              around.map((l) => ({
                spawned: l.spawned - first!.created_at,
                healthy: l.healthy && l.healthy - first!.created_at,
                killed: l.killed && l.killed - first!.created_at,
              })),
            ),
          );
        }
        expect(pageCheck.problems, 'pages whose Slack messages disagree with their decisions').toEqual([]);
        expect(alertsAgreeWithSlack(alertRows, visible.messages, 'C0ALERTS'), 'alerts whose message disagrees with their state').toEqual(
          [],
        );
        // The reconcile finds an interrupted post by the outbox id it carries, so nothing is shown twice.
        expect(outboxCheck.problems, 'posts and edits that disagree with the outbox').toEqual([]);
        expect(outboxCheck.duplicates).toBe(0);

        // No decision was taken twice: one DM per page, person and step.
        expect(doubledDms(pageMessageRows), 'a page sent to the same person twice for one step').toBe(0);
        const posts = standIn.delivered('chat.postMessage');
        const edits = standIn.delivered('chat.update');

        const errors = errorLines(output);
        console.log(
          `crash test: ${KILLS} kills (${killedBeforeHealthy} during start-up), ${workload.requests} requests, ` +
            `${workload.acceptedFiring.size} alerts, ${pageRows.length} pages, ${workload.acknowledged.size} acknowledged, ` +
            `${standIn.calls.length} Slack calls (${posts.length} posts, ${edits.length} edits), ${pageCheck.dueSteps} due steps with their DM and ` +
            `channel line, ${pageCheck.messagesChecked} page messages and ${outboxCheck.checked} remembered messages checked to their final text, ` +
            `${outboxCheck.duplicates} shown twice, ${errors.length} error lines`,
        );
        expect(errors, 'errors logged by the bot').toEqual([]);
      } finally {
        await endPhase(workload, running, bot, standIn);
      }
    },
    20 * 60_000,
  );
  it(
    `a storm while killed: no alert lost, no page doubled, every group paged, no incident declared twice (${STORM_KILLS} kills)`,
    async () => {
      console.log(`crash test storm: seed ${SEED}, ${STORM_KILLS} kills (replay with CRASH_SEED=${SEED} CRASH_STORM_KILLS=${STORM_KILLS})`);
      const killRng = seeded(SEED ^ 0x5709);
      const { standIn, port, dbPath, policyPath, env } = await phase(mkdtempSync(join(dir, 'storm-')));
      const storm = new StormWorkload(port);
      const running = storm.run();
      const output: string[] = [];
      let bot: BotProcess | null = null;
      try {
        for (let kill = 0; kill < STORM_KILLS; kill += 1) {
          bot = startBot(main, env);
          // Half the kills during start-up, half while it takes the storm: 2 to 9 requests of 10 alerts a life,
          // killed 50 to 650 ms after they start to arrive, whether it has answered them or not.
          const duringStartUp = killRng() < 0.5;
          const delay = killRng();
          const burst = 2 + Math.floor(killRng() * 8);
          if (!duringStartUp) expect(await waitHealthy(bot, port), `the bot did not start:\n${bot.output.join('')}`).toBe(true);
          storm.release(burst);
          await sleep(duringStartUp ? delay * 1500 : 50 + delay * 600);
          await killHard(bot, output);
        }

        // The last life: every retry lands, every chain runs out, the backlog drains.
        bot = startBot(main, env);
        expect(await waitHealthy(bot, port), `the bot did not start:\n${bot.output.join('')}`).toBe(true);
        for (let waited = 0; waited < 60_000 && !storm.idle; waited += 100) await sleep(100);
        expect(storm.idle, 'the storm still had requests the bot would not accept').toBe(true);
        expect(storm.accepted.size).toBe(storm.alerts);
        const { overdue, pending } = await leftOver(bot, dbPath);
        expect(overdue, 'timers left overdue').toEqual([]);
        expect(pending, 'outbox rows not delivered').toEqual([]);
        expect(await stopGracefully(bot, output)).toBe(0);
        bot = null;
        storm.stop();
        await running;

        const db = new Database(dbPath, { readonly: true });
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const alertRows = db
          .prepare(
            "SELECT dedup_key, group_id, page_id, json_extract(labels, '$.alertname') AS alertname FROM alerts WHERE integration = 'storm'",
          )
          .all() as StormAlertRow[];
        const groupRows = db
          .prepare("SELECT id, page_id, count, group_key, first_alert_id, incident_id FROM alert_groups WHERE integration = 'storm'")
          .all() as StormGroupRow[];
        const decided = decisions(db);
        const { pageRows, pageMessageRows, remembered, outboxRows } = decided;
        const incidentIds = (db.prepare('SELECT id FROM incidents').all() as Array<{ id: number }>).map((r) => r.id);
        db.close();

        // Nobody closed a group (no resolve, no one resolved a page): one group, one page, one incident per alert name.
        const visible = visibleMessages(standIn.calls);
        expect(visible.problems, 'edits of messages Slack never showed').toEqual([]);
        expect(
          stormAgrees(
            storm.accepted,
            alertRows,
            groupRows,
            pageRows.map((p) => p.id),
            incidentIds,
            visible.messages,
            'C0ALERTS',
          ),
        ).toEqual([]);
        expect(groupRows).toHaveLength(STORM_GROUPS);
        expect(pageRows).toHaveLength(STORM_GROUPS);
        expect(incidentIds).toHaveLength(STORM_GROUPS);
        // Each group's page went out and climbed its chain as decided; Slack shows each decision once.
        const pageCheck = pagesAgree(policyPath, decided, visible.messages);
        expect(pageCheck.problems, 'pages whose Slack messages disagree with their decisions').toEqual([]);
        const outboxCheck = outboxAgreesWithSlack(outboxRows, remembered, visible.messages);
        expect(outboxCheck.problems, 'posts and edits that disagree with the outbox').toEqual([]);
        expect(outboxCheck.duplicates).toBe(0);
        expect(doubledDms(pageMessageRows), 'a page sent to the same person twice for one step').toBe(0);

        const errors = errorLines(output);
        console.log(
          `crash test storm: ${STORM_KILLS} kills, ${storm.requests} requests, ${storm.accepted.size} distinct alerts in ` +
            `${groupRows.length} groups, ${pageRows.length} pages, ${standIn.calls.length} Slack calls, ${errors.length} error lines`,
        );
        expect(errors, 'errors logged by the bot').toEqual([]);
      } finally {
        await endPhase(storm, running, bot, standIn);
      }
    },
    10 * 60_000,
  );
});
