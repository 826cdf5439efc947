/**
 * Each person's contact methods and their pending verification codes: the only module that touches the
 * contact tables. Returns plain values; the values are personal, so callers mask them (contact-rules.ts)
 * before they go anywhere but back to their owner.
 */
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { contactCodes, contactMethods } from '../db/schema.js';
import {
  CODE_TTL_MS,
  CONTACT_KINDS,
  channelOf,
  decideCode,
  hashCode,
  kindsOf,
  newCode,
  newSalt,
  type ContactChannel,
  type ContactKind,
  type Randomness,
} from './contact-rules.js';

export interface ContactMethod {
  kind: ContactKind;
  value: string;
  verifiedAt: number | null;
  lastTestAt: number | null;
  lastTestResult: string | null;
}

/** What the person wants: a value per kind, or null for none. */
export type DesiredContacts = Record<ContactKind, string | null>;

const isKind = (k: string): k is ContactKind => (CONTACT_KINDS as readonly string[]).includes(k);

/** The person's methods in the form's order: voice, sms, push, email. */
export function contactsOf(db: Db, userId: string): ContactMethod[] {
  const rows = db.select().from(contactMethods).where(eq(contactMethods.userId, userId)).all();
  return rows
    .filter((r) => isKind(r.kind))
    .map((r) => ({
      kind: r.kind as ContactKind,
      value: r.value,
      verifiedAt: r.verifiedAt,
      lastTestAt: r.lastTestAt,
      lastTestResult: r.lastTestResult,
    }))
    .sort((a, b) => CONTACT_KINDS.indexOf(a.kind) - CONTACT_KINDS.indexOf(b.kind));
}

export interface SavedContacts {
  /** Channels whose value is new or changed (now unverified), with the value a code should go to. */
  changed: Array<{ channel: ContactChannel; value: string }>;
  /** Kinds removed. */
  removed: ContactKind[];
}

/**
 * Writes what the person wants. A kind keeping its value keeps its verification and last test; a new or
 * changed value starts unverified and untested, and any code pending for the old value is dropped.
 */
export function saveContacts(db: Db, userId: string, desired: DesiredContacts, now: number): SavedContacts {
  return db.transaction((tx) => {
    const before = new Map(contactsOf(tx, userId).map((c) => [c.kind, c]));
    const changed = new Map<ContactChannel, string>();
    const removed: ContactKind[] = [];
    for (const kind of CONTACT_KINDS) {
      const want = desired[kind];
      const had = before.get(kind);
      const where = and(eq(contactMethods.userId, userId), eq(contactMethods.kind, kind));
      if (want === null) {
        if (had) {
          tx.delete(contactMethods).where(where).run();
          removed.push(kind);
        }
        continue;
      }
      if (had?.value === want) continue;
      // Turning on SMS for a phone number already verified for calls (or the reverse) needs no new code.
      const sibling = kindsOf(channelOf(kind))
        .map((k) => before.get(k))
        .find((c) => c && c.kind !== kind && c.value === want && c.verifiedAt !== null);
      const verifiedAt = sibling?.verifiedAt ?? null;
      if (had)
        tx.update(contactMethods)
          .set({ value: want, verifiedAt, lastTestAt: null, lastTestResult: null, updatedAt: now })
          .where(where)
          .run();
      else tx.insert(contactMethods).values({ userId, kind, value: want, verifiedAt, createdAt: now, updatedAt: now }).run();
      if (verifiedAt === null) changed.set(channelOf(kind), want);
    }
    for (const channel of ['phone', 'push', 'email'] as const) {
      const values = new Set(
        kindsOf(channel)
          .map((k) => desired[k])
          .filter((v): v is string => v !== null),
      );
      const pending = tx
        .select()
        .from(contactCodes)
        .where(and(eq(contactCodes.userId, userId), eq(contactCodes.channel, channel)))
        .get();
      if (pending && !values.has(pending.value))
        tx.delete(contactCodes)
          .where(and(eq(contactCodes.userId, userId), eq(contactCodes.channel, channel)))
          .run();
    }
    return { changed: [...changed].map(([channel, value]) => ({ channel, value })), removed };
  });
}

/**
 * A new code for the channel's current value, replacing any pending one. The code is returned once, to be
 * sent; only its hash is stored. Null when the person has no such method (nothing to verify).
 */
export function issueCode(
  db: Db,
  userId: string,
  channel: ContactChannel,
  now: number,
  random: Randomness,
): { code: string; value: string } | null {
  const value = contactsOf(db, userId).find((c) => channelOf(c.kind) === channel)?.value;
  if (value === undefined) return null;
  const code = newCode(random);
  const salt = newSalt(random);
  const row = {
    userId,
    channel,
    value,
    codeHash: hashCode(code, salt, { userId, channel, value }),
    salt,
    expiresAt: now + CODE_TTL_MS,
    tries: 0,
    createdAt: now,
  };
  db.insert(contactCodes)
    .values(row)
    .onConflictDoUpdate({
      target: [contactCodes.userId, contactCodes.channel],
      set: { value, codeHash: row.codeHash, salt, expiresAt: row.expiresAt, tries: 0, createdAt: now },
    })
    .run();
  return { code, value };
}

