/**
 * Decisions as data. A feature's decide step is a pure function that returns an `Effects` value: the rows it
 * wants written (in the feature's own terms, written by its store), the timers to set or cancel, the Slack
 * calls to enqueue (outbox) and the domain events that happened. `applyEffects` writes all of it in the
 * caller's transaction, in that order, each list in its own order; events go last, so whoever is told sees
 * the state they describe.
 */
import type { Db } from '../db/connection.js';
import type { EngineTx } from './engine.js';
import type { OutgoingCall } from './outbox.js';
import type { TimerSpec } from './timers.js';

/** A cancel names a subject's timers: all, one kind, or the one with a key (to move it: cancel it, then set it again). */
export type TimerOp = { op: 'set'; timer: TimerSpec } | { op: 'cancel'; subject: string; kind?: string; key?: string };

/** Something that happened in a feature, for others to follow (`page.acknowledged`). */
export interface DomainEvent {
  type: string;
}

export interface Effects<W, E extends DomainEvent> {
  writes: W[];
  timers: TimerOp[];
  calls: OutgoingCall[];
  events: E[];
}

export function noEffects<W, E extends DomainEvent>(): Effects<W, E> {
  return { writes: [], timers: [], calls: [], events: [] };
}

/** One after the other, as if the first were applied before the second. */
export function concatEffects<W, E extends DomainEvent>(...all: ReadonlyArray<Effects<W, E>>): Effects<W, E> {
  return {
    writes: all.flatMap((e) => e.writes),
    timers: all.flatMap((e) => e.timers),
    calls: all.flatMap((e) => e.calls),
    events: all.flatMap((e) => e.events),
  };
}

/** Told, in the applying transaction, of each domain event. */
export type EventSink<E extends DomainEvent> = (tx: EngineTx, event: E) => void;

export interface EffectsApplier<W, E extends DomainEvent> {
  /** The feature's store writes one of its rows. */
  write(db: Db, write: W): void;
  dispatch: EventSink<E>;
}

export function applyEffects<W, E extends DomainEvent>(tx: EngineTx, effects: Effects<W, E>, applier: EffectsApplier<W, E>): void {
  for (const write of effects.writes) applier.write(tx.db, write);
  for (const timer of effects.timers) {
    if (timer.op === 'set') tx.schedule(timer.timer);
    else tx.cancel(timer.subject, timer.kind, timer.key);
  }
  for (const call of effects.calls) tx.enqueue(call);
  for (const event of effects.events) applier.dispatch(tx, event);
}

/** Who follows each event, in order: the one table (src/app.ts) that says what follows what. */
export type EventTable<E extends DomainEvent> = { [K in E['type']]: ReadonlyArray<(tx: EngineTx, event: Extract<E, { type: K }>) => void> };

export function dispatchFrom<E extends DomainEvent>(table: () => EventTable<E>): EventSink<E> {
  return (tx, event) => {
    const followers = table()[event.type as E['type']] as ReadonlyArray<(tx: EngineTx, event: E) => void>;
    for (const follow of followers) follow(tx, event);
  };
}
