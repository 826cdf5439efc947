import { and, asc, eq, inArray, isNotNull, isNull, lt, lte, notInArray, or, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db/connection.js';
import { literalLimit, preparedOnce } from '../db/prepared.js';
import { outbox, slackMessages } from '../db/schema.js';
import type { Clock } from '../time/clock.js';
import { decideDelivery, type CallOutcome } from './delivery.js';

/** Pages and escalations first, then reminders and announcements, then cosmetic edits. */
export const PRIORITY = { page: 0, notice: 1, cosmetic: 2 } as const;
export type Priority = (typeof PRIORITY)[keyof typeof PRIORITY];

export interface OutgoingCall {
  method: string;
  args: Record<string, unknown>;
  priority: Priority;
  /** Store the delivered message's channel and ts under this name. */
  ref?: string;
  /** Edit the message stored under this ref: channel and ts are filled in when it is sent. */
  targetRef?: string;
  /** Reply in the thread of the message stored under this ref (its ts becomes thread_ts at send time). */
  threadRef?: string;
  /** Calls sharing a lane are delivered in order. Default: the target message, else the channel. */
  lane?: string;
  /**
   * This call makes earlier ones of the same method in its lane pointless (a Home view drawn anew): those not
   * yet on their way are dropped, so a transaction or a burst that redraws twice sends the last view once.
   */
  supersedes?: boolean;
  /**
   * Drawn when it leaves, not when queued: the drawer registered under `with` (OutboxDrainer.drawWith) gives the
   * call's content (text, blocks) from the state at send time, by `key`. A digest's post or edit queued once
   * then carries everything that joined it before it left. The queued args are what is sent if it draws nothing.
   */
  draw?: { with: string; key: string };
}

/** Where a call drawn at send time keeps its drawer in the row's args; never sent to Slack. */
const DRAW_ARG = 'oncall_draw';
const drawOf = (args: Record<string, unknown>): { with: string; key: string } | null => {
  const draw = args[DRAW_ARG] as { with?: unknown; key?: unknown } | undefined;
  return draw && typeof draw.with === 'string' && typeof draw.key === 'string' ? { with: draw.with, key: draw.key } : null;
};

/** Draws a call's content at send time (see OutgoingCall.draw); null: nothing to draw, the queued args go. */
export type CallDrawer = (key: string) => Record<string, unknown> | null;

/** What the outbox needs from Slack: one Web API call, its outcome reduced to plain values. */
export interface SlackCaller {
  call(method: string, args: Record<string, unknown>): Promise<CallOutcome>;
  /** A read (conversations.history), answered in full; throws when Slack says no. Without it, nothing is reconciled. */
  read?(method: string, args: Record<string, unknown>): Promise<Record<string, unknown>>;
  /**
   * For a call that was on its way when the last process died (claimed at `claimedAt`), other than a Slack post:
   * true when it arrived (recorded as sent, not sent again), false when it did not, null when that cannot be
   * told or the method is not this caller's to tell. Only false and null send it again. Each method family
   * (a provider's calls, texts and pushes) answers by its own lookup; without this hook, everything is resent.
   */
  reconcile?(method: string, args: Record<string, unknown>, claimedAt: number): Promise<boolean | null>;
}

/**
 * Every message the outbox posts carries its row id as Slack message metadata, so after a crash mid-call the
 * outbox can look in the channel and tell "delivered, Slack just never answered us" from "never arrived".
 */
export const OUTBOX_METADATA_TYPE = 'oncall_outbox';

function stampedArgs(row: { id: number; method: string }, args: Record<string, unknown>): Record<string, unknown> {
  if (row.method !== 'chat.postMessage' || args.metadata !== undefined) return args;
  return { ...args, metadata: { event_type: OUTBOX_METADATA_TYPE, event_payload: { outbox_id: row.id } } };
}

/** How far back (before the crashed call started) the reconciling read looks; messages carry Slack's clock. */
const RECONCILE_LOOKBACK_MS = 5 * 60_000;

export interface DeliveryListener {
  delivered(method: string): void;
  failed(method: string, reason: string): void;
}

/** Methods whose rate limit Slack keeps per channel, not per method: a 429 waits in the lane only. */
const LIMITED_PER_CHANNEL: ReadonlySet<string> = new Set(['chat.postMessage']);

/** The lane of the edits of the message stored under a ref (the default lane of a call with that targetRef). */
export const messageLane = (ref: string): string => `message:${ref}`;

function defaultLane(call: OutgoingCall): string {
  if (call.targetRef) return messageLane(call.targetRef);
  const target = call.args.channel ?? call.args.channel_id ?? call.args.users ?? call.args.user;
  return typeof target === 'string' ? `channel:${target}` : `method:${call.method}`;
}

const enqueueStatements = preparedOnce((db) => ({
  dropSuperseded: db
    .delete(outbox)
    .where(
      and(
        eq(outbox.lane, sql.placeholder('lane')),
        eq(outbox.method, sql.placeholder('method')),
        eq(outbox.status, 'pending'),
        isNull(outbox.sendingAt),
      ),
    )
    .prepare(),
  insert: db
    .insert(outbox)
    .values({
      priority: sql.placeholder('priority'),
      method: sql.placeholder('method'),
      args: sql.placeholder('args'),
      lane: sql.placeholder('lane'),
      ref: sql.placeholder('ref'),
      targetRef: sql.placeholder('targetRef'),
      threadRef: sql.placeholder('threadRef'),
      nextAttemptAt: sql.placeholder('now'),
      createdAt: sql.placeholder('now'),
    })
    .returning({ id: outbox.id })
    .prepare(),
}));

/** Adds a call to the outbox; run it inside the same transaction as the decision that wants it. */
export function enqueueCall(db: Db, now: number, call: OutgoingCall): number {
  const lane = call.lane ?? defaultLane(call);
  const statements = enqueueStatements(db);
  if (call.supersedes) statements.dropSuperseded.run({ lane, method: call.method });
  const row = statements.insert.get({
    priority: call.priority,
    method: call.method,
    args: call.draw ? { ...call.args, [DRAW_ARG]: call.draw } : call.args,
    lane,
    ref: call.ref ?? null,
    targetRef: call.targetRef ?? null,
    threadRef: call.threadRef ?? null,
    now,
  });
  return row!.id;
}

export interface OutboxDrainerDeps {
  db: Db;
  clock: Clock;
  caller: SlackCaller;
  logger: Logger;
  listener?: DeliveryListener;
  /** Calls in flight at once, each from a different lane. */
  concurrency?: number;
}

type OutboxRow = typeof outbox.$inferSelect;

/**
 * The oldest pending row of every lane. A loose index scan over (status, lane, id): one seek per lane, so a
 * lane with thousands of rows waiting (one user's DMs in a storm) costs no more than a lane with one.
 */
const LANE_HEAD_IDS = sql`
  WITH RECURSIVE lanes(lane) AS (
    SELECT min(lane) FROM outbox WHERE status = 'pending'
    UNION ALL
    SELECT (SELECT min(lane) FROM outbox WHERE status = 'pending' AND lane > lanes.lane) FROM lanes WHERE lanes.lane IS NOT NULL
  )
  SELECT (SELECT min(id) FROM outbox WHERE status = 'pending' AND lane = lanes.lane) FROM lanes WHERE lanes.lane IS NOT NULL`;

/**
 * Calls of PRIORITY.page may start beyond `concurrency` by this many: a page never waits for a slot held by an
 * edit or a Home publish already on its way to a slow Slack.
 */
export const PAGE_RESERVED_SLOTS = 4;

/**
 * Delivers outbox rows: at least once, each lane in order, pages before everything else, and a rate
 * limit on one method (say chat.update) never holding up another (chat.postMessage).
 *
 * Calls go out as slots free up, not in rounds: each finished call lets the most urgent due lane head start, and
 * a wake (a commit that enqueued) starts a page at once, in a slot kept for pages if every other one is taken.
 * Across lanes the order is priority, then age: the first page of a storm overtakes every edit, channel line and
 * Home publish queued before it (within its own lane it keeps its place).
 */
export class OutboxDrainer {
  private readonly blockedUntil = new Map<string, number>();
  private running: Promise<void> | null = null;
  private again = false;
  private readonly concurrency: number;
  private reconciled = false;
  /** Rows on their way to Slack, with the channel a post goes to (null: no post); their lanes wait until answered. */
  private readonly inFlight = new Map<number, { channel: string | null; page: boolean }>();
  /** Set while the drain loop runs: a wake may then start calls itself. */
  private pumping = false;
  private settledWaiter: (() => void) | null = null;
  /** Channels (as posted to) whose chat.postMessage Slack refused with a 429, until its Retry-After. */
  private readonly channelBlockedUntil = new Map<string, number>();
  /**
   * Channels where a page's post waits out a 429: other posts there wait for it (until this instant at most), so a
   * thread reply or a channel line does not spend the channel's next slot before the page.
   */
  private readonly pageWaitingIn = new Map<string, number>();
  private readonly drawers = new Map<string, CallDrawer>();

  constructor(private readonly deps: OutboxDrainerDeps) {
    this.concurrency = deps.concurrency ?? 8;
  }

  // Prepared on first use (after migrations): the drain runs these for every message, so their SQL is built once.
  private statementsCache: ReturnType<OutboxDrainer['prepareStatements']> | null = null;

  private get statements() {
    this.statementsCache ??= this.prepareStatements();
    return this.statementsCache;
  }

  private prepareStatements() {
    const { db } = this.deps;
    return {
      dueHeads: this.headsQuery([]).prepare(),
      markSent: db
        .update(outbox)
        .set({
          status: 'sent',
          attempts: sql`${sql.placeholder('attempts')}`,
          sentAt: sql`${sql.placeholder('now')}`,
          lastError: null,
          sendingAt: null,
        })
        .where(eq(outbox.id, sql.placeholder('id')))
        .prepare(),
      markSending: db
        .update(outbox)
        .set({ sendingAt: sql`${sql.placeholder('now')}` })
        .where(eq(outbox.id, sql.placeholder('id')))
        .prepare(),
      recordArgs: db
        .update(outbox)
        .set({ args: sql`${sql.placeholder('args')}` })
        .where(eq(outbox.id, sql.placeholder('id')))
        .prepare(),
      clearSending: db
        .update(outbox)
        .set({ sendingAt: null })
        .where(eq(outbox.id, sql.placeholder('id')))
        .prepare(),
      retryLater: db
        .update(outbox)
        .set({
          attempts: sql`${sql.placeholder('attempts')}`,
          nextAttemptAt: sql`${sql.placeholder('nextAttemptAt')}`,
          lastError: sql`${sql.placeholder('lastError')}`,
          sendingAt: null,
        })
        .where(eq(outbox.id, sql.placeholder('id')))
        .prepare(),
      delivered: db
        .select()
        .from(slackMessages)
        .where(eq(slackMessages.ref, sql.placeholder('ref')))
        .prepare(),
      stillPending: db
        .select({ id: outbox.id })
        .from(outbox)
        .where(and(eq(outbox.ref, sql.placeholder('ref')), eq(outbox.status, 'pending')))
        .limit(literalLimit(1))
        .prepare(),
      rememberMessage: db
        .insert(slackMessages)
        .values({
          ref: sql.placeholder('ref'),
          channel: sql.placeholder('channel'),
          ts: sql.placeholder('ts'),
          createdAt: sql.placeholder('now'),
          updatedAt: sql.placeholder('now'),
        })
        .onConflictDoUpdate({
          target: slackMessages.ref,
          set: { channel: sql`excluded.channel`, ts: sql`excluded.ts`, updatedAt: sql`excluded.updated_at` },
        })
        .prepare(),
    };
  }

  /** Calls queued with `draw: { with: name }` get their content from `drawer` when they leave (OutgoingCall.draw). */
  drawWith(name: string, drawer: CallDrawer): void {
    this.drawers.set(name, drawer);
  }

  /**
   * The args a call drawn at send time leaves with (the queued ones, its drawer's content over them), and what its
   * row then records (its own args with that content: the row says what was sent, and is drawn again if resent).
   */
  private drawn(row: OutboxRow, args: Record<string, unknown>): { args: Record<string, unknown>; record: Record<string, unknown> | null } {
    const draw = drawOf(args);
    if (!draw) return { args, record: null };
    const { [DRAW_ARG]: _, ...rest } = args;
    const drawer = this.drawers.get(draw.with);
    if (!drawer) {
      this.deps.logger.warn({ drawer: draw.with }, 'no drawer registered for a call drawn at send time; sent as queued');
      return { args: rest, record: null };
    }
    const content = drawer(draw.key);
    return content ? { args: { ...rest, ...content }, record: { ...row.args, ...content } } : { args: rest, record: null };
  }

  /** Start draining soon without waiting (called right after a commit that enqueued). */
  wake(): void {
    this.drain().catch((error: unknown) => this.deps.logger.error({ err: error }, 'outbox drain failed'));
  }

  /**
   * Drains everything due now; concurrent callers share one run. A call while it runs starts what became due at
   * once (a page does not wait for the calls already on their way), and the run goes on until nothing is left.
   */
  drain(): Promise<void> {
    if (this.running) {
      this.again = true;
      // After the caller's stack: a transaction still open around it has committed (or rolled back) by then.
      queueMicrotask(() => {
        try {
          this.fill();
        } catch (error) {
          this.deps.logger.error({ err: error }, 'outbox drain failed');
        }
      });
      return this.running;
    }
    this.running = (async () => {
      // Not one step before `running` is set: a run with nothing to do would otherwise end (and clear it) first.
      await Promise.resolve();
      try {
        if (!this.reconciled) {
          this.reconciled = true;
          await this.reconcileInFlight();
        }
        this.pumping = true;
        do {
          this.again = false;
          this.fill();
          while (this.inFlight.size > 0) {
            await new Promise<void>((resolve) => {
              this.settledWaiter = resolve;
            });
            // Calls answered together are followed by one look at the lanes, not one each.
            await new Promise((resolve) => setImmediate(resolve));
            this.fill();
          }
        } while (this.again);
      } finally {
        this.pumping = false;
        this.running = null;
      }
    })();
    return this.running;
  }

  /** Starts the most urgent due lane heads while there are free slots (pages may use the slots kept for them). */
  private fill(): void {
    if (!this.pumping) return;
    const withReserve = this.concurrency + PAGE_RESERVED_SLOTS;
    if (this.inFlight.size >= withReserve) return;
    const now = this.deps.clock.now();
    const blocked = [...this.blockedUntil].filter(([, until]) => until > now).map(([method]) => method);
    const batch: Array<{ row: OutboxRow; args: Record<string, unknown>; record: Record<string, unknown> | null }> = [];
    // Channels a page is being posted to, or will be in this round: other posts there wait for it. And channels
    // posted to now: one Slack paced lately gets one post at a time.
    const posting = [...this.inFlight.values()];
    const pageChannels = new Set(posting.flatMap((p) => (p.page && p.channel !== null ? [p.channel] : [])));
    const postingTo = new Set(posting.flatMap((p) => (p.channel !== null ? [p.channel] : [])));
    for (const row of this.dueHeads(now, blocked)) {
      if (this.inFlight.has(row.id)) continue;
      const room = row.priority === PRIORITY.page ? withReserve : this.concurrency;
      // Heads come by priority: once one finds no room, none after it will.
      if (this.inFlight.size + batch.length >= room) break;
      const args = this.resolveArgs(row);
      if (!args || this.heldByChannel(row, args, now, pageChannels, postingTo)) continue;
      const { channel, page } = this.postOf(row, args);
      if (channel !== null) {
        postingTo.add(channel);
        if (page) pageChannels.add(channel);
      }
      const drawn = this.drawn(row, args);
      batch.push({ row, args: stampedArgs(row, drawn.args), record: drawn.record });
    }
    if (batch.length === 0) return;
    // Written before the calls leave: if the process dies while they are out, the next one knows to ask Slack.
    this.deps.db.transaction(() => {
      for (const { row, record } of batch) {
        this.statements.markSending.run({ id: row.id, now });
        if (record) this.statements.recordArgs.run({ id: row.id, args: JSON.stringify(record) });
      }
    });
    for (const { row, args } of batch) {
      this.inFlight.set(row.id, this.postOf(row, args));
      this.send(row, args)
        .catch((error: unknown) => {
          this.deps.logger.error({ err: error, outboxId: row.id }, 'outbox call could not be recorded; it will be sent again');
          try {
            this.statements.clearSending.run({ id: row.id });
          } catch {
            // the database itself is failing: the row stays marked and is looked at after a restart
          }
        })
        .finally(() => {
          this.inFlight.delete(row.id);
          const waiter = this.settledWaiter;
          this.settledWaiter = null;
          waiter?.();
        });
    }
  }

  /**
   * A post to a channel Slack just rate-limited waits out the Retry-After instead of being refused again, and a post
   * other than a page waits while a page to that channel waits: the channel's next slot is the page's.
   */
  private heldByChannel(
    row: OutboxRow,
    args: Record<string, unknown>,
    now: number,
    pageChannels: ReadonlySet<string>,
    postingTo: ReadonlySet<string>,
  ): boolean {
    const { channel, page } = this.postOf(row, args);
    if (channel === null) return false;
    const blockedUntil = this.channelBlockedUntil.get(channel);
    if (blockedUntil !== undefined) {
      if (blockedUntil > now) return true;
      // Paced in the last minute: one post at a time there, so the next burst is not refused all at once.
      if (blockedUntil > now - RECENTLY_PACED_MS && postingTo.has(channel)) return true;
      if (blockedUntil <= now - RECENTLY_PACED_MS) this.channelBlockedUntil.delete(channel);
    }
    const pageUntil = this.pageWaitingIn.get(channel);
    if (pageUntil !== undefined && pageUntil <= now) this.pageWaitingIn.delete(channel);
    if (page) return false;
    return pageChannels.has(channel) || (pageUntil !== undefined && pageUntil > now);
  }

  /** The channel a post goes to (Slack paces posts per channel), and whether it is a page's; null for other calls. */
  private postOf(row: OutboxRow, args: Record<string, unknown>): { channel: string | null; page: boolean } {
    const channel = LIMITED_PER_CHANNEL.has(row.method) && typeof args.channel === 'string' ? args.channel : null;
    return { channel, page: channel !== null && row.priority === PRIORITY.page };
  }

  private dueHeads(now: number, blockedMethods: string[]): OutboxRow[] {
    if (blockedMethods.length === 0) return this.statements.dueHeads.all({ now });
    return this.headsQuery(blockedMethods).all({ now });
  }

  /** Its LIMIT written into the SQL (literalLimit): bound, it made this query, run at every drain step, costlier. */
  private headsQuery(blockedMethods: string[]) {
    const { db } = this.deps;
    return db
      .select()
      .from(outbox)
      .where(
        and(
          sql`${outbox.id} IN (${LANE_HEAD_IDS})`,
          // A head on its way to Slack holds its lane until answered; it is no candidate either.
          isNull(outbox.sendingAt),
          // Heads still waiting for the message they edit or reply to are left out here, not after the LIMIT:
          // dozens of them (edits queued behind a busy channel) must not crowd out every other lane.
          sql`NOT EXISTS (SELECT 1 FROM outbox AS awaited WHERE awaited.status = 'pending' AND awaited.ref IN (${outbox.targetRef}, ${outbox.threadRef}))`,
          lte(outbox.nextAttemptAt, sql.placeholder('now')),
          blockedMethods.length ? notInArray(outbox.method, blockedMethods) : undefined,
        ),
      )
      .orderBy(asc(outbox.priority), asc(outbox.id))
      .limit(literalLimit((this.concurrency + PAGE_RESERVED_SLOTS) * 4));
  }

  /**
   * An edit needs the ts of the message it edits. While that message is still on its way the edit waits;
   * if it was never delivered, the edit can never succeed and is marked failed.
   */
  private resolveArgs(row: OutboxRow): Record<string, unknown> | null {
    if (row.threadRef) return this.threadArgs(row, row.threadRef);
    if (!row.targetRef) return row.args;
    const target = this.delivered(row.targetRef);
    // pins and reactions name the message `timestamp`, chat methods `ts`.
    if (target)
      return {
        ...row.args,
        channel: target.channel,
        ts: target.ts,
        ...(/^(pins|reactions)\./.test(row.method) ? { timestamp: target.ts } : {}),
      };
    if (this.stillPending(row.targetRef)) return null;
    const reason = `the message to edit (${row.targetRef}) was never delivered`;
    this.deps.db.update(outbox).set({ status: 'failed', lastError: reason }).where(eq(outbox.id, row.id)).run();
    // The metric's label names the reason, never the message: one series, not one per failed edit.
    this.deps.listener?.failed(row.method, 'the message to edit was never delivered');
    this.deps.logger.warn({ outboxId: row.id, method: row.method, reason }, 'outbox call dropped');
    return null;
  }

  /** A reply waits for its parent; if the parent never made it, the reply is still worth more than nothing: top level. */
  private threadArgs(row: OutboxRow, threadRef: string): Record<string, unknown> | null {
    const parent = this.delivered(threadRef);
    if (parent) return { ...row.args, thread_ts: parent.ts };
    return this.stillPending(threadRef) ? null : row.args;
  }

  private delivered(ref: string) {
    return this.statements.delivered.get({ ref });
  }

  private stillPending(ref: string): boolean {
    return this.statements.stillPending.get({ ref }) !== undefined;
  }

  /** What a post's answer says about its channel: rate-limited until when, and whether a page waits there. */
  private notePerChannel(row: OutboxRow, args: Record<string, unknown>, decision: ReturnType<typeof decideDelivery>): void {
    const channel = args.channel;
    if (!LIMITED_PER_CHANNEL.has(row.method) || typeof channel !== 'string') return;
    if (decision.status === 'retry' && decision.blockMethodUntil !== undefined) {
      this.channelBlockedUntil.set(channel, decision.blockMethodUntil);
      if (row.priority === PRIORITY.page) this.pageWaitingIn.set(channel, decision.blockMethodUntil + PAGE_HOLD_MS);
      return;
    }
    // Delivered or given up: the page no longer waits (another page still waiting there says so at its next 429).
    if (row.priority === PRIORITY.page) this.pageWaitingIn.delete(channel);
  }

  /**
   * Rows that were on their way to Slack when the last process died. A post is looked for in its channel by
   * the id it carries: found, it is recorded as sent (with its ts, so later edits find it) instead of being
   * posted twice; not found, or not readable, it is sent again (at least once beats at most once for a page).
   * Edits, pins, reactions and invites repeat harmlessly, so they are simply sent again. Other methods ask the
   * caller's reconcile hook (a provider's call, text or push: a lookup of what it sent since the row was claimed).
   */
  private async reconcileInFlight(): Promise<void> {
    const { db, caller, logger } = this.deps;
    const rows = db
      .select()
      .from(outbox)
      .where(and(eq(outbox.status, 'pending'), isNotNull(outbox.sendingAt)))
      .all();
    for (const row of rows) {
      let found: { channel: string; ts: string } | null = null;
      let arrived = false;
      if (row.method === 'chat.postMessage' && caller.read) {
        try {
          found = await this.findPosted(row, caller.read.bind(caller));
          arrived = found !== null;
        } catch (error) {
          logger.warn({ outboxId: row.id, err: error }, 'could not check whether an interrupted post arrived; sending it again');
        }
      } else if (caller.reconcile) {
        try {
          arrived = (await caller.reconcile(row.method, row.args, row.sendingAt ?? row.createdAt)) === true;
        } catch (error) {
          logger.warn(
            { outboxId: row.id, method: row.method, err: error },
            'could not check whether an interrupted call arrived; sending it again',
          );
        }
      }
      const now = this.deps.clock.now();
      db.transaction((tx) => {
        if (!arrived) {
          tx.update(outbox).set({ sendingAt: null }).where(eq(outbox.id, row.id)).run();
          return;
        }
        this.statements.markSent.run({ id: row.id, attempts: row.attempts + 1, now });
        if (row.ref && found) this.statements.rememberMessage.run({ ref: row.ref, channel: found.channel, ts: found.ts, now });
      });
      if (arrived) logger.info({ outboxId: row.id, method: row.method }, 'an interrupted call had arrived; not sending it twice');
    }
  }

  private async findPosted(row: OutboxRow, read: NonNullable<SlackCaller['read']>): Promise<{ channel: string; ts: string } | null> {
    const target = row.args.channel;
    if (typeof target !== 'string' || target === '') return null;
    let channel = target;
    // A post to a user id lands in the DM, which history knows by its own id.
    if (/^[UW]/.test(target)) {
      const opened = await read('conversations.open', { users: target });
      const id = (opened.channel as { id?: unknown } | undefined)?.id;
      if (typeof id !== 'string') return null;
      channel = id;
    }
    const oldest = ((row.sendingAt ?? row.createdAt) - RECONCILE_LOOKBACK_MS) / 1000;
    // A reply lives in its thread, which only conversations.replies shows.
    const parent = row.threadRef ? this.delivered(row.threadRef) : undefined;
    const history = parent
      ? await read('conversations.replies', {
          channel: parent.channel,
          ts: parent.ts,
          oldest: oldest.toFixed(6),
          limit: 200,
          include_all_metadata: true,
        })
      : await read('conversations.history', { channel, oldest: oldest.toFixed(6), limit: 200, include_all_metadata: true });
    const messages = Array.isArray(history.messages) ? (history.messages as Array<Record<string, unknown>>) : [];
    const match = messages.find((m) => {
      const metadata = m.metadata as { event_type?: unknown; event_payload?: { outbox_id?: unknown } } | undefined;
      return metadata?.event_type === OUTBOX_METADATA_TYPE && metadata.event_payload?.outbox_id === row.id;
    });
    // Remembered with the conversation's own id: edits (chat.update) need it, a user id will not do.
    return match && typeof match.ts === 'string' ? { channel, ts: match.ts } : null;
  }

  private async send(row: OutboxRow, args: Record<string, unknown>): Promise<void> {
    const { db, clock, caller, logger, listener } = this.deps;
    let outcome: CallOutcome;
    try {
      outcome = await caller.call(row.method, args);
    } catch (error) {
      outcome = { kind: 'network_error', message: error instanceof Error ? error.message : String(error) };
    }
    const now = clock.now();
    const attempts = row.attempts + 1;
    const decision = decideDelivery(outcome, attempts, now);
    db.transaction((tx) => {
      if (decision.status === 'sent') {
        this.statements.markSent.run({ id: row.id, attempts, now });
        const ref = row.ref ?? row.targetRef;
        const channel = outcome.kind === 'ok' ? (outcome.channel ?? args.channel) : undefined;
        const ts = outcome.kind === 'ok' ? (outcome.ts ?? args.ts) : undefined;
        if (ref && typeof channel === 'string' && typeof ts === 'string') this.statements.rememberMessage.run({ ref, channel, ts, now });
      } else if (decision.status === 'failed') {
        tx.update(outbox)
          .set({ status: 'failed', attempts, lastError: decision.reason, sendingAt: null })
          .where(eq(outbox.id, row.id))
          .run();
      } else {
        this.statements.retryLater.run({ id: row.id, attempts, nextAttemptAt: decision.nextAttemptAt, lastError: decision.reason });
      }
    });
    this.notePerChannel(row, args, decision);
    if (decision.status === 'sent') {
      listener?.delivered(row.method);
      return;
    }
    listener?.failed(row.method, decision.reason);
    if (decision.status === 'failed') {
      logger.warn({ outboxId: row.id, method: row.method, reason: decision.reason }, 'outbox call failed for good');
    } else {
      // Slack limits chat.postMessage per channel (about one a second each): its 429 holds that channel's lane (the
      // row waits at its head), not every post, so a page to someone else is not held up behind an alert burst.
      if (decision.blockMethodUntil !== undefined && !LIMITED_PER_CHANNEL.has(row.method))
        this.blockedUntil.set(row.method, decision.blockMethodUntil);
      logger.info(
        { outboxId: row.id, method: row.method, reason: decision.reason, retryInMs: decision.nextAttemptAt - now },
        'outbox call will be retried',
      );
    }
  }
}

/** How long at most other posts to a channel wait for a page that waits out a 429 there. */
const PAGE_HOLD_MS = 30_000;
/** A channel Slack rate-limited this recently gets one post at a time. */
const RECENTLY_PACED_MS = 60_000;

export interface OutboxStats {
  pending: number;
  oldestPendingCreatedAt: number | null;
}

/** For /metrics: the backlog and how old its oldest message is. */
export function outboxStats(db: Db): OutboxStats {
  const row = db
    .select({ pending: sql<number>`count(*)`, oldest: sql<number | null>`min(${outbox.createdAt})` })
    .from(outbox)
    .where(eq(outbox.status, 'pending'))
    .get();
  return { pending: row?.pending ?? 0, oldestPendingCreatedAt: row?.oldest ?? null };
}

/** Every outbox row's ref by id, and every stored message's ref by "channel/ts" (the dry run's record). */
export function deliveredRefs(db: Db): { byOutboxId: Map<number, string | null>; byChannelTs: Map<string, string> } {
  return {
    byOutboxId: new Map(
      db
        .select({ id: outbox.id, ref: outbox.ref })
        .from(outbox)
        .all()
        .map((r) => [r.id, r.ref]),
    ),
    byChannelTs: new Map(
      db
        .select()
        .from(slackMessages)
        .all()
        .map((m) => [`${m.channel}/${m.ts}`, m.ref]),
    ),
  };
}

/**
 * Deletes up to `limit` outbox rows that were delivered (or given up) before `before`, oldest first; returns how
 * many. A row still pending or on its way is never touched, whatever its age. The message's place in Slack is
 * kept apart (slack_messages), so a page delivered a year ago can still be edited.
 */
export function deleteDeliveredBefore(db: Db, before: number, limit: number): number {
  const done = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(or(and(eq(outbox.status, 'sent'), lt(outbox.sentAt, before)), and(eq(outbox.status, 'failed'), lt(outbox.createdAt, before))))
    .limit(limit)
    .all()
    .map((r) => r.id);
  if (done.length === 0) return 0;
  return db.delete(outbox).where(inArray(outbox.id, done)).run().changes;
}

/** Where the message stored under a ref was delivered (its channel and ts), or null while it is not. */
export function deliveredMessage(db: Db, ref: string): { channel: string; ts: string } | null {
  const row = db
    .select({ channel: slackMessages.channel, ts: slackMessages.ts })
    .from(slackMessages)
    .where(eq(slackMessages.ref, ref))
    .get();
  return row ?? null;
}

// Asked for every new alert group and page (is the alerts channel backlogged?): built once, not per call.
const pendingPostsStatement = preparedOnce((db) =>
  db
    .select({ pending: sql<number>`count(*)` })
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), eq(outbox.lane, sql.placeholder('lane')), eq(outbox.method, 'chat.postMessage')))
    .prepare(),
);

