/**
 * The one place that reads the machine's clock. Everything else receives a Clock,
 * so tests can drive time (DST, escalation delays, restarts) without waiting.
 * Instants are UTC epoch milliseconds everywhere.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
};

/** A clock that only moves when told to. */
export class FakeClock implements Clock {
  private current: number;

  constructor(start: number | string = '2026-01-05T09:00:00Z') {
    this.current = typeof start === 'number' ? start : Date.parse(start);
    if (Number.isNaN(this.current)) throw new Error(`FakeClock: not an instant: ${String(start)}`);
  }

  now(): number {
    return this.current;
  }

  set(instant: number | string): void {
    const next = typeof instant === 'number' ? instant : Date.parse(instant);
    if (Number.isNaN(next)) throw new Error(`FakeClock: not an instant: ${String(instant)}`);
    this.current = next;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
