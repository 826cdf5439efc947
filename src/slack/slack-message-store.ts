/**
 * Where the messages we posted live in Slack, read by name (ref) or by place (channel and ts). Read only: the
 * outbox (engine/outbox.ts) writes `slack_messages` when a call with a ref is delivered. Features ask here
 * instead of reading the table, so the table can change (or move to another database) behind these two answers.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { slackMessages } from '../db/schema.js';

export interface MessageLocation {
  channel: string;
  ts: string;
}

/** The delivered message named `ref`, or null while it is not delivered (or never was). */
export function messageLocation(db: Db, ref: string): MessageLocation | null {
  return (
    db.select({ channel: slackMessages.channel, ts: slackMessages.ts }).from(slackMessages).where(eq(slackMessages.ref, ref)).get() ?? null
  );
}

/** The ref of the message of ours at this place, or null when it is not one we posted with a ref. */
export function messageRefAt(db: Db, channel: string, ts: string): string | null {
  return (
    db
      .select({ ref: slackMessages.ref })
      .from(slackMessages)
      .where(and(eq(slackMessages.channel, channel), eq(slackMessages.ts, ts)))
      .get()?.ref ?? null
  );
}
