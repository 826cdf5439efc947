import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Db } from '../db/connection.js';
import type { Clock } from '../time/clock.js';
import { enqueueCall, type OutboxDrainer, type OutgoingCall } from './outbox.js';
import { backoffDelay } from './delivery.js';
import { cancelTimers, claimTimer, dueTimers, postponeFailedTimer, scheduleTimer, type DueTimer, type TimerSpec } from './timers.js';
import type { TimerKind, TypedDueTimer } from './timer-registry.js';

/** What a decision may do, all inside one transaction: write rows, set or cancel timers, enqueue Slack calls. */
export interface EngineTx {
  db: Db;
  now: number;
  schedule(spec: TimerSpec): boolean;
  cancel(subject: string, kind?: string, key?: string): number;
  enqueue(call: OutgoingCall): number;
  /**
   * Runs `fn` once, at the end of this transaction's body and still inside it (its writes commit with the rest,
   * a rollback drops them), however many times `key` is registered: the first function registered for a key is
   * the one run, keys in the order first registered. For work that should see the final state once rather than
   * each intermediate one (the Home tabs after several changes). A key registered again by a hook after it ran
   * runs once more, after the others.
   */
  beforeCommit(key: string, fn: (tx: EngineTx) => void): void;
}

/** Runs when a timer of its kind is due. Synchronous: gather, decide and apply happen in one transaction. */
export type TimerHandler = (timer: DueTimer, tx: EngineTx) => void;

export interface EngineObserver {
  timerFired(kind: string, lagMs: number): void;
}

export interface EngineDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  drainer: OutboxDrainer;
  observer?: EngineObserver;
}

const TIMER_BATCH = 500;
/** A handler that keeps scheduling already-due timers must not spin one tick forever. */
const MAX_TIMERS_PER_TICK = 20_000;
/** A hook that keeps registering hooks (itself, or two each other) is a bug, not work to finish. */
const MAX_BEFORE_COMMIT_RUNS = 1_000;

/** The hooks of one transaction: keys waiting to run, each with the first function registered for it. */
class BeforeCommit {
  private readonly pending = new Map<string, (tx: EngineTx) => void>();

  add(key: string, fn: (tx: EngineTx) => void): void {
    if (!this.pending.has(key)) this.pending.set(key, fn);
  }

  /** Runs the waiting hooks in order, including those they register, until none is left. */
  run(tx: EngineTx): void {
    let runs = 0;
    for (const [key, fn] of this.pending) {
      this.pending.delete(key);
      runs += 1;
      if (runs > MAX_BEFORE_COMMIT_RUNS) throw new Error(`before-commit hooks keep registering each other (last: "${key}")`);
      fn(tx);
    }
  }
}

/**
 * The ticker: every second, fire the timers that are due (each in its own transaction) and drain the outbox.
 * Its work grows with the rows that are due, never with the history.
 */
export class Engine {
  private readonly handlers = new Map<string, TimerHandler>();
  /** The kinds registered with a payload schema (`on`): their payloads are checked when set and when read. */
  private readonly kinds = new Map<string, TimerKind<unknown>>();
  private task: ScheduledTask | null = null;
  private ticking: Promise<void> | null = null;
  private firing: Promise<void> | null = null;
  private lastTick: number | null = null;

  constructor(private readonly deps: EngineDeps) {}

  register(kind: string, handler: TimerHandler): void {
    if (this.handlers.has(kind)) throw new Error(`timer kind "${kind}" already has a handler`);
    this.handlers.set(kind, handler);
  }

  /**
   * A typed timer kind and its handler: the payload is checked against the kind's schema whenever a timer of
   * this kind is set (tx.schedule) and before the handler sees it; a stored payload that does not fit fails the
   * timer (logged, retried later, never handed over as it is).
   */
  on<P>(kind: TimerKind<P>, handler: (timer: TypedDueTimer<P>, tx: EngineTx) => void): void {
    this.register(kind.kind, (timer, tx) => handler(kind.read(timer), tx));
    this.kinds.set(kind.kind, kind as TimerKind<unknown>);
  }

  /** When the ticker last completed a round (readiness wants it recent). */
  get lastTickAt(): number | null {
    return this.lastTick;
  }