/**
 * How many chat.postMessage calls for a channel are still waiting in its lane (not yet delivered), for a decision
 * that folds what Slack could not post in time (paging's digests). Slack posts about one message a second there.
 */
export function pendingPostsInChannel(db: Db, channel: string): number {
  return pendingPostsStatement(db).get({ lane: `channel:${channel}` })?.pending ?? 0;
}

/** A call as a decision about a message drawn at send time sees it: queued (drawn when it leaves), on its way, or done. */
export type CallState = 'queued' | 'sending' | 'done';
export interface SeenCall {
  priority: number;
  createdAt: number;
  state: CallState;
}

const seenCall = (r: { priority: number; createdAt: number; status: string; sendingAt: number | null }): SeenCall => ({
  priority: r.priority,
  createdAt: r.createdAt,
  state: r.status !== 'pending' ? 'done' : r.sendingAt !== null ? 'sending' : 'queued',
});

/**
 * The edits of the message stored under a ref (calls in its message lane) still pending, and those queued since an
 * instant that went out (or were given up), oldest first: for a rule that paces a message's edits.
 */
export function editsOf(db: Db, ref: string, since: number): SeenCall[] {
  return db
    .select({ priority: outbox.priority, createdAt: outbox.createdAt, status: outbox.status, sendingAt: outbox.sendingAt })
    .from(outbox)
    .where(
      and(
        eq(outbox.lane, messageLane(ref)),
        // The lane may hold the message's own post too (a lane of its own): only the calls that target it are edits.
        eq(outbox.targetRef, ref),
        inArray(outbox.status, ['pending', 'sent', 'failed']),
        or(eq(outbox.status, 'pending'), sql`${outbox.createdAt} > ${since}`),
      ),
    )
    .orderBy(asc(outbox.id))
    .all()
    .map(seenCall);
}

/** The call that posts the message stored under a ref, as a decision drawn at send time sees it; null when none is known. */
export function postUnder(db: Db, ref: string): SeenCall | null {
  const row = db
    .select({ priority: outbox.priority, createdAt: outbox.createdAt, status: outbox.status, sendingAt: outbox.sendingAt })
    .from(outbox)
    .where(eq(outbox.ref, ref))
    .orderBy(asc(outbox.id))
    .get();
  if (row) return seenCall(row);
  return deliveredMessage(db, ref) !== null ? { priority: PRIORITY.page, createdAt: 0, state: 'done' } : null;
}

/** Whether a message was ever sent or queued under this ref (delivered, or a row for it in the outbox): an edit of it can land. */
export function messageKnown(db: Db, ref: string): boolean {
  if (deliveredMessage(db, ref) !== null) return true;
  return db.select({ id: outbox.id }).from(outbox).where(eq(outbox.ref, ref)).get() !== undefined;
}
