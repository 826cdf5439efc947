/**
 * Typed timers: each kind names its payload's zod schema once, and the payload is checked when the timer is
 * set (a bad one throws before anything is written) and again when it is read at firing time (a row from an
 * older shape, or written by hand, is refused rather than handed to the feature as whatever it holds). No
 * timer handler casts an `unknown` payload.
 */
import { z } from 'zod';
import type { DueTimer, TimerSpec } from './timers.js';

/** A timer payload that does not fit its kind's schema. */
export class TimerPayloadError extends Error {
  constructor(kind: string, when: 'set' | 'read', detail: string) {
    super(`timer "${kind}" ${when === 'set' ? 'refused: its payload' : 'cannot fire: its stored payload'} does not fit: ${detail}`);
    this.name = 'TimerPayloadError';
  }
}

export type TypedDueTimer<P> = Omit<DueTimer, 'payload'> & { payload: P };

export interface TimerKind<P> {
  readonly kind: string;
  readonly schema: z.ZodType<P>;
  /** A timer of this kind; throws TimerPayloadError when the payload does not fit. */
  spec(timer: Omit<TimerSpec, 'kind' | 'payload'> & { payload: P }): TimerSpec;
  /** The payload checked against the schema (`when` says which side refused it). */
  check(payload: unknown, when: 'set' | 'read'): P;
  /** A due timer with its payload parsed; throws TimerPayloadError when the stored payload does not fit. */
  read(timer: DueTimer): TypedDueTimer<P>;
}

export function timerKind<P>(kind: string, schema: z.ZodType<P>): TimerKind<P> {
  const check = (payload: unknown, when: 'set' | 'read'): P => {
    const parsed = schema.safeParse(payload);
    if (!parsed.success) throw new TimerPayloadError(kind, when, z.prettifyError(parsed.error));
    return parsed.data;
  };
  return {
    kind,
    schema,
    check,
    spec: (timer) => ({ ...timer, kind, payload: check(timer.payload, 'set') }),
    read: (timer) => ({ ...timer, payload: check(timer.payload, 'read') }),
  };
}