  /** Runs one decision in a transaction; enqueued Slack calls start draining as soon as it commits. */
  transact<T>(decide: (tx: EngineTx) => T): T {
    let enqueued = 0;
    const result = this.deps.db.transaction((db) => {
      const hooks = new BeforeCommit();
      const tx = this.txFor(db, hooks, () => {
        enqueued += 1;
      });
      const result = decide(tx);
      hooks.run(tx);
      return result;
    });
    if (enqueued > 0) this.deps.drainer.wake();
    return result;
  }

  /** One round of the ticker: fire what is due, then deliver. Rounds never overlap: a call during a round waits for it. */
  tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = (async () => {
      try {
        await this.fireRound();
        await this.deps.drainer.drain();
      } finally {
        this.ticking = null;
      }
    })();
    return this.ticking;
  }

  /**
   * What the every-second schedule runs: fire what is due and wake the outbox, without waiting for it. A long
   * drain (the backlog after a Slack outage takes minutes to send) must not hold up the next escalation.
   */
  async beat(): Promise<void> {
    await this.fireRound();
    this.deps.drainer.wake();
  }

  private fireRound(): Promise<void> {
    if (this.firing) return this.firing;
    this.firing = (async () => {
      try {
        await this.fireDueTimers();
        this.lastTick = this.deps.clock.now();
      } finally {
        this.firing = null;
      }
    })();
    return this.firing;
  }

  /**
   * Fires every timer due now, by priority then age. Between batches it yields, so the outbox can already
   * send what the first (most urgent) decisions enqueued while a large burst is still being worked through.
   */
  async fireDueTimers(): Promise<number> {
    const { db, clock, logger, observer } = this.deps;
    let fired = 0;
    let enqueued = 0;
    while (fired < MAX_TIMERS_PER_TICK) {
      const now = clock.now();
      const due = dueTimers(db, now, TIMER_BATCH);
      if (due.length === 0) break;
      let progressed = false;
      for (const timer of due) {
        const handler = this.handlers.get(timer.kind);
        try {
          if (!handler) throw new Error(`no handler for timer kind "${timer.kind}"`);
          const ran = db.transaction((txDb) => {
            if (!claimTimer(txDb, timer.id)) return false;
            const hooks = new BeforeCommit();
            const tx = this.txFor(txDb, hooks, () => (enqueued += 1));
            handler(timer, tx);
            hooks.run(tx);
            return true;
          });
          if (ran) {
            fired += 1;
            progressed = true;
            observer?.timerFired(timer.kind, now - timer.dueAt);
          }
        } catch (error) {
          // The decision rolled back; try again later rather than lose the timer.
          const message = error instanceof Error ? error.message : String(error);
          postponeFailedTimer(db, timer.id, now + backoffDelay(timer.attempts + 1), message);
          logger.error({ timerId: timer.id, kind: timer.kind, subject: timer.subject, err: error }, 'timer handler failed');
        }
      }
      if (enqueued > 0) {
        this.deps.drainer.wake();
        enqueued = 0;
      }
      if (!progressed) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return fired;
  }

  start(): void {
    if (this.task) return;
    this.task = cron.schedule('* * * * * *', () => {
      this.beat().catch((error: unknown) => this.deps.logger.error({ err: error }, 'tick failed'));
    });
  }

  async stop(): Promise<void> {
    if (this.task) {
      await this.task.stop();
      await this.task.destroy();
      this.task = null;
    }
    if (this.ticking) await this.ticking.catch(() => undefined);
    if (this.firing) await this.firing.catch(() => undefined);
  }

  private txFor(db: Db, hooks: BeforeCommit, onEnqueue: () => void): EngineTx {
    const now = this.deps.clock.now();
    return {
      db,
      now,
      schedule: (spec) => {
        this.kinds.get(spec.kind)?.check(spec.payload ?? {}, 'set');
        return scheduleTimer(db, now, spec);
      },
      cancel: (subject, kind, key) => cancelTimers(db, subject, kind, key),
      enqueue: (call) => {
        onEnqueue();
        return enqueueCall(db, now, call);
      },
      beforeCommit: (key, fn) => hooks.add(key, fn),
    };
  }
}