export type VerifyOutcome =
  | { outcome: 'verified'; channel: ContactChannel; value: string }
  | { outcome: 'wrong'; triesLeft: number }
  | { outcome: 'exhausted' }
  | { outcome: 'expired' }
  | { outcome: 'none' };

/**
 * The person typed `typed`. It is tried against their pending code on `channel` (or on every channel they
 * have one for): a match verifies that channel's methods and uses the code up; a miss costs a try on each code
 * it was tried against, and the fifth miss, like expiry, deletes the code.
 */
export function verifyCode(db: Db, userId: string, typed: string, now: number, channel?: ContactChannel): VerifyOutcome {
  return db.transaction((tx) => {
    const mine = eq(contactCodes.userId, userId);
    const pending = tx
      .select()
      .from(contactCodes)
      .where(channel ? and(mine, eq(contactCodes.channel, channel)) : mine)
      .all();
    if (pending.length === 0) return { outcome: 'none' } as const;
    const decided = pending.map((row) => ({
      row,
      channel: row.channel as ContactChannel,
      decision: decideCode({ ...row, channel: row.channel as ContactChannel }, typed, now),
    }));
    const keyOf = (c: string) => and(eq(contactCodes.userId, userId), eq(contactCodes.channel, c));
    // A match is looked for first, so a code right for one channel costs no try on the others.
    const hit = decided.find((d) => d.decision.outcome === 'verified');
    if (hit) {
      tx.delete(contactCodes).where(keyOf(hit.row.channel)).run();
      for (const kind of kindsOf(hit.channel)) {
        tx.update(contactMethods)
          .set({ verifiedAt: now, updatedAt: now })
          .where(and(eq(contactMethods.userId, userId), eq(contactMethods.kind, kind), eq(contactMethods.value, hit.row.value)))
          .run();
      }
      return { outcome: 'verified', channel: hit.channel, value: hit.row.value } as const;
    }
    let triesLeft = 0;
    let expired = 0;
    for (const { row, decision } of decided) {
      if (decision.outcome === 'wrong') {
        tx.update(contactCodes)
          .set({ tries: row.tries + 1 })
          .where(keyOf(row.channel))
          .run();
        triesLeft = Math.max(triesLeft, decision.triesLeft);
      } else {
        tx.delete(contactCodes).where(keyOf(row.channel)).run();
        if (decision.outcome === 'expired') expired += 1;
      }
    }
    if (triesLeft > 0) return { outcome: 'wrong', triesLeft };
    return expired === pending.length ? { outcome: 'expired' } : { outcome: 'exhausted' };
  });
}

/** Channels with a code waiting (not expired) at `now`. */
export function pendingChannels(db: Db, userId: string, now: number): ContactChannel[] {
  return db
    .select({ channel: contactCodes.channel, expiresAt: contactCodes.expiresAt })
    .from(contactCodes)
    .where(eq(contactCodes.userId, userId))
    .all()
    .filter((r) => r.expiresAt > now)
    .map((r) => r.channel as ContactChannel);
}

/** Records a message sent through a channel on purpose (a code, a test) and how it went, on each of its kinds. */
export function recordTest(db: Db, userId: string, channel: ContactChannel, value: string, now: number, result: string): void {
  for (const kind of kindsOf(channel)) {
    db.update(contactMethods)
      .set({ lastTestAt: now, lastTestResult: result.slice(0, 200) })
      .where(and(eq(contactMethods.userId, userId), eq(contactMethods.kind, kind), eq(contactMethods.value, value)))
      .run();
  }
}

/** Everyone's verified kinds (voice, sms, push, email), by user: what paging needs to plan wake steps. Values are not read. */
export function verifiedKindsByUser(db: Db): Record<string, ContactKind[]> {
  const rows = db
    .select({ userId: contactMethods.userId, kind: contactMethods.kind })
    .from(contactMethods)
    .where(isNotNull(contactMethods.verifiedAt))
    .all();
  const byUser: Record<string, ContactKind[]> = {};
  for (const row of rows) if (isKind(row.kind)) (byUser[row.userId] ??= []).push(row.kind);
  return byUser;
}

/** The verified value of one kind of a person's methods (a number, a topic), read when a message is sent; null when there is none. */
export function verifiedValue(db: Db, userId: string, kind: ContactKind): string | null {
  return contactsOf(db, userId).find((c) => c.kind === kind && c.verifiedAt !== null)?.value ?? null;
}

/** Who has verified this value for this kind (an SMS reply's From number), or null; the value is compared, never logged. */
export function userWithVerified(db: Db, kind: ContactKind, value: string): string | null {
  return (
    db
      .select({ userId: contactMethods.userId })
      .from(contactMethods)
      .where(and(eq(contactMethods.kind, kind), eq(contactMethods.value, value), isNotNull(contactMethods.verifiedAt)))
      .get()?.userId ?? null
  );
}
