/**
 * What a simulation records: plain values, so the timeline (simulator-timeline.ts) is a pure function of them
 * and imports nothing from db/ or the app. simulator.ts fills these in from the stand-in and the store.
 */
import type { SimulationRequest } from './simulator-args.js';

/** Who raises the simulated page (the DM says "paged by" them). */
export const SIMULATION_USER = 'U0SIMULATION';

export interface SentMessage {
  /** Fake-clock time the stand-in received it. */
  at: number;
  method: string;
  /** A channel id, or a user id for a DM. */
  channel: string;
  text: string;
  ok: boolean;
  /** The outbox's name for the message (e.g. "page:1:dm:U0ALICE:0:1"), for a post. */
  ref: string | null;
  /** The message an edit changes. */
  targetRef: string | null;
  /** For an ephemeral message: who saw it. */
  user: string | null;
  /** The stand-in's call number: orders things that happened at the same fake instant. */
  seq: number;
}

/** A timer that was due when the clock reached `at` and was gone after the ticker's round. */
export interface TimerFiring {
  at: number;
  kind: string;
  subject: string;
  payload: unknown;
  dueAt: number;
  /** Before the calls its round made. */
  seq: number;
}

/** The page's row at the end. */
export interface PageFacts {
  id: number;
  rotation: string;
  severity: string;
  status: 'open' | 'acknowledged' | 'resolved';
  createdAt: number;
  ackedBy: string | null;
  ackedAt: number | null;
  resolvedAt: number | null;
  breachedAt: number | null;
  exhaustedAt: number | null;
}

/** One row of page_messages: a DM (userId) or the channel line (null) of one step. */
export interface PageMessageFact {
  userId: string | null;
  ref: string;
  stepIndex: number;
  loop: number;
  createdAt: number;
}

export interface AckAttempt {
  at: number;
  by: string;
  /** Why this person: "the last person paged" or "a member of backend (nobody had been paged yet)". */
  why: string;
  /** Before the calls the press made. */
  seq: number;
}

export interface SimulationRecord {
  request: SimulationRequest;
  /** What `/oncall page` answered the simulated caller. */
  raisedReply: string;
  page: PageFacts | null;
  pageMessages: PageMessageFact[];
  messages: SentMessage[];
  firings: TimerFiring[];
  ack: AckAttempt | null;
  end: { at: number; reason: 'done' | 'horizon' | 'not_raised' };
}
