/** The slack feature's `slack_identity` table: who the bot is on Slack, per bot token (by its hash). */
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { slackIdentity } from '../db/schema.js';

export interface SlackIdentity {
  botUserId: string;
  botId: string;
}

/** The token is a secret: only its SHA-256 is kept, which is enough to tell "the same token" from "another one". */
const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** The identity auth.test gave for this token at an earlier start, or null (never asked, or another token). */
export function cachedIdentity(db: Db, token: string): SlackIdentity | null {
  try {
    return (
      db
        .select({ botUserId: slackIdentity.botUserId, botId: slackIdentity.botId })
        .from(slackIdentity)
        .where(eq(slackIdentity.tokenHash, tokenHash(token)))
        .get() ?? null
    );
  } catch {
    // Read before migrating (the app is built first): a database from before this table has no identity yet.
    return null;
  }
}

export function saveIdentity(db: Db, token: string, identity: SlackIdentity, now: number): void {
  const row = { ...identity, checkedAt: now };
  db.insert(slackIdentity)
    .values({ tokenHash: tokenHash(token), ...row })
    .onConflictDoUpdate({ target: slackIdentity.tokenHash, set: row })
    .run();
}
